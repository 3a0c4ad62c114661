"""The outbox worker: retries with backoff, dead letters, quiet hours, rate limits, idempotency."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from aftersales.core.exceptions import ServiceError, TransitionNotAllowed
from aftersales.core.models import AuditEvent
from aftersales.notifications import services, tasks
from aftersales.notifications.choices import ConsentChannel, ConsentPurpose, ConsentSource, MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import delivery

from .helpers import IMMEDIATE_TASKS, MOBILE, PROMO_PARAMS, REMINDER_PARAMS, at

pytestmark = pytest.mark.django_db


def queue_reminder(key="ro:1:reminder", now=None, to="138 1234 5678", **kwargs):
    return services.queue_sms(actor=None, to=to, template_code="maintenance_reminder", params=REMINDER_PARAMS,
                              idempotency_key=key, now=now or at(10, 10), **kwargs)


def grant_marketing(contact=MOBILE, granted=True, when=None):
    return services.record_consent(actor=None, contact=contact, channel=ConsentChannel.SMS,
                                   purpose=ConsentPurpose.MARKETING, granted=granted, source=ConsentSource.FORM,
                                   recorded_at=when or at(1, 9))


def queue_promotion(key="campaign:7:13812345678", now=None):
    return services.queue_sms(actor=None, to=MOBILE, template_code="promotion_campaign", params=PROMO_PARAMS,
                              idempotency_key=key, now=now or at(10, 10))


def test_gateway_fails_three_times_then_the_message_goes_out_exactly_once(gateway):
    gateway.reset(failures=3)
    message = queue_reminder()
    now = at(10, 10)
    delays = []
    for expected_failures in (1, 2, 3):
        message = services.deliver(message.pk, now=now)
        assert message.status == MessageStatus.FAILED
        assert message.attempts == expected_failures
        assert "timed out" in message.last_error
        # Not due before its backoff has passed: a premature run changes nothing.
        early = services.deliver(message.pk, now=now + dt.timedelta(seconds=1))
        assert early.status == MessageStatus.FAILED and gateway.calls == expected_failures
        delays.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    # Exponential backoff: 60 s, 120 s, 240 s (+ at most 10 % jitter).
    for delay, base in zip(delays, (60, 120, 240), strict=True):
        assert dt.timedelta(seconds=base) <= delay <= dt.timedelta(seconds=base * 1.1)

    message = services.deliver(message.pk, now=now)
    assert message.status == MessageStatus.SENT
    assert message.attempts == 3
    assert message.sent_at == now
    assert message.provider_message_id == "prov-1"
    assert len(gateway.sent) == 1
    assert gateway.sent[0]["idempotency_key"] == "ro:1:reminder"
    assert gateway.sent[0]["to"] == MOBILE

    # The task running again (a retried job, a second worker) sends nothing more.
    for later in (now, now + dt.timedelta(hours=1)):
        assert services.deliver(message.pk, now=later).status == MessageStatus.SENT
    tasks.deliver_message.call(message.pk)
    assert services.deliver_due(now=now + dt.timedelta(days=1)) == 0
    assert gateway.calls == 4 and len(gateway.sent) == 1


def test_sent_message_is_audited_and_rendered_with_signature(gateway):
    message = queue_reminder()
    assert message.body.startswith("【售后服务】尊敬的张先生")
    services.deliver(message.pk, now=at(10, 10))
    actions = list(AuditEvent.objects.for_object(message).values_list("action", flat=True))
    assert set(actions) == {"notifications.message.queued", "notifications.message.sent"}


def test_max_attempts_dead_letter_then_requeue_sends(gateway, admin_user, settings, task_results):
    settings.AFTERSALES_OUTBOX_MAX_ATTEMPTS = 3
    gateway.reset(failures=3)
    message = queue_reminder()
    now = at(10, 10)
    for _ in range(3):
        message = services.deliver(message.pk, now=now)
        now = message.next_attempt_at or now
    assert message.status == MessageStatus.DEAD
    assert message.attempts == 3 and message.next_attempt_at is None
    assert services.deliver_due(now=now + dt.timedelta(days=2)) == 0  # dead letters are not retried

    with transaction.atomic():
        message = services.requeue(actor=admin_user, message=message, now=now)
    assert message.status == MessageStatus.PENDING and message.attempts == 0
    assert AuditEvent.objects.for_object(message).filter(action="notifications.message.requeued",
                                                          actor=admin_user).exists()
    message = services.deliver(message.pk, now=now)
    assert message.status == MessageStatus.SENT and len(gateway.sent) == 1

    with pytest.raises(TransitionNotAllowed):
        services.requeue(actor=admin_user, message=message)


def test_permanent_error_dead_letters_at_once(gateway):
    gateway.reset(failures=1, permanent=True)
    message = services.deliver(queue_reminder().pk, now=at(10, 10))
    assert message.status == MessageStatus.DEAD
    assert message.attempts == 1
    assert "MOBILE_NUMBER_ILLEGAL" in message.last_error


def test_promotion_at_night_is_deferred_to_8am_and_then_sent(gateway):
    grant_marketing()
    message = queue_promotion(now=at(10, 21, 30))
    message = services.deliver(message.pk, now=at(10, 21, 30))
    assert message.status == MessageStatus.DEFERRED
    assert message.next_attempt_at == at(11, 8, 0)
    assert message.attempts == 0 and gateway.calls == 0

    assert services.deliver_due(now=at(11, 7, 59)) == 0
    assert services.deliver_due(now=at(11, 8, 0)) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at == at(11, 8, 0)
    assert gateway.sent[0]["text"].endswith("拒收请回复R")


def test_promotion_early_morning_waits_for_the_same_day(gateway):
    grant_marketing()
    message = services.deliver(queue_promotion(now=at(10, 6)).pk, now=at(10, 6))
    assert message.status == MessageStatus.DEFERRED and message.next_attempt_at == at(10, 8)


def test_service_notification_is_not_held_by_quiet_hours(gateway):
    message = services.deliver(queue_reminder(now=at(10, 22)).pk, now=at(10, 22))
    assert message.status == MessageStatus.SENT


def test_promotion_needs_marketing_consent(gateway):
    with pytest.raises(services.MessageRefused) as exc:
        queue_promotion()
    assert exc.value.code == "no_consent"
    assert not OutboxMessage.objects.exists()

    grant_marketing()
    message = queue_promotion()
    assert message.purpose == ConsentPurpose.MARKETING

    # Withdrawn before the send: the message is cancelled, not sent and not dead-lettered.
    grant_marketing(granted=False, when=at(10, 10, 5))
    message = services.deliver(message.pk, now=at(10, 11))
    assert message.status == MessageStatus.CANCELLED
    assert gateway.calls == 0


def test_latest_consent_statement_wins():
    grant_marketing(when=at(1, 9))
    grant_marketing(granted=False, when=at(2, 9))
    assert not services.has_consent(MOBILE, ConsentChannel.SMS, ConsentPurpose.MARKETING)
    grant_marketing(when=at(3, 9))
    assert services.has_consent(MOBILE, ConsentChannel.SMS, ConsentPurpose.MARKETING)
    # Silence is refusal for marketing; the service contract covers service messages.
    assert not services.has_consent("+8613900000000", ConsentChannel.SMS, ConsentPurpose.MARKETING)
    assert services.has_consent("+8613900000000", ConsentChannel.SMS, ConsentPurpose.SERVICE)
    assert services.has_consent("+8613900000000", ConsentChannel.SMS, ConsentPurpose.SURVEY)


def test_reply_r_suppresses_the_number_and_blocks_later_sends(gateway):
    grant_marketing()
    queued_before = queue_reminder(key="before-reply")
    reply = services.handle_sms_reply(from_number="13812345678", text=" r ")
    assert reply.is_opt_out
    assert services.is_suppressed(MOBILE, ConsentChannel.SMS)
    assert not services.has_consent(MOBILE, ConsentChannel.SMS, ConsentPurpose.MARKETING)

    # Already queued: cancelled at send time.
    assert services.deliver(queued_before.pk, now=at(10, 11)).status == MessageStatus.CANCELLED
    # New messages are refused, promotions and service messages alike.
    with pytest.raises(services.MessageRefused) as exc:
        queue_reminder(key="after-reply")
    assert exc.value.code == "suppressed"
    with pytest.raises(services.MessageRefused):
        queue_promotion()
    assert gateway.calls == 0
    # A verification code the person asks for still goes out.
    code = services.queue_sms(actor=None, to=MOBILE, template_code="verification_code",
                              params={"code": "123456", "minutes": "5"}, idempotency_key="login:1")
    assert services.deliver(code.pk).status == MessageStatus.SENT


@pytest.mark.parametrize("text", ["TD", "退订", "T", "td。", "Ｒ"])
def test_opt_out_words(text):
    assert services.handle_sms_reply(from_number="+86 138 1234 5678", text=text).is_opt_out


def test_other_replies_are_stored_without_opting_out():
    reply = services.handle_sms_reply(from_number="13812345678", text="请问周六营业吗")
    assert not reply.is_opt_out
    assert not services.is_suppressed(MOBILE, ConsentChannel.SMS)


def test_lifted_suppression_allows_service_messages_again(admin_user):
    suppression = services.suppress(actor=admin_user, contact="13812345678", channel=ConsentChannel.SMS,
                                    reason="manual")
    assert services.suppress(actor=admin_user, contact=MOBILE, channel="sms", reason="manual") == suppression
    with pytest.raises(ServiceError):
        services.lift_suppression(actor=admin_user, suppression=suppression, note=" ")
    services.lift_suppression(actor=admin_user, suppression=suppression, note="客户来电要求恢复通知")
    assert not services.is_suppressed(MOBILE, ConsentChannel.SMS)
    assert queue_reminder().status == MessageStatus.PENDING


def test_daily_limit_per_number_defers_the_51st(gateway):
    now = at(10, 10)
    for i in range(50):
        message = queue_reminder(key=f"k{i}", now=now)
        assert services.deliver(message.pk, now=now).status == MessageStatus.SENT
    message = services.deliver(queue_reminder(key="k50", now=now).pk, now=now)
    assert message.status == MessageStatus.DEFERRED
    assert message.next_attempt_at == at(11, 8)
    assert len(gateway.sent) == 50
    # Another number is not affected.
    other = services.deliver(queue_reminder(key="other", to="13900001111", now=now).pk, now=now)
    assert other.status == MessageStatus.SENT
    # The next day it goes out.
    assert services.deliver(message.pk, now=at(11, 8)).status == MessageStatus.SENT


def test_duplicate_idempotency_key_yields_one_row(task_results, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_reminder(key="ro:9:ready")
        second = queue_reminder(key="ro:9:ready", to="+86-138-1234-5678")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert len(task_results) == 1
    with pytest.raises(services.IdempotencyConflict):
        queue_reminder(key="ro:9:ready", to="13900001111")


def test_outbox_row_rolls_back_with_the_business_transaction(task_results, django_capture_on_commit_callbacks):
    class BusinessFailure(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(BusinessFailure), \
            transaction.atomic():
        queue_reminder(key="ro:2:done")
        raise BusinessFailure
    assert not OutboxMessage.objects.exists()
    assert callbacks == []
    assert task_results == []


def test_commit_enqueues_delivery_which_sends(settings, gateway, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_reminder(key="ro:3:done")
        assert gateway.calls == 0  # nothing leaves before the commit
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and len(gateway.sent) == 1


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"to": "12345"}, "invalid_phone"),
    ({"to": "010-12345678"}, "invalid_phone"),
    ({"template_code": "nope"}, "unknown_template"),
    ({"params": {"name": "张先生"}}, "missing_params"),
    ({"idempotency_key": "  "}, "required"),
])
def test_bad_input_is_refused_and_nothing_written(kwargs, code, task_results):
    data = {"actor": None, "to": MOBILE, "template_code": "maintenance_reminder", "params": REMINDER_PARAMS,
            "idempotency_key": "k1", **kwargs}
    with pytest.raises(ServiceError) as exc:
        services.queue_sms(**data)
    assert exc.value.code == code
    assert str(exc.value.message)
    assert not OutboxMessage.objects.exists() and task_results == []


def test_inactive_template_is_refused(templates):
    templates["maintenance_reminder"].is_active = False
    templates["maintenance_reminder"].save()
    with pytest.raises(ServiceError) as exc:
        queue_reminder()
    assert exc.value.code == "template_inactive"


def test_deliver_due_releases_a_claim_left_by_a_dead_worker(gateway):
    message = queue_reminder()
    # A worker claimed the message and died.
    assert delivery._claim(message.pk, at(10, 10))
    assert services.deliver_due(now=at(10, 10, 1)) == 0  # still within the lease
    services.deliver_due(now=at(10, 10, 6))
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 1
    services.deliver_due(now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_delivery_receipt_updates_the_status_once(gateway):
    message = services.deliver(queue_reminder().pk, now=at(10, 10))
    assert services.handle_delivery_receipt(provider_message_id=message.provider_message_id, delivered=True,
                                            at=at(10, 10, 1)).status == MessageStatus.DELIVERED
    again = services.handle_delivery_receipt(provider_message_id=message.provider_message_id, delivered=False)
    assert again.status == MessageStatus.DELIVERED and again.delivered_at == at(10, 10, 1)
    assert services.handle_delivery_receipt(provider_message_id="unknown", delivered=True) is None


def test_email_goes_through_the_django_backend_once(admin_user):
    message = services.queue_email(actor=admin_user, to="Li.Si@Example.COM", subject="三包 case  update",
                                   body="请查收附件。", idempotency_key="case:1:mail")
    assert message.to == "Li.Si@example.com"
    services.deliver(message.pk)
    services.deliver(message.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Li.Si@example.com"]
    assert mail.outbox[0].extra_headers["X-Idempotency-Key"] == "case:1:mail"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_email_backend_failure_is_retried(settings, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    message = services.queue_email(actor=None, to="a@example.com", subject="s", body="b", idempotency_key="m1",
                                   now=at(10, 10))
    message = services.deliver(message.pk, now=at(10, 10))
    assert message.status == MessageStatus.FAILED and "smtp down" in message.last_error


def test_cancel_a_pending_message(admin_user, gateway):
    message = queue_reminder()
    with pytest.raises(ServiceError):
        services.cancel_message(actor=admin_user, message=message, reason="")
    services.cancel_message(actor=admin_user, message=message, reason="客户已到店")
    assert services.deliver(message.pk).status == MessageStatus.CANCELLED
    assert gateway.calls == 0


def test_quiet_hour_helpers():
    assert services.in_quiet_hours(at(10, 7, 59)) and services.in_quiet_hours(at(10, 20))
    assert not services.in_quiet_hours(at(10, 8)) and not services.in_quiet_hours(at(10, 19, 59))
    # UTC input is judged in Shanghai time: 13:00 UTC is 21:00 in Shanghai.
    utc = dt.datetime(2025, 6, 10, 13, 0, tzinfo=dt.UTC)
    assert services.in_quiet_hours(utc)
    assert services.next_window_opens(utc) == at(11, 8)
