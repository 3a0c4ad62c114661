"""Part numbers: normalised (full-width folded, trimmed, upper-cased) then checked against one pattern."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PART_NUMBER_MAX_LENGTH = 40
_PART_NUMBER = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
_MSG_PART_NUMBER = _("Use letters, digits and single hyphens only, e.g. MT-2200-01.")


def normalise_part_number(raw) -> str:
    """Fold full-width characters (Chinese IMEs), trim, upper-case; never judges the value."""
    if raw is None:
        return ""
    return unicodedata.normalize("NFKC", str(raw)).strip().upper()


def part_number_validator(value: str) -> None:
    """Field validator on the stored (normalised) form."""
    if not _PART_NUMBER.fullmatch(value or ""):
        raise ValidationError(_MSG_PART_NUMBER, code="part_number_invalid")
