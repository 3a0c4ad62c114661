"""What the SMS provider tells us: replies (``R``, ``TD``, ``退订`` … opt out) and delivery receipts."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.exceptions import ServiceError

from ..choices import (
    ConsentChannel,
    ConsentPurpose,
    ConsentSource,
    MessageStatus,
    SuppressionReason,
)
from ..contacts import normalise_mobile
from ..models import OutboxMessage, SmsReply
from .consent import record_consent, suppress
from .delivery import finish

# Replies that mean "stop sending me messages" (compared after removing spaces and punctuation).
OPT_OUT_WORDS = frozenset({"R", "TD", "T", "退订", "拒收", "STOP", "UNSUBSCRIBE"})


def _is_opt_out(text: str) -> bool:
    cleaned = "".join(ch for ch in unicodedata.normalize("NFKC", text or "")
                      if not (ch.isspace() or unicodedata.category(ch).startswith("P")))
    return cleaned.upper() in OPT_OUT_WORDS


@transaction.atomic
def handle_sms_reply(*, from_number: str, text: str, received_at: dt.datetime | None = None,
                     provider_message_id: str = "") -> SmsReply:
    """Store an inbound SMS; "R", "TD", "T", "退订" … suppress the number and withdraw marketing consent.

    Providers retry callbacks: a reply whose ``provider_message_id`` is already stored is returned as is.
    """
    try:
        number = normalise_mobile(from_number)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], field="from_number", code="invalid_phone") from None
    if provider_message_id:
        existing = SmsReply.objects.filter(provider_message_id=provider_message_id).first()
        if existing is not None:
            return existing
    customer_id = (OutboxMessage.objects.filter(to=number, customer_id__isnull=False)
                   .order_by("-created_at").values_list("customer_id", flat=True).first())
    reply = SmsReply(from_number=number, text=(text or "")[:500], received_at=received_at or timezone.now(),
                     is_opt_out=_is_opt_out(text), provider_message_id=provider_message_id[:100],
                     customer_id=customer_id)
    reply.full_clean()
    reply.save()
    if reply.is_opt_out:
        suppress(actor=None, contact=number, channel=ConsentChannel.SMS, reason=SuppressionReason.OPT_OUT,
                 note=_("Replied “%(text)s”") % {"text": reply.text}, customer_id=customer_id)
        record_consent(actor=None, contact=number, channel=ConsentChannel.SMS, purpose=ConsentPurpose.MARKETING,
                       granted=False, source=ConsentSource.SMS_REPLY, note=reply.text[:300],
                       customer_id=customer_id, recorded_at=reply.received_at)
    return reply


@transaction.atomic
def handle_delivery_receipt(*, provider_message_id: str, delivered: bool, error: str = "",
                            at: dt.datetime | None = None) -> OutboxMessage | None:
    """Apply a provider's delivery receipt to a sent message; repeated receipts change nothing.

    Returns None when no message carries that provider id (e.g. a receipt that overtook our own
    "sent" commit; providers retry, and an unknown id is acknowledged so they stop).
    """
    message = OutboxMessage.objects.filter(provider_message_id=provider_message_id).first() \
        if provider_message_id else None
    if message is None or message.status != MessageStatus.SENT:
        return message
    at = at or timezone.now()
    if delivered:
        return finish(message, at, MessageStatus.DELIVERED, from_status=MessageStatus.SENT, delivered_at=at)
    return finish(message, at, MessageStatus.UNDELIVERED, from_status=MessageStatus.SENT,
                   last_error=(error or _("The provider could not deliver the message."))[:1000], note=error)
