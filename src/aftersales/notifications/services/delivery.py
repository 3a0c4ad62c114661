"""Delivering outbox messages: claim the row (one worker wins), send outside any transaction,
record the outcome; failures back off exponentially and end as dead letters; stale claims are
released; the periodic job picks up whatever is due.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from aftersales.core.exceptions import ServiceError, TransitionNotAllowed

from ..choices import (
    DUE_STATUSES,
    OUTBOX_MACHINE,
    Channel,
    MessageStatus,
)
from ..gateways import GatewayError, PermanentGatewayError, get_sms_gateway
from ..models import OutboxMessage
from .policy import block_reason, current_time

logger = logging.getLogger("aftersales.notifications")

MAX_BACKOFF = dt.timedelta(days=1)


def _sending_lease() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "AFTERSALES_OUTBOX_SENDING_LEASE_SECONDS", 300))


def backoff_delay(failures: int) -> dt.timedelta:
    """Delay before the next try after the ``failures``-th failure: base × 2^(failures-1), capped at a day."""
    base = settings.AFTERSALES_OUTBOX_BACKOFF_SECONDS
    return min(dt.timedelta(seconds=base * 2 ** max(failures - 1, 0)), MAX_BACKOFF)


def _claim(message_id: int, now: dt.datetime) -> bool:
    """Move a due message to ``sending`` (the machine's ``claim``); only one worker gets True.

    The row is locked and moved in its own short transaction, so the claim is visible to other
    workers before the network call.  ``next_attempt_at`` becomes the claim's lease: a worker that
    dies while sending leaves a row the periodic job releases once the lease has passed.
    """
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        return False
    try:
        OUTBOX_MACHINE.fire(message, "claim", actor=None, context={"now": now},
                            fields={"next_attempt_at": now + _sending_lease(), "updated_at": now})
    except ServiceError:  # not due, not in a due state, or another worker was first
        return False
    return True


# The worker's outcome → the machine's transition out of ``sending`` (or ``sent`` for receipts).
_OUTCOME = {
    MessageStatus.SENT: "sent", MessageStatus.FAILED: "retry", MessageStatus.DEAD: "dead",
    MessageStatus.DEFERRED: "defer", MessageStatus.CANCELLED: "block",
    MessageStatus.DELIVERED: "delivered", MessageStatus.UNDELIVERED: "undelivered",
}


def finish(message: OutboxMessage, now: dt.datetime, status: str, *, note: str = "",
            from_status: str = MessageStatus.SENDING, **fields) -> OutboxMessage:
    """Record the worker's outcome through the machine (a lost claim changes nothing)."""
    name = _OUTCOME.get(status)
    transition = OUTBOX_MACHINE.get(name) if name else None
    if transition is None or from_status not in transition.source:
        raise TransitionNotAllowed(f"{from_status} → {status}")
    try:
        OUTBOX_MACHINE.fire(message, name, actor=None, note=note, fields={"updated_at": now, **fields})
    except TransitionNotAllowed:
        logger.warning("outbox message %s was no longer %s when recording %s", message.pk, from_status, status)
        message.refresh_from_db()
    return message


def _error_text(exc: Exception) -> str:
    """What the outbox page and the timeline say went wrong: a gateway's own message as it is (it
    is written for the office, e.g. 短信网关连接超时); anything unexpected keeps its class name for
    whoever debugs it (issue 8 item 1: no "GatewayError:" on a business screen)."""
    return str(exc) if isinstance(exc, GatewayError) and str(exc) else f"{type(exc).__name__}: {exc}"


def _record_failure(message: OutboxMessage, now: dt.datetime, error: str, *, permanent: bool) -> OutboxMessage:
    failures = message.attempts + 1
    if permanent or failures >= message.max_attempts:
        return finish(message, now, MessageStatus.DEAD, note=error, attempts=failures, last_error=error,
                       next_attempt_at=None)
    delay = backoff_delay(failures)
    jitter = dt.timedelta(seconds=random.uniform(0, delay.total_seconds() * 0.1))
    return finish(message, now, MessageStatus.FAILED, attempts=failures, last_error=error,
                   next_attempt_at=now + delay + jitter)


def _email_message_id(message: OutboxMessage) -> str:
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@aftersales>"


def _send(message: OutboxMessage) -> str:
    """Hand the message to its gateway; return the provider's id.  Raises on failure."""
    if message.channel == Channel.SMS:
        return get_sms_gateway().send(
            to=message.to, signature=message.signature, template_id=message.template.provider_template_id,
            params=message.params, idempotency_key=message.idempotency_key, text=message.body,
        )
    message_id = _email_message_id(message)
    email = EmailMessage(
        subject=message.subject, body=message.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[message.to],
        headers={"Message-ID": message_id, "X-Idempotency-Key": message.idempotency_key},
    )
    try:
        if email.send(fail_silently=False) != 1:
            raise RuntimeError("the e-mail backend accepted no message")
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentGatewayError(f"recipient refused: {exc}") from exc
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            raise PermanentGatewayError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        raise
    return message_id


def deliver(message_id: int, *, now: dt.datetime | None = None) -> OutboxMessage | None:
    """Send one message if it is due; safe to call any number of times (the worker's task body).

    Returns the message as it stands afterwards (None if it does not exist).  Not wrapped in a
    transaction on purpose: the claim must be visible to other workers before the network call.
    """
    now = current_time(now)
    if not _claim(message_id, now):
        return OutboxMessage.objects.filter(pk=message_id).first()
    message = OutboxMessage.objects.select_related("template").get(pk=message_id)
    blocked = block_reason(message, now)
    if blocked is not None:
        kind, value = blocked
        if kind == "cancel":
            return finish(message, now, MessageStatus.CANCELLED, note=str(value), last_error=str(value),
                           next_attempt_at=None)
        return finish(message, now, MessageStatus.DEFERRED, next_attempt_at=value)
    try:
        provider_id = _send(message)
    except PermanentGatewayError as exc:
        logger.warning("outbox message %s failed permanently: %s", message.pk, exc)
        return _record_failure(message, now, _error_text(exc), permanent=True)
    except Exception as exc:  # anything else is worth a retry; max_attempts bounds it
        logger.warning("outbox message %s failed (attempt %s): %s", message.pk, message.attempts + 1, exc)
        return _record_failure(message, now, _error_text(exc), permanent=False)
    return finish(message, now, MessageStatus.SENT, sent_at=now, provider_message_id=str(provider_id)[:100],
                   last_error="", next_attempt_at=None)


def release_stale_claims(*, now: dt.datetime | None = None) -> int:
    """Messages left in ``sending`` by a worker that died: count a failed attempt and retry later.

    The provider may have accepted such a message before the worker died; this is the one window in
    which a message can go out twice (see gateways.py on passing the idempotency key to the provider).
    """
    now = current_time(now)
    stale = list(OutboxMessage.objects.filter(status=MessageStatus.SENDING, next_attempt_at__lte=now))
    for message in stale:
        _record_failure(message, now, "The worker stopped while sending; the provider may have accepted it.",
                        permanent=False)
    return len(stale)


def deliver_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Deliver up to ``limit`` due messages, oldest first; returns how many were tried."""
    moment = current_time(now)
    release_stale_claims(now=moment)
    ids = list(OutboxMessage.objects
               .filter(status__in=DUE_STATUSES, next_attempt_at__lte=moment)
               .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    for pk in ids:
        deliver(pk, now=now)
    return len(ids)
