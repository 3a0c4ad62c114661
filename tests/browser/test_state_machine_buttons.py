"""State-machine buttons in a real browser (issue 6 item 1): the outbox offers re-queue and cancel
to an administrator; after a cancel with a reason the buttons are gone and the timeline shows old → new
and the reason."""

import pytest

from aftersales.notifications import services
from aftersales.notifications.choices import MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.tests.helpers import ensure_reminder_template
from aftersales.org.testing import build_world

from .test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARAMS = {"name": "张先生", "plate": "京A12345", "mileage": "15000", "due_date": "6月30日", "dealer": "北京甲4S店",
          "phone": "010-12345678"}


def test_outbox_buttons_follow_the_machine(live_server, page, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    world = build_world()
    ensure_reminder_template()
    message = services.queue_sms(actor=None, to="13812345678", template_code="maintenance_reminder", params=PARAMS,
                                 idempotency_key="browser:1", organisation_id=world.dealer_a.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(status=MessageStatus.DEAD, last_error="GatewayError: 超时")
    url = f"{live_server.url}/notifications/outbox/{message.pk}/"

    log_in(page, live_server.url, "admin")
    page.wait_for_selector("[data-testid=work-items]")
    page.goto(url)
    assert page.locator("[data-testid=requeue]").is_visible()
    assert page.locator("[data-testid=cancel]").is_visible()
    page.screenshot(path="test-results/outbox-transitions.png", full_page=True)
    page.on("dialog", lambda dialog: dialog.accept())
    page.fill("form[data-transition=cancel] input[name=reason]", "客户已到店")
    page.click("[data-testid=cancel]")
    page.wait_for_selector("text=消息已取消")
    assert page.inner_text("[data-testid=status]") == "已取消"
    assert page.locator("[data-testid=requeue]").count() == 0 and page.locator("[data-testid=cancel]").count() == 0
    assert "客户已到店" in page.inner_text("main")
    page.screenshot(path="test-results/outbox-cancelled.png", full_page=True)
