"""Identifier checks shared by the customer and vehicle forms, the API and the services (issue 8 item 3;
R-CUS-1, R-CUS-2).

Each check normalises one value or raises a ``ValidationError`` whose messages are what the user
reads.  Forms and serializers call them per field, so a bad phone is reported even when a required
field is missing; the services call them again, collecting every field's error before refusing
(``core.validation.FieldErrors``).  One function per rule means the page, the API and the import say
the same thing about the same input.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from aftersales.core.validators import (
    phone_digits,
    phone_kind,
    validate_phone,
    validate_plate,
    validate_resident_id,
    validate_vin,
)


def check_phone(raw: str) -> dict:
    """E.164 number, kind and reversed national digits (suffix search as an indexed prefix)."""
    e164 = validate_phone(raw or "")
    return {"number": e164, "kind": phone_kind(e164), "digits_reversed": phone_digits(e164)[::-1]}


def check_resident_id(raw: str | None) -> str:
    """The normalised ID number, or "" when none was given (the field is optional)."""
    return validate_resident_id(raw) if (raw or "").strip() else ""


def check_vin(raw: str | None, *, override_reason: str = "") -> tuple[str, bool]:
    """The normalised VIN and whether its check digit was overridden (legacy / grey import, audited)."""
    try:
        return validate_vin(raw or ""), False
    except ValidationError as exc:
        if exc.code != "vin_check_digit" or not (override_reason or "").strip():
            messages = list(exc.messages)
            if exc.code == "vin_check_digit":
                messages.append(_("For a legacy or grey-import vehicle, give a VIN override reason."))
            raise ValidationError(messages) from None
        return validate_vin(raw, check_digit=False), True


def check_plate(raw: str | None, *, allow_other: bool = False) -> tuple[str, str]:
    """The normalised plate and its kind; ("", "") when no plate was given."""
    if not (raw or "").strip():
        return "", ""
    plate, kind = validate_plate(raw, allow_other=allow_other)
    return plate, kind
