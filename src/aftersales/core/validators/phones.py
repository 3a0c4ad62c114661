"""Phones: mobile, landline with area code, 400/800 service numbers; stored as E.164 with ';ext='."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .common import MASK as _MASK
from .common import fold as _nfkc

PhoneKind = Literal["mobile", "landline", "service"]

# Digits are ASCII here: the input is folded first (common.fold), and [0-9] is spelt out so no
# other script's digits can match even if a caller skips the fold.
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# A mobile typed with the trunk 0 of a domestic long-distance call (013812345678) is the mobile.
_MOBILE_TRUNK = re.compile(r"0(1[3-9][0-9]{9})")
_SERVICE = re.compile(r"[48]00[0-9]{7}")
# Area code: 010, 02X, or 0 + 3 digits (first digit 3-9); subscriber 7-8 digits.
_LANDLINE = re.compile(r"0(10|2[0-9]|[3-9][0-9][0-9])([1-9][0-9]{6,7})")
# 400 / 800 numbers and the 950xx nationwide short numbers have no area code: typed with a trunk 0
# they look like a 3-digit area code + subscriber, but no such area exists.
NOT_AREA_CODES = ("400", "800", "950")
_NOT_AREA = re.compile(r"0(?:400|800|950)[0-9]*")
# A spreadsheet that stored the phone as a number gives 13812345678.0 as text.
_SPREADSHEET_FLOAT = re.compile(r"([0-9]+)\.0+")
_PHONE_EXT = re.compile(r"\s*(?:;\s*ext\s*=|ext\s*[.:=]?|转|分机|[x#])\s*([0-9]{1,6})\s*$", re.IGNORECASE)
_PHONE_INTL = re.compile(r"^\(?\s*(?:\+|00)\s*86\s*\)?")
_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑–—().]+")
_PHONE_DASH_EXT = re.compile(r"^(.*[0-9])\s*-\s*([0-9]{1,6})$")

_MSG_PHONE_INVALID = _(
    "Enter a mobile number (13812345678), a landline with area code (010-12345678, "
    "0755-1234567 转 123) or a 400/800 number."
)
_MSG_PHONE_AREA = _("Add the area code to this landline number, e.g. 010-12345678.")
_MSG_PHONE_NOT_AREA = _(
    "%(prefix)s is not an area code. A 400 or 800 number is written without the leading 0, e.g. 400-123-4567."
)


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
    if m := _MOBILE_TRUNK.fullmatch(digits):
        return _Phone("mobile", m.group(1))
    if _SERVICE.fullmatch(digits):
        return _Phone("service", digits)
    if international and not digits.startswith("0"):
        digits = "0" + digits
    if (m := _LANDLINE.fullmatch(digits)) and m.group(1) not in NOT_AREA_CODES:
        return _Phone("landline", digits[1:], area_length=len(m.group(1)))
    return None


def _digits_of(text: str) -> str | None:
    digits = _PHONE_SEPARATORS.sub("", text)
    return digits if digits.isascii() and digits.isdigit() else None


def _clean(raw) -> str:
    """Folded text (ASCII digits; a number cell as its digits), stripped; '13812345678.0' → digits."""
    text = _nfkc(raw).strip()
    if m := _SPREADSHEET_FLOAT.fullmatch(text):
        return m.group(1)
    return text


def _parse_phone(raw) -> _Phone | None:
    text = _clean(raw)
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

    phone = None
    if not ext and (m := _PHONE_DASH_EXT.match(text)):
        # 0792-4308059-3: when what precedes the last dash group is already a landline (or a
        # 400/800 number), that group is its extension, even if gluing it on would also give a
        # valid 8-digit number; 010-6552-9988 stays one number because 010-6552 is none.
        head = attempt(m.group(1))
        if head is not None and head.kind != "mobile":
            phone, ext = head, m.group(2)
    if phone is None:
        phone = attempt(text)
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
    digits = _digits_of(_clean(raw))
    if digits and _NOT_AREA.fullmatch(digits):
        raise ValidationError(_MSG_PHONE_NOT_AREA, code="phone_invalid", params={"prefix": digits[:4]})
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


_STORED_MOBILE = re.compile(r"\+861[3-9][0-9]{9}")


def mask_phone(e164_or_raw: str) -> str:
    """Display form hiding the personal part: '138****5678', '010-****5678'.

    Service numbers are public business lines and are shown in full ('400-123-4567').  Text
    that is not a phone number keeps only its last 4 digits, so masking never leaks.
    """
    if isinstance(e164_or_raw, str) and _STORED_MOBILE.fullmatch(e164_or_raw):  # the stored form: no parsing (exports mask 100,000s)
        return f"{e164_or_raw[3:6]}****{e164_or_raw[-4:]}"
    phone = _parse_phone(e164_or_raw)
    if phone is None:
        digits = re.sub(r"[^0-9]", "", _nfkc(e164_or_raw))
        if len(digits) <= 4:
            return _MASK if _nfkc(e164_or_raw).strip() else ""
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
