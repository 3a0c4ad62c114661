"""Pages: inbox with htmx mark-read, outbox permissions and re-queue, templates, suppression list."""

import pytest
from django.urls import reverse

from aftersales.core.models import PersonalDataAccess
from aftersales.notifications import services
from aftersales.notifications.choices import MessageStatus
from aftersales.notifications.models import SmsTemplate, Suppression

from .helpers import MOBILE, REMINDER_PARAMS

pytestmark = pytest.mark.django_db


def queue(key="k", **kwargs):
    return services.queue_sms(actor=None, to=MOBILE, template_code="maintenance_reminder", params=REMINDER_PARAMS,
                              idempotency_key=key, **kwargs)


def dead_message(settings, gateway):
    settings.AFTERSALES_OUTBOX_MAX_ATTEMPTS = 1
    gateway.reset(failures=1)
    return services.deliver(queue("dead").pk)


def test_inbox_empty_state(client, make_user):
    client.force_login(make_user("erin"))
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert b'data-testid="empty-state"' in response.content


def test_inbox_lists_only_own_and_marks_read_with_htmx(client, make_user):
    user, other = make_user("frank"), make_user("gina")
    mine = services.notify_user(recipient=user, title="回访任务已分配给您", url="/followups/3/")
    theirs = services.notify_user(recipient=other, title="secret")
    client.force_login(user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "回访任务已分配给您" in page and "secret" not in page
    assert 'data-testid="unread-count">1<' in page  # the badge in the page header

    response = client.post(reverse("notifications:notification_read", args=[mine.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="notification-{mine.pk}"' in body and 'data-read="1"' in body
    assert 'hx-swap-oob="true">0<' in body
    assert "<html" not in body
    # Someone else's notification is a 404.
    assert client.post(reverse("notifications:notification_read", args=[theirs.pk])).status_code == 404


def test_open_marks_read_and_follows_only_local_links(client, make_user):
    user = make_user("hank")
    local = services.notify_user(recipient=user, title="a", url="/notifications/outbox/")
    evil = services.notify_user(recipient=user, title="b", url="https://evil.example/")
    client.force_login(user)
    response = client.post(reverse("notifications:notification_read", args=[local.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/notifications/outbox/"
    response = client.post(reverse("notifications:notification_read", args=[evil.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:inbox")


def test_mark_all_read(client, make_user):
    user = make_user("ivy")
    for i in range(3):
        services.notify_user(recipient=user, title=f"n{i}")
    client.force_login(user)
    response = client.post(reverse("notifications:notification_read_all"), headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="inbox"' in response.content.decode()
    assert client.get(reverse("notifications:inbox") + "?unread=1").context["page"].paginator.count == 0


def test_outbox_needs_permission(client, make_user):
    message = queue()
    client.force_login(make_user("jack"))
    assert client.get(reverse("notifications:outbox_list")).status_code == 403
    assert client.get(reverse("notifications:outbox_detail", args=[message.pk])).status_code == 403
    assert client.post(reverse("notifications:outbox_requeue", args=[message.pk])).status_code == 403


def test_outbox_list_filters_and_masks(client, admin_user, settings, gateway):
    dead_message(settings, gateway)
    queue("pending")
    client.force_login(admin_user)
    url = reverse("notifications:outbox_list")
    page = client.get(url).content.decode()
    assert "138****5678" in page and MOBILE not in page
    assert client.get(url, {"status": "dead"}).context["table"].paginator.count == 1
    assert client.get(url, {"status": "pending", "channel": "sms", "category": "notification"}).context[
        "table"].paginator.count == 1
    assert client.get(url, {"created_from": "2000-01-01", "created_to": "2000-01-02"}).context[
        "table"].paginator.count == 0
    assert client.get(url, {"q": "5678"}).context["table"].paginator.count == 2


def test_requeue_offered_only_for_dead_messages_to_permitted_users(client, make_user, admin_user, settings, gateway,
                                                                   django_capture_on_commit_callbacks, monkeypatch):
    from aftersales.core import scoping
    from aftersales.core.scoping import Scope

    monkeypatch.setattr(scoping, "_resolver", lambda user: Scope(everything=True))
    dead = dead_message(settings, gateway)
    pending = queue("pending")
    viewer = make_user("lee", "notifications.view_outboxmessage")
    client.force_login(viewer)
    page = client.get(reverse("notifications:outbox_detail", args=[dead.pk])).content.decode()
    assert 'data-testid="requeue"' not in page
    assert "138****5678" in page  # no personal-data permission: masked

    client.force_login(admin_user)
    page = client.get(reverse("notifications:outbox_detail", args=[pending.pk])).content.decode()
    assert 'data-testid="requeue"' not in page and 'data-testid="cancel"' in page
    page = client.get(reverse("notifications:outbox_detail", args=[dead.pk])).content.decode()
    assert 'data-testid="requeue"' in page
    assert MOBILE in page  # an administrator sees the number, and that view is logged
    assert PersonalDataAccess.objects.filter(actor=admin_user, object_id=dead.pk).exists()

    settings.AFTERSALES_OUTBOX_MAX_ATTEMPTS = 6
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("notifications:outbox_requeue", args=[dead.pk]))
    assert response.status_code == 302
    dead.refresh_from_db()
    assert dead.status == MessageStatus.PENDING


def test_cancel_from_the_page(client, admin_user):
    message = queue()
    client.force_login(admin_user)
    client.post(reverse("notifications:outbox_cancel", args=[message.pk]), {"reason": "重复发送"})
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED


def test_template_pages(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("notifications:template_list")).status_code == 200
    template = SmsTemplate.objects.get(code="maintenance_reminder")
    page = client.get(template.get_absolute_url()).content.decode()
    assert "【售后服务】尊敬的{name}" in page
    response = client.post(reverse("notifications:template_add"), {
        "code": "winter", "name": "冬季促销", "category": "promotion", "provider_template_id": "SMS_9",
        "signature": "售后服务", "text": "冬季保养八折"})
    assert response.status_code == 400
    assert 'data-testid="error-text"' in response.content.decode()
    response = client.post(reverse("notifications:template_edit", args=[template.pk]), {
        "code": template.code, "name": "定期保养提醒", "category": template.category,
        "provider_template_id": template.provider_template_id, "signature": template.signature,
        "text": template.text, "version": template.version})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "定期保养提醒"


def test_template_pages_need_permission(client, make_user):
    client.force_login(make_user("mo"))
    assert client.get(reverse("notifications:template_list")).status_code == 403
    assert client.get(reverse("notifications:template_add")).status_code == 403


def test_suppression_and_consent_pages(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("notifications:suppression_add"), {
        "contact": "138-1234-5678", "channel": "sms", "reason": "complaint", "note": "投诉短信骚扰"})
    assert response.status_code == 302
    suppression = Suppression.objects.get()
    assert suppression.contact == MOBILE
    page = client.get(reverse("notifications:suppression_list")).content.decode()
    assert "138****5678" in page
    assert client.post(reverse("notifications:suppression_lift", args=[suppression.pk]), {"note": ""}).status_code == 400
    response = client.post(reverse("notifications:suppression_lift", args=[suppression.pk]), {"note": "客户重新同意"})
    assert response.status_code == 302
    suppression.refresh_from_db()
    assert not suppression.is_active

    response = client.post(reverse("notifications:consent_add"), {
        "contact": "13812345678", "channel": "sms", "purpose": "marketing", "granted": "1", "source": "form"})
    assert response.status_code == 302
    assert services.has_consent(MOBILE, "sms", "marketing")
    assert client.get(reverse("notifications:consent_list")).status_code == 200
    response = client.post(reverse("notifications:consent_add"), {
        "contact": "12345", "channel": "sms", "purpose": "marketing", "granted": "1", "source": "form"})
    assert response.status_code == 400


def test_home_page_shows_unread_and_dead_letters(client, admin_user, settings, gateway):
    dead_message(settings, gateway)
    services.notify_user(recipient=admin_user, title="x")
    client.force_login(admin_user)
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-work-item="notifications.unread"' in page
    assert 'data-work-item="notifications.dead"' in page
    assert 'data-nav="notifications:outbox_list"' in page


def test_pages_render_in_chinese(client, make_user):
    client.force_login(make_user("ning"))
    page = client.get(reverse("notifications:inbox"), headers={"accept-language": "zh-hans"}).content.decode()
    assert "全部标为已读" not in page  # nothing unread
    assert "暂无消息" in page or "还没有" in page
