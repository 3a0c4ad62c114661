"""Validators and normalisers for China after-sales data (VIN, plates, phones, resident IDs).

Pure Python apart from Django's ``ValidationError``, translation helpers and ``TextChoices``, so
they run in forms, serializers, importers and model ``validators=[...]`` alike.  The rules come
from /work/shared/DOMAIN.md (GB 16735, GA 36, GB 11643).  User-visible messages are English msgids;
the Simplified Chinese catalogue translates them.

Conventions:
- ``normalise_*`` clean up input and never judge it (``normalise_phone`` excepted: parsing is the
  normalisation, so it raises ``ValueError`` on text it cannot read).
- ``validate_*`` return the normalised value or raise ``ValidationError`` with a stable ``code``
  and ``params`` that other code (and the UI) may rely on.
- ``*_validator`` are thin callables for model/form field ``validators=[...]``; they validate
  only — store the value returned by the matching ``validate_*``/``normalise_*`` function.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

__all__ = [
    "PLATE_PROVINCES",
    "PhoneKind",
    "PlateKind",
    "classify_plate",
    "mask_address",
    "mask_phone",
    "mask_resident_id",
    "normalise_phone",
    "normalise_plate",
    "normalise_vin",
    "phone_digits",
    "phone_kind",
    "phone_validator",
    "plate_province",
    "plate_validator",
    "resident_id_check_char",
    "resident_id_validator",
    "validate_phone",
    "validate_plate",
    "validate_resident_id",
    "validate_vin",
    "vin_check_digit",
    "vin_model_year",
    "vin_validator",
]


_MASK = "****"


def _nfkc(raw: str) -> str:
    """Fold full-width digits, letters and punctuation (common with Chinese IMEs) to ASCII."""
    return unicodedata.normalize("NFKC", raw or "")


def _positions(indexes: list[int]) -> str:
    """1-based, comma-separated positions for messages."""
    return ", ".join(str(i + 1) for i in indexes)


# ---------------------------------------------------------------------------------------------
# VIN (GB 16735-2019 / ISO 3779; check digit per GB 16735 annex A = 49 CFR 565.15)
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Licence plates (GA 36)
# ---------------------------------------------------------------------------------------------

PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_P = f"[{PLATE_PROVINCES}]"
_AUTH = "[A-Z]"  # issuing-authority letter
_SER = "[A-HJ-NP-Z0-9]"  # serial characters: never I or O
_ENERGY = "[DABCEFGHJK]"  # D A B C E pure electric; F G H J K other new energy


class PlateKind(models.TextChoices):
    """Plate families the system understands; ``OTHER`` is free text (emergency, test, military…)."""

    ORDINARY = "ordinary", _("Ordinary")
    NEW_ENERGY_SMALL = "new_energy_small", _("New energy (small vehicle)")
    NEW_ENERGY_LARGE = "new_energy_large", _("New energy (large vehicle)")
    SUFFIXED = "suffixed", _("Police, driving-school, trailer or consular (警学挂领)")
    HK_MACAO = "hk_macao", _("Hong Kong / Macao cross-border (粤Z)")
    OTHER = "other", _("Other")


_PLATE_PATTERNS: tuple[tuple[PlateKind, re.Pattern[str]], ...] = (
    (PlateKind.HK_MACAO, re.compile(f"粤Z{_SER}{{4}}[港澳]")),
    (PlateKind.ORDINARY, re.compile(f"{_P}{_AUTH}{_SER}{{5}}")),
    (PlateKind.NEW_ENERGY_SMALL, re.compile(f"{_P}{_AUTH}{_ENERGY}{_SER}[0-9]{{4}}")),
    (PlateKind.NEW_ENERGY_LARGE, re.compile(f"{_P}{_AUTH}[0-9]{{5}}{_ENERGY}")),
    (PlateKind.SUFFIXED, re.compile(f"{_P}{_AUTH}{_SER}{{4}}[警学挂领]")),
)
_PLATE_STRIP = re.compile(r"[\s·•・･\-‐‑–—]+")

_MSG_PLATE_INVALID = _(
    "Not a valid plate number. Accepted formats: 京A12345; new energy 沪AD12345 or 苏E12345F; "
    "京A1234学; 粤Z1234港."
)
_MSG_PLATE_SUGGEST = _("Plate numbers do not use the letters I or O; did you mean %(suggestion)s?")
_MSG_PLATE_PROVINCE = _(
    "A plate starts with a province abbreviation such as 京, 沪 or 粤; “%(found)s” is not one."
)


def normalise_plate(raw: str) -> str:
    """Drop spaces (incl. full-width), separators '·' '•' '-' and upper-case, as plates are
    printed as 京A·12345 but searched and stored without decoration."""
    return _PLATE_STRIP.sub("", _nfkc(raw)).upper()


def classify_plate(raw: str) -> PlateKind | None:
    """The legal plate family of ``raw``, or ``None`` if it matches none (never ``OTHER``)."""
    plate = normalise_plate(raw)
    for kind, pattern in _PLATE_PATTERNS:
        if pattern.fullmatch(plate):
            return kind
    return None


def plate_province(plate: str) -> str:
    """Province abbreviation of a plate (e.g. '粤'), or '' when it does not start with one."""
    first = normalise_plate(plate)[:1]
    return first if first and first in PLATE_PROVINCES else ""


def validate_plate(raw: str, *, allow_other: bool = False) -> tuple[str, PlateKind]:
    """Return ``(normalised, kind)`` or raise ``ValidationError``.

    Codes: ``plate_province`` (params ``found``) when the first character is not one of the 31
    province abbreviations, else ``plate_invalid`` (params ``suggestion`` when replacing I/O by
    1/0 after the authority letter makes it valid).  With ``allow_other`` any non-empty text is
    accepted as ``PlateKind.OTHER``, because special plates are recorded, not rejected.
    """
    plate = normalise_plate(raw)
    kind = classify_plate(plate)
    if kind is not None:
        return plate, kind
    if allow_other and plate:
        return plate, PlateKind.OTHER
    if plate and not plate_province(plate):
        raise ValidationError(_MSG_PLATE_PROVINCE, code="plate_province", params={"found": plate[0]})
    suggestion = plate[:2] + plate[2:].replace("I", "1").replace("O", "0")
    if suggestion != plate and classify_plate(suggestion) is not None:
        raise ValidationError(_MSG_PLATE_SUGGEST, code="plate_invalid", params={"suggestion": suggestion})
    raise ValidationError(_MSG_PLATE_INVALID, code="plate_invalid")


def plate_validator(value: str) -> None:
    """Field validator for plates of a legal family (special plates need ``allow_other``)."""
    validate_plate(value)


# ---------------------------------------------------------------------------------------------
# Phones (stored as E.164, extension as ';ext=')
# ---------------------------------------------------------------------------------------------

PhoneKind = Literal["mobile", "landline", "service"]

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SERVICE = re.compile(r"[48]00\d{7}")
# Area code: 010, 02X, or 0 + 3 digits (first digit 3-9); subscriber 7-8 digits.
_LANDLINE = re.compile(r"0(10|2\d|[3-9]\d\d)([1-9]\d{6,7})")
_PHONE_EXT = re.compile(r"\s*(?:;\s*ext\s*=|ext\s*[.:=]?|转|分机|[x#])\s*(\d{1,6})\s*$", re.IGNORECASE)
_PHONE_INTL = re.compile(r"^\(?\s*(?:\+|00)\s*86\s*\)?")
_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑–—().]+")
_PHONE_DASH_EXT = re.compile(r"^(.*\d)\s*-\s*(\d{1,6})$")

_MSG_PHONE_INVALID = _(
    "Enter a mobile number (13812345678), a landline with area code (010-12345678, "
    "0755-1234567 转 123) or a 400/800 number."
)
_MSG_PHONE_AREA = _("Add the area code to this landline number, e.g. 010-12345678.")


@dataclass(frozen=True, slots=True)
class _Phone:
    kind: PhoneKind
    nsn: str  # national significant number: no +86, no trunk 0
    ext: str = ""
    area_length: int = 0  # landline area code length without the trunk 0

    @property
    def e164(self) -> str:
        return f"+86{self.nsn}" + (f";ext={self.ext}" if self.ext else "")


def _national(digits: str, *, international: bool) -> _Phone | None:
    """Classify a digit string; after +86 a landline has lost its trunk 0, so put it back."""
    if _MOBILE.fullmatch(digits):
        return _Phone("mobile", digits)
    if _SERVICE.fullmatch(digits):
        return _Phone("service", digits)
    if international and not digits.startswith("0"):
        digits = "0" + digits
    if m := _LANDLINE.fullmatch(digits):
        return _Phone("landline", digits[1:], area_length=len(m.group(1)))
    return None


def _digits_of(text: str) -> str | None:
    digits = _PHONE_SEPARATORS.sub("", text)
    return digits if digits.isdigit() else None


def _parse_phone(raw: str) -> _Phone | None:
    text = _nfkc(raw).strip()
    ext = ""
    if m := _PHONE_EXT.search(text):
        ext, text = m.group(1), text[: m.start()]
    international = False
    if m := _PHONE_INTL.match(text):
        international, text = True, text[m.end() :]

    def attempt(body: str) -> _Phone | None:
        digits = _digits_of(body)
        if not digits:
            return None
        phone = _national(digits, international=international)
        if phone is None and not international and digits.startswith("86"):
            phone = _national(digits[2:], international=True)  # '86' typed without + or 00
        return phone

    phone = attempt(text)
    if phone is None and not ext and (m := _PHONE_DASH_EXT.match(text)):
        # 010-12345678-123: a trailing dash group that does not fit the number is an extension.
        phone = attempt(m.group(1))
        if phone is not None and phone.kind != "mobile":
            ext = m.group(2)
        else:
            phone = None
    if phone is None or (ext and phone.kind == "mobile"):
        return None
    return _Phone(phone.kind, phone.nsn, ext, phone.area_length)


def normalise_phone(raw: str) -> str:
    """E.164 form ('+8613812345678', '+861012345678;ext=123', '+864001234567').

    Accepts spaces, hyphens, parentheses, full-width digits, +86/0086/86 prefixes and extension
    separators '-', '转', 'ext', 'x'.  Raises ``ValueError`` for text that is not a phone number.
    """
    phone = _parse_phone(raw)
    if phone is None:
        raise ValueError(f"not a Chinese phone number: {raw!r}")
    return phone.e164


def validate_phone(raw: str) -> str:
    """Return the E.164 form or raise ``ValidationError`` (code ``phone_invalid``)."""
    phone = _parse_phone(raw)
    if phone is not None:
        return phone.e164
    digits = _digits_of(_nfkc(raw).strip())
    if digits and len(digits) in (7, 8) and digits[0] in "23456789":
        raise ValidationError(_MSG_PHONE_AREA, code="phone_invalid")
    raise ValidationError(_MSG_PHONE_INVALID, code="phone_invalid")


def phone_kind(e164: str) -> PhoneKind:
    """'mobile', 'landline' or 'service' (400/800); raises ``ValueError`` if unparseable."""
    phone = _parse_phone(e164)
    if phone is None:
        raise ValueError(f"not a Chinese phone number: {e164!r}")
    return phone.kind


def phone_digits(e164: str) -> str:
    """National significant digits without extension ('13812345678', '1012345678'), so a
    suffix search on the last digits works for every stored form."""
    phone = _parse_phone(e164)
    if phone is None:
        raise ValueError(f"not a Chinese phone number: {e164!r}")
    return phone.nsn


def mask_phone(e164_or_raw: str) -> str:
    """Display form hiding the personal part: '138****5678', '010-****5678'.

    Service numbers are public business lines and are shown in full ('400-123-4567').  Text
    that is not a phone number keeps only its last 4 digits, so masking never leaks.
    """
    phone = _parse_phone(e164_or_raw)
    if phone is None:
        digits = re.sub(r"\D", "", _nfkc(e164_or_raw))
        if len(digits) <= 4:
            return _MASK if (e164_or_raw or "").strip() else ""
        return "*" * (len(digits) - 4) + digits[-4:]
    nsn = phone.nsn
    if phone.kind == "mobile":
        return f"{nsn[:3]}****{nsn[-4:]}"
    if phone.kind == "service":
        return f"{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}"
    area, subscriber = nsn[: phone.area_length], nsn[phone.area_length :]
    return f"0{area}-{'*' * (len(subscriber) - 4)}{subscriber[-4:]}"


def format_phone(e164: str) -> str:
    """Readable form of a stored E.164 number: '138 1234 5678', '010-12345678 转 8', '400-123-4567'."""
    phone = _parse_phone(e164 or "")
    if phone is None:
        return e164 or ""
    nsn = phone.nsn
    if phone.kind == "mobile":
        text = f"{nsn[:3]} {nsn[3:7]} {nsn[7:]}"
    elif phone.kind == "service":
        text = f"{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}"
    else:
        text = f"0{nsn[: phone.area_length]}-{nsn[phone.area_length:]}"
    ext = (e164 or "").partition(";ext=")[2]
    return f"{text} 转 {ext}" if ext else text


def phone_validator(value: str) -> None:
    """Field validator for phone numbers in any accepted input form."""
    validate_phone(value)


# ---------------------------------------------------------------------------------------------
# Resident identity card number (GB 11643)
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------------------------

# One administrative segment: a name (no digits, street-level or level words) + its level word.
# Longer level words come first so 自治区 is a province, not a district ending in 区.
_ADMIN_SEGMENT = re.compile(
    r"[^\d\s省市区县旗盟路街道号巷弄村镇乡组栋楼室]{1,8}?"
    r"(特别行政区|自治区|自治州|自治县|自治旗|省|市|地区|盟|区|县|旗)"
)
_PROVINCE_LEVEL = {"省", "自治区", "特别行政区"}
_CITY_LEVEL = {"市", "自治州", "地区", "盟"}


def mask_address(text: str) -> str:
    """Keep the address down to district/county level, mask the rest with '****'.

    Walks the leading administrative segments (省/自治区 → 市/自治州/地区/盟 → 区/县/旗 or a
    county-level 市) so '北京市朝阳区…' keeps '北京市朝阳区' and '江苏省苏州市昆山市…' keeps
    '江苏省苏州市昆山市'.  Without recognisable segments, keep at most 6 characters and never
    more than half the text, so a bare street address is not shown in full.
    """
    text = (text or "").strip()
    if not text:
        return ""
    end, seen_city = 0, False
    for _level in range(4):
        m = _ADMIN_SEGMENT.match(text, end)
        if m is None:
            break
        end, level = m.end(), m.group(1)
        if level in _PROVINCE_LEVEL:
            continue
        if level in _CITY_LEVEL and not (level == "市" and seen_city):
            seen_city = True
            continue
        break  # district / county level reached
    if end == 0:
        end = min(6, len(text) // 2)
    return text[:end] + _MASK if end < len(text) else text
