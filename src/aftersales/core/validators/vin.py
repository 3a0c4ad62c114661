"""VIN (GB 16735-2019 / ISO 3779; check digit per GB 16735 annex A = 49 CFR 565.15)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .common import nfkc as _nfkc
from .common import positions as _positions

VIN_LENGTH = 17
VIN_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPRSTUVWXYZ")
_VIN_VALUES: dict[str, int] = {
    **{d: int(d) for d in "0123456789"},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Position 10 cycles every 30 years: A=1980 (2010), ..., Y=2000 (2030), 1-9=2001-2009 (2031-2039).
_VIN_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
_VIN_YEAR_BASE = 1980
_VIN_STRIP = re.compile(r"[\s\-‐‑‒–—]+")

_MSG_VIN_LENGTH = _("A VIN has 17 characters; found %(length)d. Check for missing or extra characters.")
_MSG_VIN_BAD_CHARS = ngettext_lazy(
    "Only digits and letters A–Z except I, O and Q are allowed (position %(positions)s).",
    "Only digits and letters A–Z except I, O and Q are allowed (positions %(positions)s).",
    "count",
)
_MSG_VIN_IOQ = ngettext_lazy(
    "VINs never use I, O or Q (position %(positions)s).",
    "VINs never use I, O or Q (positions %(positions)s).",
    "count",
)
_MSG_VIN_IOQ_SUGGEST = ngettext_lazy(
    "VINs never use I, O or Q (position %(positions)s). Did you mean %(suggestion)s?",
    "VINs never use I, O or Q (positions %(positions)s). Did you mean %(suggestion)s?",
    "count",
)
_MSG_VIN_CHECK = _("Check digit (position 9) should be %(expected)s, not %(found)s; check the VIN for typos.")


def normalise_vin(raw: str) -> str:
    """Upper-case and drop spaces/hyphens, as VINs are often typed in groups or read off documents."""
    return _VIN_STRIP.sub("", _nfkc(raw)).upper()


def vin_check_digit(vin17: str) -> str:
    """Return the expected position-9 check character ('0'–'9' or 'X') for a 17-character VIN.

    Position 9 itself has weight 0, so whatever is there does not matter.  Raises ``ValueError``
    for a wrong length or characters outside the VIN alphabet.
    """
    vin = normalise_vin(vin17)
    if len(vin) != VIN_LENGTH:
        raise ValueError(f"VIN must have {VIN_LENGTH} characters, got {len(vin)}")
    try:
        total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"illegal VIN character {exc.args[0]!r}") from None
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def _vin_ok(vin: str) -> bool:
    return len(vin) == VIN_LENGTH and set(vin) <= VIN_ALPHABET and vin[8] == vin_check_digit(vin)


def validate_vin(raw: str, *, check_digit: bool = True) -> str:
    """Return the normalised VIN or raise ``ValidationError`` saying what to fix.

    Codes: ``vin_length`` (params ``length``), ``vin_chars`` (params ``positions``, and
    ``suggestion`` when O→0 / I→1 yields a valid VIN), ``vin_check_digit`` (params ``expected``,
    ``found``).  ``check_digit=False`` is for the audited override of legacy/grey-import VINs.
    """
    vin = normalise_vin(raw)
    if len(vin) != VIN_LENGTH:
        raise ValidationError(_MSG_VIN_LENGTH, code="vin_length", params={"length": len(vin)})

    bad = [i for i, c in enumerate(vin) if c not in VIN_ALPHABET]
    if bad:
        params: dict[str, object] = {"positions": _positions(bad), "count": len(bad)}
        if any(vin[i] not in "IOQ" for i in bad):
            raise ValidationError(_MSG_VIN_BAD_CHARS, code="vin_chars", params=params)
        suggestion = vin.replace("O", "0").replace("I", "1")
        if _vin_ok(suggestion):
            params["suggestion"] = suggestion
            raise ValidationError(_MSG_VIN_IOQ_SUGGEST, code="vin_chars", params=params)
        raise ValidationError(_MSG_VIN_IOQ, code="vin_chars", params=params)

    expected = vin_check_digit(vin)
    if check_digit and vin[8] != expected:
        raise ValidationError(
            _MSG_VIN_CHECK, code="vin_check_digit", params={"expected": expected, "found": vin[8]}
        )
    return vin


def vin_model_year(vin: str, *, current_year: int | None = None) -> int | None:
    """Model year from position 10, or ``None`` if the VIN or its year code is unusable.

    The code repeats every 30 years; pick the latest candidate not after next year, because a
    vehicle in service is never a model year more than one year ahead.
    """
    vin = normalise_vin(vin)
    if len(vin) != VIN_LENGTH:
        return None
    index = _VIN_YEAR_CODES.find(vin[9])
    if index < 0:
        return None
    limit = (current_year if current_year is not None else dt.date.today().year) + 1
    year = _VIN_YEAR_BASE + index
    while year + 30 <= limit:
        year += 30
    return year


def vin_validator(value: str) -> None:
    """Field validator: full VIN check including the check digit."""
    validate_vin(value)
