"""Consent per contact point, channel and purpose, and the suppression list (PIPL, R-RET-3)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core import services as core_services
from aftersales.core.exceptions import ServiceError

from ..choices import (
    ConsentChannel,
    SuppressionReason,
)
from ..contacts import normalise_contact
from ..models import ContactConsent, Suppression


def _contact_or_error(contact: str, channel: str) -> str:
    if channel not in ConsentChannel.values:
        raise ServiceError(_("Unknown channel."), field="channel")
    try:
        return normalise_contact(contact, channel)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], field="contact", code="invalid_contact") from None


@transaction.atomic
def record_consent(*, actor, contact: str, channel: str, purpose: str, granted: bool, source: str, note: str = "",
                   customer_id: int | None = None, recorded_at: dt.datetime | None = None) -> ContactConsent:
    """Append a consent statement; the latest one per contact, channel and purpose counts."""
    contact = _contact_or_error(contact, channel)
    return core_services.create_object(ContactConsent, actor=actor, data={
        "contact": contact, "channel": channel, "purpose": purpose, "granted": bool(granted), "source": source,
        "note": note, "customer_id": customer_id, "recorded_at": recorded_at or timezone.now(),
        "recorded_by": actor if getattr(actor, "pk", None) else None,
    }, action="notifications.consent.granted" if granted else "notifications.consent.withdrawn")


@transaction.atomic
def suppress(*, actor, contact: str, channel: str, reason: str, note: str = "",
             customer_id: int | None = None) -> Suppression:
    """Put a contact point on the suppression list (or re-activate its lifted entry); idempotent."""
    contact = _contact_or_error(contact, channel)
    if reason not in SuppressionReason.values:
        raise ServiceError(_("Unknown reason."), field="reason")
    existing = Suppression.objects.filter(contact=contact, channel=channel).first()
    if existing is not None:
        if existing.is_active:
            return existing
        return core_services.update_object(existing, actor=actor, data={
            "is_active": True, "reason": reason, "note": note or existing.note,
        }, action="notifications.suppression.added")
    try:
        with transaction.atomic():
            return core_services.create_object(Suppression, actor=actor, data={
                "contact": contact, "channel": channel, "reason": reason, "note": note, "customer_id": customer_id,
                "created_by": actor if getattr(actor, "pk", None) else None,
            }, action="notifications.suppression.added")
    except IntegrityError:  # a concurrent request added it first
        return Suppression.objects.get(contact=contact, channel=channel)


@transaction.atomic
def lift_suppression(*, actor, suppression: Suppression, note: str) -> Suppression:
    """Take a contact point off the list (e.g. the customer asked for messages again); reason required."""
    if not (note or "").strip():
        raise ServiceError(_("A reason is required."), field="note", code="required")
    if not suppression.is_active:
        return suppression
    return core_services.update_object(suppression, actor=actor, data={"is_active": False},
                                       action="notifications.suppression.lifted", note=note.strip())
