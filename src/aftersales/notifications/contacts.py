"""Contact points: every consent, suppression and message uses one normalised form of a number or address."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from aftersales.core.validators import phone_kind, validate_phone

from .choices import ConsentChannel


def normalise_email(raw: str) -> str:
    value = (raw or "").strip()
    validate_email(value)
    local, _at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_mobile(raw: str) -> str:
    """E.164 of a mobile number; SMS can only reach mobiles."""
    e164 = validate_phone(raw)
    if phone_kind(e164) != "mobile":
        raise ValidationError(_("SMS can only be sent to a mobile number."), code="not_mobile")
    return e164


def normalise_contact(raw: str, channel: str) -> str:
    """The stored form of a contact point for ``channel``; raises ``ValidationError`` on bad input."""
    if channel == ConsentChannel.EMAIL:
        return normalise_email(raw)
    if channel == ConsentChannel.SMS:
        return normalise_mobile(raw)
    if channel == ConsentChannel.PHONE:
        return validate_phone(raw)
    value = " ".join((raw or "").split())
    if not value:
        raise ValidationError(_("Enter the postal address."), code="required")
    return value
