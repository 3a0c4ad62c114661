"""As a service advisor in a real browser: two bad fields show both errors, and a stale edit is
recovered without retyping (issue 8 items 3 and 4, "Shows")."""

import pytest

from aftersales.customers import services
from aftersales.customers.models import Customer
from aftersales.org.testing import build_world

from .test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_advisor_recovers_a_stale_edit_without_retyping(live_server, page):
    world = build_world()
    customer = services.customer_create(actor=world.user("admin"), data={
        "name": "赵丽", "owning_dealer": world.dealer_a, "notes": "老客户"}, phones=["13812345678"])
    log_in(page, live_server.url, "advisor")
    page.wait_for_selector("[data-testid=work-items]")
    page.goto(f"{live_server.url}/customers/customers/{customer.pk}/edit/")
    page.fill("#id_notes", "客户要求周六上午到店保养，提前一天电话确认")

    # While the advisor types, head office renames the customer.
    services.customer_update(Customer.objects.get(pk=customer.pk), actor=world.user("agent"),
                             data={"name": "赵丽华"}, expected_version=customer.version)

    page.click("main form button[type=submit]")
    panel = page.locator("[data-testid=stale-edit]")
    panel.wait_for()
    assert "已有其他人保存了修改" in panel.inner_text()
    assert "赵丽华" in page.inner_text("[data-testid=stale-rows]")
    assert page.input_value("#id_notes") == "客户要求周六上午到店保养，提前一天电话确认"
    page.screenshot(path="test-results/stale-edit.png", full_page=True)

    page.click("main form button[type=submit]")  # 保留我的修改并保存
    page.wait_for_url(f"**/customers/customers/{customer.pk}/")
    saved = Customer.objects.get(pk=customer.pk)
    assert saved.notes == "客户要求周六上午到店保养，提前一天电话确认"
    assert saved.name == "赵丽华"  # head office's rename survives the advisor's save


def test_advisor_sees_every_bad_field_at_once(live_server, page):
    build_world()
    log_in(page, live_server.url, "advisor")
    page.wait_for_selector("[data-testid=work-items]")
    page.goto(f"{live_server.url}/customers/customers/new/")
    page.fill("#id_name", "钱伟")
    page.fill("#id_phone", "1381234")  # too short
    page.fill("#id_resident_id", "110105194912310021")  # wrong check digit
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=error-phone]")
    assert page.locator("[data-testid=error-resident_id]").is_visible()
    assert page.locator("[data-testid=error-address_detail]").is_visible()  # the required one too
    assert page.input_value("#id_name") == "钱伟"
