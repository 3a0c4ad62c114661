"""Writes for notifications (DESIGN.md rules 1, 4 and 5).

Queueing (``queue_sms``, ``queue_email``) writes an ``OutboxMessage`` in the *caller's* transaction
and enqueues delivery with ``transaction.on_commit``: if the business change rolls back, so does the
message, and no task is enqueued.  If enqueueing fails after the commit, the periodic
``deliver_due_messages`` job still finds the pending row, so a queue or gateway outage loses nothing.

Delivery (``deliver``) is idempotent: it claims the row with a conditional UPDATE (only one worker
wins), sends outside any transaction, then records the outcome.  A ``sent`` message is never sent
again.  ``attempts`` counts *failed* attempts; the n-th failure schedules the next try after
``AFTERSALES_OUTBOX_BACKOFF_SECONDS × 2^(n-1)`` (+ up to 10 % jitter), and after
``max_attempts`` failures the message is dead-lettered for an administrator to re-queue or cancel.

Policy decisions:
- Bad input (phone, template, missing variables, duplicate key for a different message) is refused
  with a ``ServiceError`` and nothing is written.
- A suppressed contact point or a missing consent is refused at queue time with ``MessageRefused``
  (codes ``suppressed``, ``no_consent``); callers that send as a side effect of a business change
  catch it, so the change itself still commits.  Both are checked again at send time; a message
  blocked then is *cancelled* (not dead-lettered: there is nothing an administrator should retry).
- Verification codes skip suppression and consent: the person asked for the code a moment ago.
- Promotions by SMS go out only 08:00–20:00 Asia/Shanghai; outside that window they are deferred
  to the next 08:00 (never dropped).  The per-number daily limit (same signature + template) defers
  to the next day's 08:00; a verification code over the limit is cancelled (it would be useless).
- Audited transitions: queued, sent, delivered / not delivered, dead, cancelled, re-queued.  Retries and
  deferrals are counters and times on the row itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import smtplib
import unicodedata
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core import audit
from aftersales.core import services as core_services
from aftersales.core.exceptions import ServiceError, TransitionNotAllowed

from .choices import (
    ACCEPTED_STATUSES,
    DUE_STATUSES,
    OUTBOX_MACHINE,
    Channel,
    ConsentChannel,
    ConsentPurpose,
    ConsentSource,
    MessageCategory,
    MessageStatus,
    NotificationLevel,
    SuppressionReason,
)
from .contacts import normalise_contact, normalise_email, normalise_mobile
from .gateways import PermanentGatewayError, get_sms_gateway
from .models import ContactConsent, Notification, OutboxMessage, SmsReply, SmsTemplate, Suppression
from .selectors import has_consent, is_suppressed  # noqa: F401  (part of this module's API)

logger = logging.getLogger("aftersales.notifications")

SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOW_OPENS = dt.time(8, 0)
WINDOW_CLOSES = dt.time(20, 0)
MAX_BACKOFF = dt.timedelta(days=1)
# Replies that mean "stop sending me messages" (compared after removing spaces and punctuation).
OPT_OUT_WORDS = frozenset({"R", "TD", "T", "退订", "拒收", "STOP", "UNSUBSCRIBE"})


class MessageRefused(ServiceError):
    """Consent or the suppression list forbids this message; nothing was written."""

    code = "refused"


class IdempotencyConflict(ServiceError):
    code = "idempotency_conflict"
    status = 409


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _sending_lease() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "AFTERSALES_OUTBOX_SENDING_LEASE_SECONDS", 300))


# --- in-app notifications -------------------------------------------------------------------------

@transaction.atomic
def notify_user(*, recipient, title: str, body: str = "", url: str = "", level: str = NotificationLevel.INFO,
                now: dt.datetime | None = None) -> Notification:
    """Put one message in a user's inbox (written in the caller's transaction)."""
    notification = Notification(recipient=recipient, title=str(title)[:200], body=str(body), url=url, level=level,
                                created_at=_now(now))
    notification.full_clean()
    notification.save()
    return notification


@transaction.atomic
def notify_users(*, recipients, title: str, body: str = "", url: str = "",
                 level: str = NotificationLevel.INFO) -> int:
    """The same message to many users in one INSERT; returns how many were written."""
    if level not in NotificationLevel.values:
        raise ServiceError(_("Unknown notification level."), field="level")
    now = timezone.now()
    rows = [Notification(recipient=u, title=str(title)[:200], body=str(body), url=url, level=level, created_at=now)
            for u in recipients]
    Notification.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def mark_read(*, user, notification: Notification, now: dt.datetime | None = None) -> Notification:
    """Mark one of the user's own notifications read (a no-op when it already is)."""
    now = _now(now)
    Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(read_at=now,
                                                                                                updated_at=now)
    notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(*, user, now: dt.datetime | None = None) -> int:
    now = _now(now)
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now, updated_at=now)


# --- queueing ------------------------------------------------------------------------------------

def _enqueue_on_commit(message_id: int) -> None:
    def enqueue():
        from .tasks import deliver_message

        deliver_message.enqueue(message_id)

    # robust: a queue that is down must not turn a committed business change into an error page;
    # the periodic job picks the pending row up.
    transaction.on_commit(enqueue, robust=True)


def _check_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key:
        raise ServiceError(_("An idempotency key is required."), field="idempotency_key", code="required")
    if len(key) > 150:
        raise ServiceError(_("The idempotency key is longer than 150 characters."), field="idempotency_key")
    return key


def _existing(key: str, *, to: str, template_id: int | None) -> OutboxMessage | None:
    existing = OutboxMessage.objects.filter(idempotency_key=key).first()
    if existing is not None and (existing.to != to or existing.template_id != template_id):
        raise IdempotencyConflict(
            _("This idempotency key was already used for a different message."), field="idempotency_key")
    return existing


def _check_policy(*, to: str, channel: str, category: str, purpose: str) -> None:
    if category == MessageCategory.VERIFICATION:
        return
    if is_suppressed(to, channel):
        raise MessageRefused(_("This recipient is on the suppression list; nothing was sent."), code="suppressed",
                             field="to")
    if not has_consent(to, channel, purpose):
        raise MessageRefused(_("The recipient has not consented to messages for this purpose."), code="no_consent",
                             field="to")


def _purpose_for(category: str, purpose: str | None) -> str:
    if category == MessageCategory.PROMOTION:
        if purpose not in (None, ConsentPurpose.MARKETING):
            raise ServiceError(_("A promotion is always marketing."), field="purpose")
        return ConsentPurpose.MARKETING
    if purpose is None:
        return ConsentPurpose.SERVICE
    if purpose not in ConsentPurpose.values:
        raise ServiceError(_("Unknown purpose."), field="purpose")
    return purpose


def _create_message(*, actor, data: dict, now: dt.datetime) -> OutboxMessage:
    message = OutboxMessage(**data, status=MessageStatus.PENDING, next_attempt_at=now, created_at=now,
                            created_by=actor if getattr(actor, "pk", None) else None)
    message.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # A concurrent request with the same key won; return its row.
        return OutboxMessage.objects.get(idempotency_key=data["idempotency_key"])
    audit.record(actor=actor, action="notifications.message.queued", obj=message,
                 changes={"status": [None, message.status], "channel": [None, message.channel],
                          "category": [None, message.category]})
    _enqueue_on_commit(message.pk)
    return message


@transaction.atomic
def queue_sms(*, actor, to: str, template_code: str, params: dict, idempotency_key: str, purpose: str | None = None,
              category: str | None = None, organisation_id: int | None = None, customer_id: int | None = None,
              recipient_user=None, now: dt.datetime | None = None) -> OutboxMessage:
    """Queue a templated SMS in the caller's transaction; return the outbox row.

    ``idempotency_key`` names the business event (e.g. ``"ro:1234:ready-for-pickup"``): queueing the
    same key again returns the first row and sends nothing more.
    """
    now = _now(now)
    key = _check_key(idempotency_key)
    template = SmsTemplate.objects.filter(code=template_code).first()
    if template is None:
        raise ServiceError(_("There is no SMS template with the code “%(code)s”.") % {"code": template_code},
                           field="template_code", code="unknown_template")
    try:
        to = normalise_mobile(to)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], field="to", code="invalid_phone") from None
    existing = _existing(key, to=to, template_id=template.pk)
    if existing is not None:
        return existing
    if not template.is_active:
        raise ServiceError(_("The SMS template “%(name)s” is inactive.") % {"name": template.name},
                           field="template_code", code="template_inactive")
    params = {str(k): str(v).strip() for k, v in (params or {}).items() if v is not None}
    missing = template.missing_params(params)
    if missing:
        raise ServiceError(_("Fill in the template variables: %(names)s.") % {"names": ", ".join(missing)},
                           field="params", code="missing_params")
    params = {name: params[name] for name in template.variables}
    if category is not None and category != template.category:
        raise ServiceError(_("The template “%(name)s” is a %(category)s message.")
                           % {"name": template.name, "category": template.get_category_display()}, field="category")
    category = template.category
    purpose = _purpose_for(category, purpose)
    _check_policy(to=to, channel=ConsentChannel.SMS, category=category, purpose=purpose)
    return _create_message(actor=actor, now=now, data={
        "channel": Channel.SMS, "category": category, "purpose": purpose, "to": to, "template": template,
        "signature": template.signature, "body": template.render(params), "params": params,
        "idempotency_key": key, "organisation_id": organisation_id, "customer_id": customer_id,
        "recipient_user": recipient_user,
    })


@transaction.atomic
def queue_email(*, actor, to: str, subject: str, body: str, idempotency_key: str,
                category: str = MessageCategory.NOTIFICATION, purpose: str | None = None,
                organisation_id: int | None = None, customer_id: int | None = None, recipient_user=None,
                now: dt.datetime | None = None) -> OutboxMessage:
    """Queue an e-mail in the caller's transaction; same idempotency and consent rules as SMS."""
    now = _now(now)
    key = _check_key(idempotency_key)
    try:
        to = normalise_email(to)
    except ValidationError:
        raise ServiceError(_("Enter a valid e-mail address."), field="to", code="invalid_email") from None
    existing = _existing(key, to=to, template_id=None)
    if existing is not None:
        return existing
    subject = " ".join(str(subject or "").split())
    if not subject:
        raise ServiceError(_("An e-mail needs a subject."), field="subject", code="required")
    if not str(body or "").strip():
        raise ServiceError(_("An e-mail needs a text."), field="body", code="required")
    if category not in MessageCategory.values:
        raise ServiceError(_("Unknown message category."), field="category")
    purpose = _purpose_for(category, purpose)
    _check_policy(to=to, channel=ConsentChannel.EMAIL, category=category, purpose=purpose)
    return _create_message(actor=actor, now=now, data={
        "channel": Channel.EMAIL, "category": category, "purpose": purpose, "to": to, "subject": subject[:200],
        "body": str(body), "idempotency_key": key, "organisation_id": organisation_id,
        "customer_id": customer_id, "recipient_user": recipient_user,
    })


# --- delivery ------------------------------------------------------------------------------------

def in_quiet_hours(now: dt.datetime) -> bool:
    """Outside 08:00–20:00 Asia/Shanghai, when promotions must not go out."""
    t = timezone.localtime(now, SHANGHAI).time()
    return t < WINDOW_OPENS or t >= WINDOW_CLOSES


def next_window_opens(now: dt.datetime, *, next_day: bool = False) -> dt.datetime:
    """The next 08:00 Asia/Shanghai (today's if it is still before 08:00, unless ``next_day``)."""
    local = timezone.localtime(now, SHANGHAI)
    day = local.date()
    if next_day or local.time() >= WINDOW_OPENS:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, WINDOW_OPENS, tzinfo=SHANGHAI)


def backoff_delay(failures: int) -> dt.timedelta:
    """Delay before the next try after the ``failures``-th failure: base × 2^(failures-1), capped at a day."""
    base = settings.AFTERSALES_OUTBOX_BACKOFF_SECONDS
    return min(dt.timedelta(seconds=base * 2 ** max(failures - 1, 0)), MAX_BACKOFF)


def sent_today(message: OutboxMessage, now: dt.datetime) -> int:
    """Messages accepted today (Asia/Shanghai) for the same number, signature and template."""
    local = timezone.localtime(now, SHANGHAI)
    start = dt.datetime.combine(local.date(), dt.time.min, tzinfo=SHANGHAI)
    return (OutboxMessage.objects
            .filter(channel=Channel.SMS, to=message.to, signature=message.signature, template_id=message.template_id,
                    status__in=ACCEPTED_STATUSES, sent_at__gte=start, sent_at__lt=start + dt.timedelta(days=1))
            .exclude(pk=message.pk).count())


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


def _finish(message: OutboxMessage, now: dt.datetime, status: str, *, note: str = "",
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


def _record_failure(message: OutboxMessage, now: dt.datetime, error: str, *, permanent: bool) -> OutboxMessage:
    failures = message.attempts + 1
    if permanent or failures >= message.max_attempts:
        return _finish(message, now, MessageStatus.DEAD, note=error, attempts=failures, last_error=error,
                       next_attempt_at=None)
    delay = backoff_delay(failures)
    jitter = dt.timedelta(seconds=random.uniform(0, delay.total_seconds() * 0.1))
    return _finish(message, now, MessageStatus.FAILED, attempts=failures, last_error=error,
                   next_attempt_at=now + delay + jitter)


def _block_reason(message: OutboxMessage, now: dt.datetime) -> tuple[str, object] | None:
    """Why the message must not go out right now: ("cancel", reason) or ("defer", until)."""
    if message.category != MessageCategory.VERIFICATION:
        channel = ConsentChannel.SMS if message.channel == Channel.SMS else ConsentChannel.EMAIL
        if is_suppressed(message.to, channel):
            return "cancel", _("The recipient is on the suppression list.")
        if not has_consent(message.to, channel, message.purpose):
            return "cancel", _("The recipient's consent was withdrawn.")
    if message.channel != Channel.SMS:
        return None
    if message.category == MessageCategory.PROMOTION and in_quiet_hours(now):
        return "defer", next_window_opens(now)
    if sent_today(message, now) >= settings.AFTERSALES_SMS_DAILY_LIMIT:
        if message.category == MessageCategory.VERIFICATION:
            return "cancel", _("The daily limit of messages to this number is reached.")
        return "defer", next_window_opens(now, next_day=True)
    return None


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
    now = _now(now)
    if not _claim(message_id, now):
        return OutboxMessage.objects.filter(pk=message_id).first()
    message = OutboxMessage.objects.select_related("template").get(pk=message_id)
    blocked = _block_reason(message, now)
    if blocked is not None:
        kind, value = blocked
        if kind == "cancel":
            return _finish(message, now, MessageStatus.CANCELLED, note=str(value), last_error=str(value),
                           next_attempt_at=None)
        return _finish(message, now, MessageStatus.DEFERRED, next_attempt_at=value)
    try:
        provider_id = _send(message)
    except PermanentGatewayError as exc:
        logger.warning("outbox message %s failed permanently: %s", message.pk, exc)
        return _record_failure(message, now, f"{type(exc).__name__}: {exc}", permanent=True)
    except Exception as exc:  # anything else is worth a retry; max_attempts bounds it
        logger.warning("outbox message %s failed (attempt %s): %s", message.pk, message.attempts + 1, exc)
        return _record_failure(message, now, f"{type(exc).__name__}: {exc}", permanent=False)
    return _finish(message, now, MessageStatus.SENT, sent_at=now, provider_message_id=str(provider_id)[:100],
                   last_error="", next_attempt_at=None)


def release_stale_claims(*, now: dt.datetime | None = None) -> int:
    """Messages left in ``sending`` by a worker that died: count a failed attempt and retry later.

    The provider may have accepted such a message before the worker died; this is the one window in
    which a message can go out twice (see gateways.py on passing the idempotency key to the provider).
    """
    now = _now(now)
    stale = list(OutboxMessage.objects.filter(status=MessageStatus.SENDING, next_attempt_at__lte=now))
    for message in stale:
        _record_failure(message, now, "The worker stopped while sending; the provider may have accepted it.",
                        permanent=False)
    return len(stale)


def deliver_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Deliver up to ``limit`` due messages, oldest first; returns how many were tried."""
    moment = _now(now)
    release_stale_claims(now=moment)
    ids = list(OutboxMessage.objects
               .filter(status__in=DUE_STATUSES, next_attempt_at__lte=moment)
               .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    for pk in ids:
        deliver(pk, now=now)
    return len(ids)


# --- administrator actions -------------------------------------------------------------------------

@OUTBOX_MACHINE.performs("requeue")
def _requeue_action(message: OutboxMessage, *, actor, reason: str = "", expected_version=None) -> OutboxMessage:
    return requeue(actor=actor, message=message, note=reason, expected_version=expected_version)


@transaction.atomic
def requeue(*, actor, message: OutboxMessage, note: str = "", now: dt.datetime | None = None,
            expected_version: int | None = None) -> OutboxMessage:
    """Give a dead-lettered message a fresh set of attempts; audited, delivered after commit."""
    now = _now(now)
    last_error = OutboxMessage.objects.filter(pk=message.pk).values_list("last_error", flat=True).first() or ""
    OUTBOX_MACHINE.fire(message, "requeue", actor=actor, expected_version=expected_version,
                        note=note or last_error[:1000], audit_fields=("attempts",),
                        fields={"attempts": 0, "next_attempt_at": now, "last_error": "", "updated_at": now})
    _enqueue_on_commit(message.pk)
    return message


@OUTBOX_MACHINE.performs("cancel")
def _cancel_action(message: OutboxMessage, *, actor, reason: str = "", expected_version=None) -> OutboxMessage:
    return cancel_message(actor=actor, message=message, reason=reason, expected_version=expected_version)


@transaction.atomic
def cancel_message(*, actor, message: OutboxMessage, reason: str, now: dt.datetime | None = None,
                   expected_version: int | None = None) -> OutboxMessage:
    """Stop a message that has not gone out (or discard a dead letter); a reason is required."""
    now = _now(now)
    return OUTBOX_MACHINE.fire(message, "cancel", actor=actor, reason=reason, expected_version=expected_version,
                               fields={"next_attempt_at": None, "updated_at": now})


# --- SMS templates --------------------------------------------------------------------------------

def sms_template_create(*, actor, data: dict, m2m: dict | None = None) -> SmsTemplate:
    return core_services.create_object(SmsTemplate, actor=actor, data=data)


def sms_template_update(template: SmsTemplate, *, actor, data: dict, m2m: dict | None = None,
                        expected_version: int | None = None) -> SmsTemplate:
    return core_services.update_object(template, actor=actor, data=data, expected_version=expected_version)


# --- consent and suppression ---------------------------------------------------------------------

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
        return _finish(message, at, MessageStatus.DELIVERED, from_status=MessageStatus.SENT, delivered_at=at)
    return _finish(message, at, MessageStatus.UNDELIVERED, from_status=MessageStatus.SENT,
                   last_error=(error or _("The provider could not deliver the message."))[:1000], note=error)
