"""The in-app inbox, the home page items and badge, SMS template rules, scoping of the outbox."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from aftersales.core import scoping
from aftersales.core.registry import periodic_jobs, shell_context_for, work_items_for
from aftersales.core.scoping import Scope
from aftersales.notifications import selectors, services
from aftersales.notifications.choices import MessageCategory, MessageStatus
from aftersales.notifications.models import OutboxMessage, SmsTemplate, sms_segments

from .helpers import MOBILE, REMINDER_PARAMS, at

pytestmark = pytest.mark.django_db


def test_unread_count_and_mark_read(make_user):
    alice, bob = make_user("alice"), make_user("bob")
    first = services.notify_user(recipient=alice, title="新工单待派工", url="/tickets/1/")
    services.notify_user(recipient=alice, title="投诉即将超时", level="danger")
    services.notify_user(recipient=bob, title="not for alice")
    assert selectors.unread_count(alice) == 2
    assert list(selectors.inbox_for(user=alice).values_list("title", flat=True)) == ["投诉即将超时", "新工单待派工"]

    services.mark_read(user=alice, notification=first)
    assert first.read_at is not None
    assert selectors.unread_count(alice) == 1
    # Someone else's notification is untouched.
    bobs = selectors.inbox_for(user=bob).get()
    services.mark_read(user=alice, notification=bobs)
    bobs.refresh_from_db()
    assert bobs.read_at is None

    assert services.mark_all_read(user=alice) == 1
    assert selectors.unread_count(alice) == 0 and selectors.unread_count(bob) == 1


def test_notify_users_bulk(make_user):
    users = [make_user(f"u{i}") for i in range(3)]
    assert services.notify_users(recipients=users, title="系统维护通知") == 3
    assert all(selectors.unread_count(u) == 1 for u in users)


def test_badge_is_one_count_query(make_user, django_assert_num_queries):
    user = make_user("carol")
    services.notify_user(recipient=user, title="x")
    request = RequestFactory().get("/")
    request.user = user
    with django_assert_num_queries(1):
        assert shell_context_for(request)["unread_notifications"] == 1


def test_work_items_unread_for_everyone_dead_letters_for_admins(make_user, admin_user, gateway, settings):
    user = make_user("dave")
    services.notify_user(recipient=user, title="x")
    assert [(i.key, i.count) for i in work_items_for(user) if i.key.startswith("notifications")] == [
        ("notifications.unread", 1)]

    settings.AFTERSALES_OUTBOX_MAX_ATTEMPTS = 1
    gateway.reset(failures=1)
    message = services.queue_sms(actor=None, to=MOBILE, template_code="maintenance_reminder",
                                 params=REMINDER_PARAMS, idempotency_key="k")
    services.deliver(message.pk)
    items = {i.key: i for i in work_items_for(admin_user)}
    assert items["notifications.dead"].count == 1
    assert items["notifications.dead"].severity == "danger"
    assert "status=dead" in items["notifications.dead"].url
    assert "notifications.dead" not in {i.key for i in work_items_for(user)}


def test_periodic_delivery_job_is_registered():
    from django.utils.module_loading import import_string

    job = next(j for j in periodic_jobs() if j.name == "notifications.deliver_due")
    assert job.every.total_seconds() == 60
    assert import_string(job.task_path).name == "deliver_due_messages"


def test_seeded_templates():
    codes = set(SmsTemplate.objects.values_list("code", flat=True))
    assert {"maintenance_reminder", "return_visit_survey", "promotion_campaign", "verification_code"} <= codes
    promo = SmsTemplate.objects.get(code="promotion_campaign")
    assert promo.category == MessageCategory.PROMOTION and promo.text.endswith("拒收请回复R")
    for template in SmsTemplate.objects.all():
        template.full_clean()  # every seeded template passes its own rules


def test_promotion_template_must_end_with_opt_out(admin_user):
    data = {"code": "spring_sale", "name": "春季促销", "category": MessageCategory.PROMOTION,
            "provider_template_id": "SMS_1", "text": "{dealer}春季保养八折。"}
    with pytest.raises(ValidationError) as exc:
        services.sms_template_create(actor=admin_user, data=data)
    assert "text" in exc.value.message_dict
    template = services.sms_template_create(actor=admin_user, data={**data, "text": data["text"] + "拒收请回复R"})
    assert template.variables == ["dealer"]
    assert template.signature == "售后服务"


def test_template_placeholders_are_checked_and_collected(admin_user):
    with pytest.raises(ValidationError):
        services.sms_template_create(actor=admin_user, data={
            "code": "bad", "name": "x", "category": "notification", "provider_template_id": "SMS_2",
            "text": "您好{name，请到店"})
    template = services.sms_template_create(actor=admin_user, data={
        "code": "ok", "name": "x", "category": "notification", "provider_template_id": "SMS_2",
        "signature": "【某某汽车】", "text": "您好{name}，{name}的车{plate}已完工"})
    assert template.variables == ["name", "plate"]
    assert template.signature == "某某汽车"
    assert template.render({"name": "王", "plate": "沪AD12345"}) == "【某某汽车】您好王，王的车沪AD12345已完工"


def test_sms_segments():
    assert sms_segments("字" * 70) == 1
    assert sms_segments("字" * 71) == 2
    assert sms_segments("字" * 134) == 2
    assert sms_segments("字" * 135) == 3


def test_outbox_is_scoped_by_organisation(make_user, monkeypatch):
    viewer = make_user("viewer", "notifications.view_outboxmessage")
    mine = services.queue_sms(actor=None, to=MOBILE, template_code="maintenance_reminder", params=REMINDER_PARAMS,
                              idempotency_key="a", organisation_id=1)
    services.queue_sms(actor=None, to=MOBILE, template_code="maintenance_reminder", params=REMINDER_PARAMS,
                       idempotency_key="b", organisation_id=2)
    monkeypatch.setattr(scoping, "_resolver", lambda user: Scope(organisation_ids=frozenset({1})))
    assert list(selectors.outbox_list(user=viewer)) == [mine]
    nobody = make_user("nobody")
    assert not selectors.outbox_list(user=nobody).exists()


def test_audit_subjects_put_messages_on_the_customer_timeline(django_user_model):
    from aftersales.core.selectors import timeline_for_customer

    services.queue_sms(actor=None, to=MOBILE, template_code="maintenance_reminder", params=REMINDER_PARAMS,
                       idempotency_key="c", customer_id=42, organisation_id=7, now=at(10, 10))
    head_office = django_user_model.objects.create_superuser("root", password="x")
    entries = timeline_for_customer(42, user=head_office)
    assert len(entries) == 1
    assert entries[0].event.organisation_id == 7
    assert "138****5678" in entries[0].text and MOBILE not in entries[0].text


def test_outbox_status_choices_cover_the_state_machine():
    from aftersales.notifications.choices import TRANSITIONS

    assert set(TRANSITIONS) == set(MessageStatus.values)
    assert OutboxMessage(status=MessageStatus.DEAD).can_requeue
    assert not OutboxMessage(status=MessageStatus.SENDING).can_cancel
