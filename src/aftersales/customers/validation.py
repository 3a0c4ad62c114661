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
from django.core.validators import MaxValueValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.validators import (
    VIN_OVERRIDABLE_CODES,
    phone_digits,
    phone_kind,
    validate_phone,
    validate_plate,
    validate_resident_id,
    validate_vin,
)

from .choices import CustomerKind, PhoneKind


def check_phone(raw: str) -> dict:
    """E.164 number, kind and reversed national digits (suffix search as an indexed prefix)."""
    e164 = validate_phone(raw or "")
    return {"number": e164, "kind": phone_kind(e164), "digits_reversed": phone_digits(e164)[::-1]}


#: Who may give only a landline (issue 8 item 9, R-CUS-1): a fleet or a company is reached at its
#: office, a private person on a mobile (SMS reminders, 首保 / 定保).  One message for the customer
#: page, the API and the import.
PERSON_NEEDS_MOBILE = gettext_lazy(
    "An individual customer's primary phone must be a mobile number; a landline or 400/800 number can be "
    "added as another phone. Only fleets and companies may give just a landline.")
LANDLINE_ALLOWED_KINDS = (CustomerKind.FLEET, CustomerKind.COMPANY)


def check_primary_phone_kind(customer_kind: str | None, phone_kind: str | None) -> None:
    """Refuse a landline or 400/800 number as an individual's primary phone (R-CUS-1)."""
    if phone_kind and phone_kind != PhoneKind.MOBILE and (customer_kind or CustomerKind.PERSON) \
            not in LANDLINE_ALLOWED_KINDS:
        raise ValidationError(str(PERSON_NEEDS_MOBILE), code="person_needs_mobile")


def check_resident_id(raw: str | None) -> str:
    """The normalised ID number, or "" when none was given (the field is optional)."""
    return validate_resident_id(raw) if str(raw or "").strip() else ""  # a number cell is no crash


def check_vin(raw: str | None, *, override_reason: str = "") -> tuple[str, bool]:
    """The normalised VIN and whether its check was overridden (legacy / grey import, audited).

    The override waives a failed check digit or a position-10 character that is no model-year code
    (``VIN_OVERRIDABLE_CODES``), never a wrong length or alphabet."""
    try:
        return validate_vin(raw or ""), False
    except ValidationError as exc:
        if exc.code not in VIN_OVERRIDABLE_CODES or not (override_reason or "").strip():
            messages = list(exc.messages)
            if exc.code in VIN_OVERRIDABLE_CODES:
                messages.append(_("For a legacy or grey-import vehicle, give a VIN override reason."))
            raise ValidationError(messages) from None
        return validate_vin(raw, check_digit=False), True


def check_plate(raw: str | None, *, allow_other: bool = False) -> tuple[str, str]:
    """The normalised plate and its kind; ("", "") when no plate was given."""
    if not (raw or "").strip():
        return "", ""
    plate, kind = validate_plate(raw, allow_other=allow_other)
    return plate, kind


# --------------------------------------------------------------------------------------------
# Data sanity (issue 7 item 8, issue 8 item 8; ADR 0017).  The messages are constants so the
# vehicle form, the API and the import (whole columns in polars) say the same words.
# --------------------------------------------------------------------------------------------

#: No odometer of a passenger or light commercial vehicle shows more; a larger number is a typo.
MAX_MILEAGE_KM = 2_000_000
MILEAGE_TOO_HIGH = gettext_lazy("No odometer shows more than %(max)s km; check the number.")
SALE_BEFORE_PRODUCTION = gettext_lazy("The sale date is before the production date.")
DELIVERY_BEFORE_SALE = gettext_lazy("The delivery date is before the sale date.")


@deconstructible
class MileageValidator(MaxValueValidator):
    """An odometer reading a vehicle can show (0 … MAX_MILEAGE_KM km).

    A ``MaxValueValidator``, so Django adds no second, backend-sized bound to the field (SQLite's
    would repeat the refusal as "at most 9223372036854775807")."""

    def __init__(self, limit_value=MAX_MILEAGE_KM, message=None):
        super().__init__(limit_value, message)

    def __call__(self, value) -> None:
        if value is not None and value > self.limit_value:
            raise ValidationError(MILEAGE_TOO_HIGH, code="max_value", params={"max": f"{self.limit_value:,}"})


validate_mileage_km = MileageValidator()


def vehicle_date_errors(*, production_date=None, sale_date=None, delivery_date=None) -> dict[str, list]:
    """The order a vehicle's life has: produced, then sold, then delivered.  Errors by field."""
    errors: dict[str, list] = {}
    if sale_date and production_date and sale_date < production_date:
        errors["sale_date"] = [ValidationError(SALE_BEFORE_PRODUCTION, code="sale_before_production")]
    if delivery_date and sale_date and delivery_date < sale_date:
        errors["delivery_date"] = [ValidationError(DELIVERY_BEFORE_SALE, code="delivery_before_sale")]
    return errors
