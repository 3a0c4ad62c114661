"""Resident identity card number (GB 11643): format, birth date, check character and its mask."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .common import nfkc as _nfkc

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_FORMAT = re.compile(r"\d{17}[\dX]")

_MSG_ID_LENGTH = _("A resident ID number has 18 characters; found %(length)d.")
_MSG_ID_CHARS = _("A resident ID number is 17 digits followed by a digit or X.")
_MSG_ID_NO_DATE = _("The birth date in the ID number (%(date)s) does not exist.")
_MSG_ID_FUTURE = _("The birth date in the ID number (%(date)s) is in the future.")
_MSG_ID_CHECK = _("Check character (position 18) should be %(expected)s; check the ID number for typos.")


def _normalise_resident_id(raw: str) -> str:
    return re.sub(r"\s+", "", _nfkc(raw)).upper()


def resident_id_check_char(id17: str) -> str:
    """GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(id17[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def validate_resident_id(raw: str, *, today: dt.date | None = None) -> str:
    """Return the normalised 18-character ID (upper-case X) or raise ``ValidationError``.

    Codes: ``id_length`` (params ``length``), ``id_chars``, ``id_birthdate`` (params ``date``:
    the date must exist and not be in the future), ``id_check`` (params ``expected``, ``found``).
    """
    value = _normalise_resident_id(raw)
    if len(value) != 18:
        raise ValidationError(_MSG_ID_LENGTH, code="id_length", params={"length": len(value)})
    if not _ID_FORMAT.fullmatch(value):
        raise ValidationError(_MSG_ID_CHARS, code="id_chars")
    text = f"{value[6:10]}-{value[10:12]}-{value[12:14]}"
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_MSG_ID_NO_DATE, code="id_birthdate", params={"date": text}) from None
    if birth > (today or dt.date.today()):
        raise ValidationError(_MSG_ID_FUTURE, code="id_birthdate", params={"date": text})
    expected = resident_id_check_char(value)
    if value[17] != expected:
        raise ValidationError(
            _MSG_ID_CHECK, code="id_check", params={"expected": expected, "found": value[17]}
        )
    return value


def mask_resident_id(raw: str) -> str:
    """First 6 (region) + last 4, stars between: '110105********002X'."""
    value = _normalise_resident_id(raw)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def resident_id_validator(value: str) -> None:
    """Field validator for the optional resident ID field."""
    validate_resident_id(value)
