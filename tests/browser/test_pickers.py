"""Pickers search, in a real browser (issue 8 item 6, R-CUS-5): the owner of a new vehicle is
chosen by typing a phone tail into the owner box and picking with the keyboard — at desktop width
and at 390 px."""

from __future__ import annotations

import pytest

from aftersales.core.validators import vin_check_digit
from aftersales.customers import services
from aftersales.customers.models import Vehicle, VehicleModel
from aftersales.org.testing import build_world

from .test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def vin(serial: int) -> str:
    body = f"LSJA24U6XSG{serial:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


@pytest.fixture
def shop():
    world = build_world()
    admin = world.user("admin")
    VehicleModel.objects.create(code="EV1", name="小蚂蚁")
    services.customer_create(actor=admin, data={"name": "张伟", "owning_dealer": world.dealer_a},
                             phones=["13812345678"])
    services.customer_create(actor=admin, data={"name": "张伟", "owning_dealer": world.dealer_a},
                             phones=["13900001111"])
    services.customer_create(actor=admin, data={"name": "张伟", "owning_dealer": world.dealer_b},
                             phones=["13700005678"])  # another store's: never offered to dealer A
    return world


def _new_vehicle_with_picked_owner(page, base, serial: int, shot: str):
    page.goto(f"{base}/customers/vehicles/new/")
    page.fill("#id_vin", vin(serial))
    page.fill("#id_plate", f"京AD{serial:05d}")
    page.select_option("#id_vehicle_model", label="小蚂蚁")
    box = page.locator("[data-testid=picker-owner]")
    box.click()
    box.press_sequentially("5678", delay=30)
    page.wait_for_selector("#id_owner_results [data-testid=picker-option]")
    shown = page.inner_text("#id_owner_results")
    assert shown.count("张伟") == 1 and "138 1234 5678" in shown and "137" not in shown
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 2
    page.screenshot(path=f"test-results/{shot}", full_page=True)
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_selector("#id_owner_results:empty", state="attached")
    assert box.input_value().startswith("张伟 · C-")
    assert page.input_value("input[name=owner]") != ""
    page.click("main form button[type=submit]")
    page.wait_for_url("**/customers/vehicles/*/")
    vehicle = Vehicle.objects.get(vin=vin(serial))
    assert vehicle.owner.primary_phone == "+8613812345678"
    assert "张伟" in page.inner_text("main")


def test_pick_the_owner_with_the_keyboard(live_server, page, shop):
    log_in(page, live_server.url, "dealer")
    _new_vehicle_with_picked_owner(page, live_server.url, 1, "picker-owner.png")


def test_pick_the_owner_at_phone_width(live_server, phone_page, shop):
    log_in(phone_page, live_server.url, "dealer")
    _new_vehicle_with_picked_owner(phone_page, live_server.url, 2, "picker-owner-phone.png")
