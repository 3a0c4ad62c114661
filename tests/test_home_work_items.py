"""「我的工作」 shows each role what it can act on today, with real counts and links (issue 8 item 13).

Expected counts come from the rows each test creates, never from the selectors under test.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.core.imports.choices import ImportJobStatus
from aftersales.core.imports.models import ImportJob
from aftersales.core.registry import WORK_ITEM_COUNT_CAP, capped_count
from aftersales.core.validators import vin_check_digit
from aftersales.customers import services
from aftersales.customers.models import Vehicle
from aftersales.customers.warranty import add_months
from aftersales.parts import services as parts_services
from aftersales.parts.choices import KEY_PART_CATEGORIES, PartCategory
from aftersales.parts.models import Supplier

pytestmark = pytest.mark.django_db


def vin(serial: int) -> str:
    body = f"LSJA24U6XJG{serial:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


@pytest.fixture
def fleet(world):
    """Dealer A: one vehicle due for 首保 in 10 days, one for its first 定保 in 5 days, one with every
    key-part lot and nothing due; dealer B: one due for 首保."""
    admin = world.user("admin")
    today = timezone.localdate()
    model = services.vehicle_model_create(
        actor=admin, data={"code": "EV1", "name": "小蚂蚁"}, policy={"vehicle_months": 36, "vehicle_km": 60000},
        plan={"first_service_months": 3, "first_service_km": 3000, "interval_months": 6, "interval_km": 10000})
    serials = iter(range(1, 100))

    def vehicle(dealer, sold, name):
        owner = services.customer_create(actor=admin, data={"name": name, "owning_dealer": dealer},
                                         phones=[f"1381234{next(serials):04d}"])
        return services.vehicle_create(actor=admin, data={
            "vin": vin(next(serials)), "vehicle_model": model, "owner": owner, "selling_dealer": dealer,
            "servicing_dealer": dealer, "sale_date": sold, "invoice_date": sold, "delivery_date": sold})

    first_due = vehicle(world.dealer_a, add_months(today + timedelta(days=10), -3), "王一")
    periodic_due = vehicle(world.dealer_a, add_months(today + timedelta(days=5), -9), "王二")
    complete = vehicle(world.dealer_a, add_months(today - timedelta(days=60), -3), "王三")
    for category in KEY_PART_CATEGORIES:
        services.set_key_part_lot(actor=admin, vehicle=complete, category=category, lot_number=f"{category}-1")
    other_store = vehicle(world.dealer_b, add_months(today + timedelta(days=20), -3), "李四")
    return {"first_due": first_due, "periodic_due": periodic_due, "complete": complete, "other_store": other_store}


def work_items(client, user) -> dict[str, tuple[int, str]]:
    """The home page's work items as the user sees them: key -> (count on the badge, link)."""
    import re

    client.force_login(user)
    html = client.get("/").content.decode()
    items = {}
    for m in re.finditer(r'data-work-item="([^"]+)">\s*<div><a href="([^"]+)">.*?<span class="badge[^>]*>(\d+\+?)</span>',
                         html, re.S):
        items[m.group(1)] = (m.group(3), m.group(2).replace("&amp;", "&"))
    return items


def test_technician_sees_the_stores_vehicles_due_for_first_and_scheduled_service(client, world, fleet):
    items = work_items(client, world.user("technician"))
    # Only dealer A's vehicles: the other store's 首保 is not this technician's work.
    assert items["customers.first_service_due"] == ("1", "/customers/vehicles/?first_service_due=true")
    assert items["customers.service_due"] == ("1", "/customers/vehicles/?service_due=true")
    assert "notifications.unread" not in items  # nothing unread: never only "未读消息"


def test_the_work_item_link_lists_exactly_the_vehicles_counted(client, world, fleet):
    client.force_login(world.user("technician"))
    html = client.get("/customers/vehicles/?first_service_due=true").content.decode()
    assert fleet["first_due"].vin in html
    assert fleet["periodic_due"].vin not in html and fleet["other_store"].vin not in html
    html = client.get("/customers/vehicles/?service_due=true").content.decode()
    assert fleet["periodic_due"].vin in html and fleet["first_due"].vin not in html


def test_agent_at_head_office_sees_every_stores_due_services(client, world, fleet):
    items = work_items(client, world.user("agent"))
    assert items["customers.first_service_due"][0] == "2"
    assert items["customers.service_due"][0] == "1"


def test_quality_engineer_sees_sold_vehicles_missing_key_part_lots(client, world, fleet):
    items = work_items(client, world.user("quality"))
    # Three of the four vehicles lack at least one monitored key part's lot.
    assert items["customers.without_key_parts"] == ("3", "/customers/vehicles/?without_key_parts=true")
    assert "customers.first_service_due" not in items  # service reminders are the stores' work
    client.force_login(world.user("quality"))
    html = client.get("/customers/vehicles/?without_key_parts=true").content.decode()
    assert fleet["complete"].vin not in html and fleet["first_due"].vin in html


def test_parts_clerk_sees_parts_without_a_supplier(client, world):
    admin = world.user("admin")
    supplier = Supplier.objects.create(code="S1", name="鼎能电池")
    parts_services.part_create(actor=admin, data={"part_number": "P-1", "name": "动力电池包",
                                                  "category": PartCategory.BATTERY, "supplier": supplier})
    for n in (2, 3):
        parts_services.part_create(actor=admin, data={"part_number": f"P-{n}", "name": f"后桥总成 {n}",
                                                      "category": PartCategory.REAR_AXLE})
    items = work_items(client, world.user("parts"))
    count, url = items["parts.without_supplier"]
    assert count == "2"
    client.force_login(world.user("parts"))
    html = client.get(url).content.decode()
    assert "P-2" in html and "P-3" in html and "P-1" not in html


def test_manager_sees_late_archives_at_the_stores(client, world):
    admin = world.user("admin")
    late = services.customer_create(actor=admin, data={"name": "赵六", "owning_dealer": world.dealer_a},
                                    phones=["13912340001"])
    type(late).objects.filter(pk=late.pk).update(first_visit_at=timezone.now() - timedelta(days=5),
                                                  archive_completed_at=None)
    items = work_items(client, world.user("manager"))
    assert items["customers.archives_late_oversight"][0] == "1"


def test_my_checked_import_waits_for_me_to_apply(client, world):
    agent = world.user("agent")
    ImportJob.objects.create(kind="customers", status=ImportJobStatus.VALIDATED, created_by=agent)
    ImportJob.objects.create(kind="customers", status=ImportJobStatus.VALIDATED, created_by=world.user("dealer"))
    assert work_items(client, agent)["core.imports.checked"][0] == "1"


def test_a_work_item_count_stops_at_the_cap(world, fleet):
    assert capped_count(Vehicle.objects.all(), cap=2) == 3  # "2+" on the page
    assert capped_count(Vehicle.objects.all()) == 4 < WORK_ITEM_COUNT_CAP
