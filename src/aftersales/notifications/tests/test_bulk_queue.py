"""Queueing many e-mails and inbox lines at once (the SLA job's notices, issue 6 "Speed"): the same
rules as one at a time — suppression, idempotency, an audit event per message — in a few queries."""

import pytest

from aftersales.core.exceptions import ServiceError
from aftersales.core.models import AuditEvent
from aftersales.notifications import services
from aftersales.notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def mail(i, to=None):
    return {"to": to or f"user{i}@example.com", "subject": f"SLA 预警 {i}", "body": "请尽快处理",
            "idempotency_key": f"bulk:{i}", "organisation_id": 7}


def test_many_emails_are_queued_once_each_with_an_audit_event(admin_user):
    created = services.queue_emails(actor=None, messages=[mail(i) for i in range(60)])
    assert len(created) == 60
    assert OutboxMessage.objects.filter(status="pending", channel="email").count() == 60
    assert AuditEvent.objects.filter(action="notifications.message.queued").count() == 60
    event = AuditEvent.objects.get(action="notifications.message.queued", object_id=created[0].pk)
    assert event.organisation_id == 7
    # The same keys again (a second job run): nothing new, nothing mailed twice.
    assert services.queue_emails(actor=None, messages=[mail(i) for i in range(62)]) != []
    assert OutboxMessage.objects.count() == 62
    assert AuditEvent.objects.filter(action="notifications.message.queued").count() == 62


def test_suppressed_and_invalid_addresses_are_skipped_not_fatal(admin_user):
    services.suppress(actor=admin_user, contact="gone@example.com", channel="email", reason="invalid")
    created = services.queue_emails(actor=None, messages=[
        mail(1), mail(2, to="gone@example.com"), mail(3, to="not an address"), mail(4)])
    assert sorted(m.to for m in created) == ["user1@example.com", "user4@example.com"]
    assert not OutboxMessage.objects.filter(to="gone@example.com").exists()
    # One at a time the suppressed address is refused outright.
    with pytest.raises(services.MessageRefused):
        services.queue_email(actor=None, **mail(5, to="gone@example.com"))


def test_a_few_messages_go_out_at_once_many_through_the_due_job(admin_user, task_results,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_emails(actor=None, messages=[mail(i) for i in range(3)])
    assert [r.task.name for r in task_results].count("deliver_message") == 3
    task_results.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_emails(actor=None, messages=[mail(i) for i in range(100, 200)])
    names = [r.task.name for r in task_results]
    assert names.count("deliver_message") == 0
    assert names.count("deliver_due_messages") == 1


def test_notify_many_writes_each_users_own_line(make_user):
    alice, bob = make_user("alice"), make_user("bob")
    assert services.notify_many(items=[{"recipient": alice, "title": "A 超时", "level": "danger"},
                                       {"recipient": bob, "title": "B 预警", "level": "warning"}]) == 2
    assert list(Notification.objects.filter(recipient=alice).values_list("title", "level")) == [("A 超时", "danger")]
    with pytest.raises(ServiceError):
        services.notify_many(items=[{"recipient": alice, "title": "x", "level": "loud"}])
    assert Notification.objects.count() == 2
