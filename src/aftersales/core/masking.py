"""Personal-data masking: one decision, read from one declaration, for pages, API, exports and
timelines (R-SYS-2, ADR 0015).

**What a value is** is declared on its model, not guessed from a field name::

    class Customer(BaseModel):
        personal_data = {"primary_phone": "phone", "phones": "phone", "resident_id": "resident_id",
                         "addresses": "address"}

so a document's ``number`` (a receipt number) is never masked like a phone's ``number``.  Keys
are field names or the names services use in audit changes (``phones``, ``addresses``); values are
kinds in ``KINDS``.

**Who may see it unmasked** is decided per row, not only per role (issue 7 item 3): the user needs
``core.view_personal_data`` *and* the person the data belongs to must be in the user's own scope.
A dealer that still sees a car it sold after the owner moved to another dealer sees that owner
masked.  Core cannot ask about customers itself (it sits below them), so the customer archive
registers a *person resolver* (``register_person_resolver``) answering "which of these customer
ids does this user's scope hold?".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .scoping import scope_for
from .validators import mask_address, mask_name, mask_phone, mask_resident_id

PERMISSION = "core.view_personal_data"


def mask_email(address: str) -> str:
    """'zhang.san@example.com' → 'z***@example.com'."""
    local, at, domain = (address or "").partition("@")
    if not at:
        return mask_phone(address)
    return f"{local[:1]}***@{domain}"


def mask_contact(value: str) -> str:
    """A contact point is a phone number or an e-mail address (consents, suppressions, outbox)."""
    return mask_email(value) if "@" in (value or "") else mask_phone(value)


# kind -> mask; a declaration naming another kind is a programming error (checked at first use).
KINDS: dict[str, Callable[[str], str]] = {
    "phone": mask_phone,
    "resident_id": mask_resident_id,
    "address": mask_address,
    "email": mask_email,
    "contact": mask_contact,
    "name": mask_name,
}


def declared_personal_data(model) -> dict[str, str]:
    """The model's ``personal_data`` declaration ({} for models that hold none)."""
    declared = getattr(model, "personal_data", None) or {}
    unknown = set(declared.values()) - set(KINDS)
    if unknown:
        raise ValueError(f"{model.__name__}.personal_data names unknown kinds {sorted(unknown)}")
    return declared


def mask_as(kind: str, value):
    """Mask ``value`` (a string, or a list of them as services record ``phones``) as ``kind``."""
    if isinstance(value, (list, tuple)):
        return [mask_as(kind, v) for v in value]
    if isinstance(value, str) and value:
        return KINDS[kind](value)
    return value


# --- who may see a row's personal data -------------------------------------------------------------

PersonResolver = Callable[[object, Iterable[int]], set[int]]
_person_resolver: PersonResolver | None = None


def register_person_resolver(resolver: PersonResolver) -> None:
    """``resolver(user, customer_ids) -> ids of those customers inside the user's own scope``."""
    global _person_resolver
    _person_resolver = resolver


def can_see_personal_data(user) -> bool:
    """The role may see personal data (still subject to the row rule: ``persons_unmasked``)."""
    return bool(user and user.is_authenticated and user.has_perm(PERMISSION))


def persons_in_scope(user, customer_ids: Iterable[int | None]) -> set[int]:
    """Of these customers, those inside the user's scope (own organisation or an access grant).
    Fails closed: without a registered resolver, none."""
    ids = {int(i) for i in customer_ids if i}
    if not ids or _person_resolver is None:
        return set()
    return set(_person_resolver(user, ids)) & ids


def persons_held(user, customer_ids: Iterable[int | None], *, unmasked: set[int] | None = None) -> set[int]:
    """``persons_in_scope`` without a query when the answer is known: everyone for a network-wide
    scope; ``unmasked`` (the same set) for a role that may see personal data."""
    ids = {int(i) for i in customer_ids if i}
    if scope_for(user).everything:
        return ids
    if unmasked is not None and can_see_personal_data(user):
        return set(unmasked) & ids
    return persons_in_scope(user, ids)


def persons_unmasked(user, customer_ids: Iterable[int | None]) -> set[int]:
    """Of these customers, those whose personal data ``user`` sees unmasked: the permission and the
    customer inside the user's scope."""
    if not can_see_personal_data(user):
        return set()
    return persons_in_scope(user, customer_ids)


def person_unmasked(user, customer_id: int | None) -> bool:
    return bool(customer_id) and customer_id in persons_unmasked(user, [customer_id])


def person_name(name: str | None, user, customer_id: int | None, *, in_scope: set[int] | None = None) -> str:
    """A person's name as ``user`` may see it: in full when the person is inside the user's scope
    (own organisation or an access grant), else masked (张*) — whatever the role.  A dealer that
    still sees a car it sold sees the owner who moved to another dealer as 欧***.  ``in_scope``:
    the caller's batch answer of ``persons_in_scope`` for a list (one query per page, not per row).
    """
    if not name:
        return ""
    if customer_id is None:
        return name
    if scope_for(user).everything:
        return name
    held = in_scope if in_scope is not None else persons_in_scope(user, [customer_id])
    return name if customer_id in held else mask_name(name)


def masked(value: str | None, mask: Callable[[str], str], user, *, revealed: bool = False,
           unmasked: bool | None = None) -> str:
    """``value`` as this user may see it: unmasked only with the permission (and, when the caller
    decided the row rule, ``unmasked=True``) or after an explicit reveal."""
    if not value:
        return ""
    if revealed:
        return value
    allowed = can_see_personal_data(user) if unmasked is None else (unmasked and can_see_personal_data(user))
    return value if allowed else mask(value)


# Kinds decided by the row alone: a person's name is shown to every role whose scope holds the
# person (agents see customers' names), masked only outside it (``person_name``).
ROW_ONLY_KINDS = frozenset({"name"})


def masked_changes(model, changes: Iterable[tuple], *, unmask: bool, in_scope: bool | None = None) -> list[tuple]:
    """Labelled audit changes ``(name, label, old, new)`` with every declared personal field of
    ``model`` masked by its kind, unless ``unmask``; a ``name`` kind is masked unless the person is
    ``in_scope`` (default: ``unmask``)."""
    declared = {} if model is None else declared_personal_data(model)
    rows = []
    for name, label, old, new in changes:
        kind = declared.get(name)
        shown = (unmask if in_scope is None else in_scope) if kind in ROW_ONLY_KINDS else unmask
        if kind and not shown:
            old, new = mask_as(kind, old), mask_as(kind, new)
        elif kind == "phone":  # shown to people as 138 1234 5678, not as stored (+8613812345678)
            old, new = _readable_phones(old), _readable_phones(new)
        rows.append((name, label, _joined(old), _joined(new)))
    return rows


def _readable_phones(value):
    from .validators import format_phone

    if isinstance(value, (list, tuple)):
        return [_readable_phones(v) for v in value]
    return format_phone(value) if isinstance(value, str) and value else value


def _joined(value):
    """Lists read as "甲、乙" on pages, never as a Python list."""
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return value
