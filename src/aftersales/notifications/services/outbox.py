"""Queueing SMS and e-mail into the outbox, in the caller's transaction (DESIGN.md rule 5), and the
administrator's actions on queued and dead-lettered messages (re-queue, cancel).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core import audit
from aftersales.core.exceptions import ServiceError

from ..choices import (
    OUTBOX_MACHINE,
    Channel,
    ConsentChannel,
    MessageCategory,
    MessageStatus,
)
from ..contacts import normalise_email, normalise_mobile
from ..models import OutboxMessage, SmsTemplate
from .policy import allowed_contacts, check_policy, current_time, purpose_for


class IdempotencyConflict(ServiceError):
    code = "idempotency_conflict"
    status = 409


def _enqueue_on_commit(message_id: int) -> None:
    def enqueue():
        from ..tasks import deliver_message

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
    now = current_time(now)
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
    purpose = purpose_for(category, purpose)
    check_policy(to=to, channel=ConsentChannel.SMS, category=category, purpose=purpose)
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
    now = current_time(now)
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
    purpose = purpose_for(category, purpose)
    check_policy(to=to, channel=ConsentChannel.EMAIL, category=category, purpose=purpose)
    return _create_message(actor=actor, now=now, data={
        "channel": Channel.EMAIL, "category": category, "purpose": purpose, "to": to, "subject": subject[:200],
        "body": str(body), "idempotency_key": key, "organisation_id": organisation_id,
        "customer_id": customer_id, "recipient_user": recipient_user,
    })


# Above this many new messages, delivery is handed to one ``deliver_due_messages`` run instead of
# one task per message (a job that mails thousands must not write thousands of task rows).
ENQUEUE_EACH_MAX = 50


@transaction.atomic
def queue_emails(*, actor, messages: list[dict], category: str = MessageCategory.NOTIFICATION,
                 purpose: str | None = None, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """Queue many e-mails at once (a periodic job's notices) with the rules of ``queue_email``:
    one query for the keys already queued, one for the suppression list, one bulk INSERT for the
    messages and one for their audit events. ``messages`` are dicts of to, subject, body,
    idempotency_key and optionally organisation_id, customer_id, recipient_user.

    A job must not fail for one recipient, so a message that ``queue_email`` would refuse (an
    invalid address, no consent, a suppressed contact, a key already used) is skipped; the new
    rows are returned. Keys queued before return nothing new: a notice never mails twice."""
    now = current_time(now)
    if category not in MessageCategory.values:
        raise ServiceError(_("Unknown message category."), field="category")
    purpose = purpose_for(category, purpose)
    wanted: dict[str, OutboxMessage] = {}
    for item in messages:
        key = _check_key(item["idempotency_key"])
        subject = " ".join(str(item.get("subject") or "").split())
        body = str(item.get("body") or "")
        try:
            to = normalise_email(item["to"])
        except ValidationError:
            continue
        if key in wanted or not subject or not body.strip():
            continue
        wanted[key] = OutboxMessage(
            channel=Channel.EMAIL, category=category, purpose=purpose, to=to, subject=subject[:200], body=body,
            idempotency_key=key, organisation_id=item.get("organisation_id"), customer_id=item.get("customer_id"),
            recipient_user=item.get("recipient_user"), status=MessageStatus.PENDING, next_attempt_at=now,
            created_at=now, created_by=actor if getattr(actor, "pk", None) else None)
    keys = list(wanted)
    for i in range(0, len(keys), 5000):
        for key in OutboxMessage.objects.filter(idempotency_key__in=keys[i:i + 5000]).values_list(
                "idempotency_key", flat=True):
            del wanted[key]
    allowed = allowed_contacts({m.to for m in wanted.values()}, channel=ConsentChannel.EMAIL, category=category,
                               purpose=purpose)
    rows = [m for m in wanted.values() if m.to in allowed]
    try:
        with transaction.atomic():
            created = OutboxMessage.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        # A concurrent caller queued some of the same keys meanwhile: keep its rows, add the rest.
        taken = set(OutboxMessage.objects.filter(idempotency_key__in=[m.idempotency_key for m in rows])
                    .values_list("idempotency_key", flat=True))
        created = OutboxMessage.objects.bulk_create([m for m in rows if m.idempotency_key not in taken],
                                                    batch_size=1000)
    audit.record_many(actor=actor, action="notifications.message.queued", entries=[
        (m, {"status": [None, m.status], "channel": [None, m.channel], "category": [None, m.category]})
        for m in created])
    if len(created) <= ENQUEUE_EACH_MAX:
        for message in created:
            _enqueue_on_commit(message.pk)
    elif created:
        _enqueue_due_on_commit()
    return created


def _enqueue_due_on_commit() -> None:
    def enqueue():
        from ..tasks import deliver_due_messages

        deliver_due_messages.enqueue(limit=ENQUEUE_EACH_MAX * 20)

    transaction.on_commit(enqueue, robust=True)


@OUTBOX_MACHINE.performs("requeue")
def _requeue_action(message: OutboxMessage, *, actor, reason: str = "", expected_version=None) -> OutboxMessage:
    return requeue(actor=actor, message=message, note=reason, expected_version=expected_version)


@transaction.atomic
def requeue(*, actor, message: OutboxMessage, note: str = "", now: dt.datetime | None = None,
            expected_version: int | None = None) -> OutboxMessage:
    """Give a dead-lettered message a fresh set of attempts; audited, delivered after commit."""
    now = current_time(now)
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
    now = current_time(now)
    return OUTBOX_MACHINE.fire(message, "cancel", actor=actor, reason=reason, expected_version=expected_version,
                               fields={"next_attempt_at": None, "updated_at": now})
