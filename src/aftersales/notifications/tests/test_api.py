"""API: inbox, outbox actions, SMS templates, gateway callbacks, schema."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aftersales.notifications import services
from aftersales.notifications.choices import MessageStatus
from aftersales.notifications.models import OutboxMessage, SmsReply

from .helpers import MOBILE, REMINDER_PARAMS

pytestmark = pytest.mark.django_db

BASE = "/api/notifications"


def api(user=None, token=False):
    client = APIClient()
    if user is not None:
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        else:
            client.force_authenticate(user)
    return client


def queue(key="k"):
    return services.queue_sms(actor=None, to=MOBILE, template_code="maintenance_reminder", params=REMINDER_PARAMS,
                              idempotency_key=key)


def test_inbox_api_is_the_users_own(make_user):
    user, other = make_user("olga"), make_user("pete")
    n = services.notify_user(recipient=user, title="mine")
    theirs = services.notify_user(recipient=other, title="theirs")
    client = api(user)
    data = client.get(f"{BASE}/notifications/").json()
    assert [r["title"] for r in data["results"]] == ["mine"]
    assert client.get(f"{BASE}/notifications/{theirs.pk}/").status_code == 404
    assert client.get(f"{BASE}/notifications/unread-count/").json() == {"count": 1}
    assert client.get(f"{BASE}/notifications/", {"unread": "true"}).json()["count"] == 1
    response = client.post(f"{BASE}/notifications/{n.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    services.notify_user(recipient=user, title="second")
    assert client.post(f"{BASE}/notifications/read-all/").json() == {"count": 1}
    assert client.post(f"{BASE}/notifications/{theirs.pk}/read/").status_code == 404
    assert api().get(f"{BASE}/notifications/").status_code in (401, 403)


def test_outbox_api_permissions_masking_and_requeue(make_user, admin_user, settings, gateway):
    settings.AFTERSALES_OUTBOX_MAX_ATTEMPTS = 1
    gateway.reset(failures=1)
    dead = services.deliver(queue("dead").pk)
    assert dead.status == MessageStatus.DEAD

    nobody = api(make_user("quinn"))
    assert nobody.get(f"{BASE}/outbox/").status_code == 403
    assert nobody.post(f"{BASE}/outbox/{dead.pk}/requeue/").status_code == 403

    client = api(admin_user)
    rows = client.get(f"{BASE}/outbox/", {"status": "dead"}).json()
    assert rows["count"] == 1 and rows["results"][0]["to"] == "138****5678"
    assert client.get(f"{BASE}/outbox/{dead.pk}/").json()["to"] == MOBILE  # permitted, logged

    response = client.post(f"{BASE}/outbox/{dead.pk}/requeue/", {"note": "网关已恢复"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    response = client.post(f"{BASE}/outbox/{dead.pk}/requeue/")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    response = client.post(f"{BASE}/outbox/{dead.pk}/cancel/", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = client.post(f"{BASE}/outbox/{dead.pk}/cancel/", {"reason": "客户已到店"}, format="json")
    assert response.json()["status"] == "cancelled"


def test_outbox_api_list_query_count_is_fixed(admin_user, django_assert_max_num_queries):
    for i in range(5):
        queue(f"k{i}")
    client = api(admin_user)
    with django_assert_max_num_queries(6):
        assert client.get(f"{BASE}/outbox/").json()["count"] == 5
    for i in range(5, 25):
        queue(f"k{i}")
    with django_assert_max_num_queries(6):
        assert client.get(f"{BASE}/outbox/").json()["count"] == 25


def test_sms_template_api(make_user, admin_user):
    client = api(admin_user)
    response = client.post(f"{BASE}/sms-templates/", {
        "code": "tyre_recall", "name": "轮胎召回通知", "category": "notification", "provider_template_id": "SMS_77",
        "text": "尊敬的{name}，您的爱车{vin}需免费更换轮胎，请联系{dealer}。"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["variables"] == ["name", "vin", "dealer"] and body["signature"] == "售后服务"
    response = client.post(f"{BASE}/sms-templates/", {
        "code": "promo2", "name": "促销", "category": "promotion", "provider_template_id": "SMS_78",
        "text": "全场八折"}, format="json")
    assert response.status_code == 400 and "text" in response.json()["fields"]
    response = client.patch(f"{BASE}/sms-templates/{body['id']}/", {"name": "轮胎召回", "version": 99},
                            format="json")
    assert response.status_code == 409
    assert client.delete(f"{BASE}/sms-templates/{body['id']}/").status_code == 405
    assert api(make_user("rita")).get(f"{BASE}/sms-templates/").status_code == 403


def test_reply_callback_needs_the_gateway_permission(make_user):
    payload = {"from_number": "13812345678", "text": "R", "provider_message_id": "up-1"}
    assert api().post(f"{BASE}/sms/replies/", payload, format="json").status_code == 401
    assert api(make_user("sam"), token=True).post(f"{BASE}/sms/replies/", payload,
                                                  format="json").status_code == 403

    gateway_user = make_user("sms-gateway", "notifications.add_suppression")
    client = api(gateway_user, token=True)
    response = client.post(f"{BASE}/sms/replies/", payload, format="json")
    assert response.status_code == 200 and response.json() == {"accepted": 1, "matched": 1}
    assert services.is_suppressed(MOBILE, "sms")
    # The provider retries the same callback: stored once.
    client.post(f"{BASE}/sms/replies/", payload, format="json")
    assert SmsReply.objects.count() == 1


def test_reply_callback_accepts_a_batch_all_or_nothing(make_user):
    client = api(make_user("sms-gateway", "notifications.add_suppression"), token=True)
    batch = [{"from_number": "13812345678", "text": "TD"}, {"from_number": "not a phone", "text": "R"}]
    response = client.post(f"{BASE}/sms/replies/", batch, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"
    assert not SmsReply.objects.exists()
    batch[1]["from_number"] = "+86 139 0000 1111"
    assert client.post(f"{BASE}/sms/replies/", batch, format="json").json() == {"accepted": 2, "matched": 2}


def test_receipt_callback(make_user, gateway):
    message = services.deliver(queue().pk)
    client = api(make_user("sms-gateway", "notifications.add_suppression"), token=True)
    response = client.post(f"{BASE}/sms/receipts/", [
        {"provider_message_id": message.provider_message_id, "delivered": False, "error": "MK:0001 关机"},
        {"provider_message_id": "unknown", "delivered": True},
    ], format="json")
    assert response.json() == {"accepted": 2, "matched": 1}
    message.refresh_from_db()
    assert message.status == MessageStatus.UNDELIVERED and "关机" in message.last_error
    response = client.post(f"{BASE}/sms/receipts/", {"delivered": True}, format="json")
    assert response.status_code == 400 and "provider_message_id" in response.json()["fields"]


def test_schema_lists_the_endpoints_without_warnings(admin_user, capsys):
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator(patterns=None)
    schema = generator.get_schema(request=None, public=True)
    paths = {p for p in schema["paths"] if p.startswith(BASE)}
    for expected in ("/notifications/", "/notifications/{id}/read/", "/notifications/read-all/",
                     "/notifications/unread-count/", "/outbox/", "/outbox/{id}/", "/outbox/{id}/requeue/",
                     "/outbox/{id}/cancel/", "/sms-templates/", "/sms-templates/{id}/",
                     "/sms-templates/{id}/deactivate/", "/sms/replies/", "/sms/receipts/"):
        assert f"{BASE}{expected}" in paths
    err = capsys.readouterr().err
    ours = [line for line in err.splitlines() if "notifications" in line.lower()]
    assert ours == []


def test_outbox_api_rows_are_not_written_by_api(admin_user):
    assert api(admin_user).post(f"{BASE}/outbox/", {}, format="json").status_code == 405
    assert OutboxMessage.objects.count() == 0
