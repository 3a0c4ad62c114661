"""Fixtures for the customer archive tests, built through the services."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from aftersales.core.validators import vin_check_digit
from aftersales.org import services as org_services
from aftersales.org.choices import OrganisationKind, RegionKind
from aftersales.org.models import Organisation, Region, Role

from .. import services

_seq = itertools.count(1)


@pytest.fixture
def region(db):
    country = Region.objects.create(code="T-CN", name="中国", kind=RegionKind.COUNTRY)
    city = Region.objects.create(code="T-BJ", name="北京市", kind=RegionKind.CITY, parent=country)
    return city


@pytest.fixture
def hq(region):
    return Organisation.objects.create(code="T-HQ", name="总部", kind=OrganisationKind.HEAD_OFFICE, region=region)


@pytest.fixture
def dealer_a(region):
    return Organisation.objects.create(code="T-DA", name="甲4S店", kind=OrganisationKind.DEALER, region=region)


@pytest.fixture
def dealer_b(region):
    return Organisation.objects.create(code="T-DB", name="乙4S店", kind=OrganisationKind.DEALER, region=region)


@pytest.fixture
def make_user(db):
    def make(role: str, organisation, username: str | None = None):
        username = username or f"{role}{next(_seq)}"
        profile = org_services.staff_create(
            actor=None, username=username, password="pw",
            data={"organisation": organisation, "employee_code": username.upper(), "display_name": username},
            m2m={"roles": [Role.objects.get(code=role)]},
        )
        return profile.user
    return make


@pytest.fixture
def admin_user(make_user, hq):
    return make_user("admin", hq)


@pytest.fixture
def vehicle_model(admin_user):
    return services.vehicle_model_create(
        actor=admin_user, data={"code": "T-EV1", "name": "小蚂蚁"},
        policy={"vehicle_months": 36, "vehicle_km": 60000},
        plan={"first_service_months": 3, "first_service_km": 3000, "interval_months": 6, "interval_km": 10000},
        part_terms={"battery": (96, 150000)},
    )


def valid_vin(serial: int) -> str:
    base = f"LSJA24U6XJG{serial:06d}"
    return base[:8] + vin_check_digit(base) + base[9:]


@pytest.fixture
def make_customer(admin_user, region):
    def make(dealer, *, name="张三", phone="13812345678", actor=None, address=True, **data):
        return services.customer_create(
            actor=actor or admin_user,
            data={"name": name, "owning_dealer": dealer, "region": region, **data},
            phones=[phone],
            addresses=[{"province": "北京市", "city": "北京市", "district": "朝阳区", "detail": "建国路 88 号"}]
            if address else [],
        )
    return make


@pytest.fixture
def make_vehicle(admin_user, vehicle_model):
    def make(owner=None, *, dealer=None, actor=None, **data):
        data.setdefault("vin", valid_vin(next(_seq)))
        return services.vehicle_create(actor=actor or admin_user, data={
            "vehicle_model": vehicle_model, "owner": owner, "selling_dealer": dealer or (owner.owning_dealer if owner else None),
            "sale_date": date(2025, 1, 10), "invoice_date": date(2025, 1, 10), "delivery_date": date(2025, 1, 15),
            **data})
    return make
