"""Personal-data masking: one per-field decision by role, used by pages, API and exports (R-SYS-2)."""

from __future__ import annotations

from collections.abc import Callable

PERMISSION = "core.view_personal_data"


def can_see_personal_data(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PERMISSION))


def masked(value: str | None, mask: Callable[[str], str], user, *, revealed: bool = False) -> str:
    """``value`` as this user may see it: unmasked only with the permission or an explicit reveal."""
    if not value:
        return ""
    if revealed or can_see_personal_data(user):
        return value
    return mask(value)
