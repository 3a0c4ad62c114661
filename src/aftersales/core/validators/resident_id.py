"""Resident identity card number (GB 11643): format, birth date, check character and its mask."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .common import SEPARATORS
from .common import fold as _nfkc

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_FORMAT = re.compile(r"[0-9]{17}[0-9X]")
# GB/T 2260 province-level codes, the first two digits of every resident ID number (GB 11643 §5.1):
# 11-15 North, 21-23 North-east, 31-37 East, 41-46 Central-south, 50-54 South-west, 61-65 North-west,
# 71 Taiwan, 81 Hong Kong, 82 Macao.
PROVINCE_CODES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"]
)
# A spreadsheet that stored the number as a number shows it as text with a trailing ".0".
_SPREADSHEET_FLOAT = re.compile(r"([0-9]+)\.0+")

_MSG_ID_LENGTH = _("A resident ID number has 18 characters; found %(length)d.")
_MSG_ID_CHARS = _("A resident ID number is 17 digits followed by a digit or X.")
_MSG_ID_PROVINCE = _(
    "The first two digits of an ID number are the province code (11 for Beijing, 44 for Guangdong …); "
    "“%(code)s” is not one."
)
_MSG_ID_LOST_DIGITS = _(
    "This ID number was stored as a number and has lost its last digits; format the column as text "
    "and enter the number again."
)
_MSG_ID_NO_DATE = _("The birth date in the ID number (%(date)s) does not exist.")
_MSG_ID_FUTURE = _("The birth date in the ID number (%(date)s) is in the future.")
_MSG_ID_CHECK = _("Check character (position 18) should be %(expected)s; check the ID number for typos.")


def _normalise_resident_id(raw) -> str:
    """Folded, separators dropped, upper-case; ``440524188001010014.0`` (a number cell) is its digits."""
    text = _nfkc(raw).strip()
    if m := _SPREADSHEET_FLOAT.fullmatch(text):
        return m.group(1)
    return SEPARATORS.sub("", text).upper()


def resident_id_check_char(id17: str) -> str:
    """GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(id17[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def validate_resident_id(raw: str, *, today: dt.date | None = None) -> str:
    """Return the normalised 18-character ID (upper-case X) or raise ``ValidationError``.

    Codes: ``id_length`` (params ``length``), ``id_chars``, ``id_province`` (params ``code``: not a
    GB/T 2260 province), ``id_birthdate`` (params ``date``: the date must exist and not be in the
    future), ``id_check`` (params ``expected``, ``found``).  A float above 2**53 cannot hold 18
    digits exactly and is refused as ``id_lost_digits`` instead of being checked digit by digit.
    """
    if isinstance(raw, float) and abs(raw) >= 2**53:
        raise ValidationError(_MSG_ID_LOST_DIGITS, code="id_lost_digits")
    value = _normalise_resident_id(raw)
    if len(value) != 18:
        raise ValidationError(_MSG_ID_LENGTH, code="id_length", params={"length": len(value)})
    if not _ID_FORMAT.fullmatch(value):
        raise ValidationError(_MSG_ID_CHARS, code="id_chars")
    if value[:2] not in PROVINCE_CODES:
        raise ValidationError(_MSG_ID_PROVINCE, code="id_province", params={"code": value[:2]})
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
