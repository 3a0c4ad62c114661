from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.customers.models import Customer, Vehicle, VehicleModel
from aftersales.customers.tests.scope_factories import _vin


def at(text: str) -> dt.datetime:
    """A moment in Asia/Shanghai, written the way the expected values below are worked out."""
    return timezone.make_aware(dt.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


_n = iter(range(1, 10_000))


def make_customer(org, name="王建国") -> Customer:
    n = next(_n)
    return Customer.objects.create(code=f"TC{n:05d}", name=f"{name}{n}号", owning_dealer=org,
                                   primary_phone=f"+86138{n:08d}")


def make_vehicle(customer, plate=None) -> Vehicle:
    n = next(_n)
    model, _ = VehicleModel.objects.get_or_create(code="TK-E1", defaults={"name": "小蚂蚁 E1"})
    return Vehicle.objects.create(vin=_vin(5000 + n), plate=plate or f"京B{n:05d}", vehicle_model=model,
                                  selling_dealer=customer.owning_dealer, owner=customer)


@pytest.fixture
def customer_a(world):
    return make_customer(world.dealer_a)


@pytest.fixture
def vehicle_a(customer_a):
    return make_vehicle(customer_a)


@pytest.fixture
def hq_office_calendar(world):
    """Head office works by the head-office calendar (08:30–12:00, 13:30–17:30, national days)."""
    from aftersales.core.calendar.models import OrganisationCalendar, WorkingCalendar

    OrganisationCalendar.objects.create(organisation_id=world.hq.pk, calendar=WorkingCalendar.objects.get(code="head-office"))


@pytest.fixture
def repair_policy(db, hq_office_calendar):
    """One policy the hand-worked times below use: repair requests, 60 min response, 4 h resolution,
    on the handling organisation's calendar, with the ticket ladder (50 %, 80 %, 100 %, 150 %).
    The installation's own policies are switched off so nothing else matches."""
    from aftersales.core.calendar.sla_models import EscalationLadder
    from aftersales.tickets.models import SlaPolicy

    SlaPolicy.objects.update(is_active=False)
    return SlaPolicy.objects.create(name="测试报修", kind="repair", response_minutes=60, resolve_minutes=240,
                                    ladder=EscalationLadder.objects.get(code="tickets"))


@pytest.fixture
def agent2(world):
    from aftersales.org.testing import make_user

    return make_user("agent2", world.hq, ["agent"])
