"""Development gateways and the gateway setting."""

import json

import pytest

from aftersales.notifications import gateways, services, tasks
from aftersales.notifications.choices import MessageStatus

from .helpers import MOBILE, REMINDER_PARAMS


def test_default_gateway_is_the_console(settings, caplog, monkeypatch):
    """Without ``AFTERSALES_SMS_GATEWAY`` in the environment the settings module picks the console
    gateway, so a fresh install never sends real SMS.  The settings module is executed afresh here:
    the suite's own conftest replaces the setting, so reading ``settings`` would prove nothing."""
    import runpy

    import aftersales.settings

    monkeypatch.delenv("AFTERSALES_SMS_GATEWAY", raising=False)
    fresh = runpy.run_path(aftersales.settings.__file__)
    assert fresh["AFTERSALES_SMS_GATEWAY"] == "aftersales.notifications.gateways.ConsoleSmsGateway"
    settings.AFTERSALES_SMS_GATEWAY = fresh["AFTERSALES_SMS_GATEWAY"]
    gateway = gateways.get_sms_gateway()
    assert isinstance(gateway, gateways.ConsoleSmsGateway)
    with caplog.at_level("INFO", logger="aftersales.notifications.sms"):
        message_id = gateway.send(to=MOBILE, signature="售后服务", template_id="SMS_1", params={"code": "1"},
                                  idempotency_key="k", text="【售后服务】验证码1")
    assert message_id.startswith("console-")
    assert "验证码1" in caplog.text


def test_file_gateway_appends_json_lines(settings, tmp_path):
    settings.AFTERSALES_SMS_FILE = tmp_path / "sms" / "out.jsonl"
    gateway = gateways.FileSmsGateway()
    for key in ("a", "b"):
        gateway.send(to=MOBILE, signature="售后服务", template_id="SMS_1", params={"x": "1"}, idempotency_key=key,
                     text="【售后服务】你好")
    lines = [json.loads(line) for line in settings.AFTERSALES_SMS_FILE.read_text(encoding="utf-8").splitlines()]
    assert [r["idempotency_key"] for r in lines] == ["a", "b"]
    assert lines[0]["text"] == "【售后服务】你好" and lines[0]["to"] == MOBILE


def test_file_gateway_error_is_temporary(settings, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    settings.AFTERSALES_SMS_FILE = str(blocker / "out.jsonl")  # a directory that cannot exist
    with pytest.raises(gateways.GatewayError) as exc:
        gateways.FileSmsGateway().send(to=MOBILE, signature="s", template_id="t", params={}, idempotency_key="k")
    assert not isinstance(exc.value, gateways.PermanentGatewayError)


def test_base_gateway_is_abstract():
    with pytest.raises(TypeError):
        gateways.SmsGateway()


@pytest.mark.django_db
def test_tasks_deliver_through_the_file_gateway(settings, tmp_path):
    settings.AFTERSALES_SMS_GATEWAY = "aftersales.notifications.gateways.FileSmsGateway"
    settings.AFTERSALES_SMS_FILE = tmp_path / "out.jsonl"
    message = services.queue_sms(actor=None, to=MOBILE, template_code="maintenance_reminder", params=REMINDER_PARAMS,
                                 idempotency_key="ro:1")
    assert tasks.deliver_message.call(message.pk) == MessageStatus.SENT
    assert tasks.deliver_message.call(message.pk) == MessageStatus.SENT
    assert tasks.deliver_message.call(999999) == "missing"
    assert tasks.deliver_due_messages.call() == 0
    assert len(settings.AFTERSALES_SMS_FILE.read_text(encoding="utf-8").splitlines()) == 1


@pytest.mark.django_db
def test_demo_data_is_idempotent(make_user, task_results):
    from aftersales.notifications.demo import seed_demo
    from aftersales.notifications.models import OutboxMessage, Suppression

    user = make_user("demo")
    seed_demo(users=[user], organisation_id=1)
    seed_demo(users=[user], organisation_id=1)
    statuses = dict(OutboxMessage.objects.values_list("idempotency_key", "status"))
    assert statuses == {"demo:reminder:1": "sent", "demo:promo:2": "pending", "demo:reminder:3": "dead"}
    assert Suppression.objects.filter(contact="+8613800000004").exists()
    # A welcome only: no notice about complaints (not built) and the failed-SMS notice goes to those
    # who may re-send it (issue 8 item 11).
    assert list(user.notifications.values_list("title", flat=True)) == ["欢迎使用售后服务平台"]
