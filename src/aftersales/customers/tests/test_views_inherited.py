"""Customers, vehicles, vehicle models and returned documents on the inherited test base (issue 6 item 10; R-CUS-1,
R-CUS-2, R-CUS-6, R-SYS-2, R-SYS-5).

The service advisor (服务顾问) of dealer A reads and writes; the dealer user of dealer A must get 404
for rows of dealer B; the customer-service agent (客服专员) sees phones as 138****5678 and the
department manager in clear.  Documents are made and read only through the services, pages and API
a user has, so the case holds when their files move to attachments."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from aftersales.core.testing.model_cases import (
    CreateCase,
    DetailCase,
    ListCase,
    MaskedFieldsCase,
    ModelCase,
    QueryCountCase,
    ReferenceDataCase,
    ScopeCase,
    StaleVersionCase,
)
from aftersales.core.validators import vin_check_digit
from aftersales.customers import services
from aftersales.customers.models import Customer, CustomerDocument, Vehicle, VehicleModel

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


def _vin(n: int) -> str:
    body = f"LSJA24U60TG{n:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


def make_customer(world, organisation, *, phone: str | None = None) -> Customer:
    n = next(_seq)
    return services.customer_create(
        actor=world.user("admin"),
        data={"name": f"测试客户{n}号", "owning_dealer": organisation, "region": organisation.region},
        phones=[phone or f"139{n:08d}"],
        addresses=[{"province": "北京市", "city": "北京市", "district": "朝阳区", "detail": f"建国路 {n} 号"}])


def vehicle_model() -> VehicleModel:
    return VehicleModel.objects.get_or_create(code="TB-EV1", defaults={"name": "小蚂蚁"})[0]


def make_vehicle(world, organisation) -> Vehicle:
    n = next(_seq)
    return services.vehicle_create(actor=world.user("admin"), data={
        "vin": _vin(n), "plate": f"京A{n:05d}", "vehicle_model": vehicle_model(), "selling_dealer": organisation,
        "owner": make_customer(world, organisation), "sale_date": date(2025, 1, 10)})


class TestCustomerCase(ModelCase, MaskedFieldsCase):
    model = Customer
    url_prefix = "customers:customer"
    api_url = "/api/customers/customers/"
    reader_role = "advisor"
    writer_role = "advisor"
    edit_changes = {"name": "张三丰"}
    masked_fields = {"primary_phone": ("+8613812345678", "138****5678")}
    masked_roles = ("agent",)
    clear_roles = ("manager", "advisor")

    def make(self, world, organisation):
        return make_customer(world, organisation)

    def make_with_personal_data(self, world, organisation):
        return make_customer(world, organisation, phone="13812345678")

    def shown_in_clear(self, raw):
        # The contact block shows a phone grouped; timelines no longer show the stored +86 form.
        return "138 1234 5678"

    def create_data(self, world):
        return {"kind": "person", "name": "孙八", "owning_dealer": world.dealer_a.pk, "region": world.dealer_a.region_id,
                "source": "walk_in", "phone": "13612345678", "address_detail": "望京街 9 号"}

    def api_create_data(self, world):
        return {"kind": "person", "name": "孙八", "owning_dealer": world.dealer_a.pk, "region": world.dealer_a.region_id,
                "source": "walk_in", "phone_numbers": ["13612345678"],
                "new_addresses": [{"province": "北京市", "city": "北京市", "detail": "望京街 9 号"}]}


class TestVehicleCase(ModelCase):
    model = Vehicle
    url_prefix = "customers:vehicle"
    api_url = "/api/customers/vehicles/"
    reader_role = "advisor"
    writer_role = "advisor"
    label_field = "vin"
    edit_changes = {"colour": "珍珠白"}

    def make(self, world, organisation):
        return make_vehicle(world, organisation)

    def create_data(self, world):
        return {"vin": "LSJA24U62JG269225", "plate": "京A12345", "vehicle_model": vehicle_model().pk,
                "selling_dealer": world.dealer_a.pk, "current_mileage": 0}


class TestVehicleModelCase(ReferenceDataCase):
    """Vehicle models (车型) are the maker's catalogue, the same for every dealer (no scope rule)."""

    model = VehicleModel
    url_prefix = "customers:vehiclemodel"
    api_url = "/api/customers/vehicle-models/"
    reader_role = "advisor"
    edit_changes = {"name": "小蚂蚁 2026 款"}

    def make(self, world, organisation):
        n = next(_seq)
        return services.vehicle_model_create(actor=world.user("admin"), data={"code": f"TB-M{n}", "name": f"测试车型{n}号"})

    def create_data(self, world):
        return {"code": "EQ-2", "name": "QQ冰淇淋", "energy_type": "bev"}


class TestDocumentCase(ListCase, DetailCase, CreateCase, StaleVersionCase, ScopeCase, QueryCountCase):
    """Documents are corrected, never deactivated (there is no deactivate page)."""

    model = CustomerDocument
    url_prefix = "customers:document"
    api_url = "/api/customers/documents/"
    reader_role = "advisor"
    writer_role = "advisor"
    label_field = "number"
    audit_prefix = "customers.document"
    edit_changes = {"title": "首保结算单（更正）"}

    def make(self, world, organisation):
        n = next(_seq)
        return services.document_create(actor=world.user("admin"), data={
            "customer": make_customer(world, organisation), "organisation": organisation, "kind": "service_receipt",
            "title": "维修结算单", "number": f"JS-2026-{n:04d}#"})

    def create_data(self, world):
        return {"customer": make_customer(world, world.dealer_a).pk, "kind": "service_receipt", "title": "首保结算单",
                "number": "JS-2026-9001", "document_date": "2026-05-03", "amount": "380.00",
                "content_text": "首保 更换机油滤芯"}
