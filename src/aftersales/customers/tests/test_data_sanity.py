"""Data sanity (issue 8 item 8, issue 7 item 8; ADR 0017; R-CUS-2, R-CUS-7).

A sale in the future or before the production, a delivery before the sale, a first visit in the
future: the vehicle form, the API and the import refuse the same input with the same message, and
warranty periods are computed only from dates that make sense.
"""

from __future__ import annotations

import html
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.core.imports import services as imports
from aftersales.customers.models import Customer, Vehicle

pytestmark = pytest.mark.django_db

FUTURE = "该日期晚于今天。"
SALE_BEFORE_PRODUCTION = "销售日期早于生产日期。"
DELIVERY_BEFORE_SALE = "交车日期早于销售日期。"
VIN = "LSJA24U62JG269225"


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _form_errors(response) -> dict[str, str]:
    import re

    text = html.unescape(response.content.decode())
    return dict(re.findall(r'data-testid="error-([^"]+)">([^<]*)<', text))


def _import_errors(user, header: str, row: str) -> list[tuple[str, str]]:
    job = imports.import_start(actor=user, kind="vehicles", file=io.BytesIO(f"{header}\n{row}\n".encode()),
                               filename="vehicles.csv", enqueue=False)
    job = imports.run_validation(job.pk)
    return [(e["column"], e["reason"]) for e in job.result["first_errors"]]


@pytest.mark.parametrize(("dates", "field", "message", "import_column"), [
    ({"sale_date": "2099-01-01"}, "sale_date", FUTURE, "销售日期"),
    ({"production_date": "2099-01-01"}, "production_date", FUTURE, "生产日期"),
    ({"invoice_date": "2099-01-01"}, "invoice_date", FUTURE, "开票日期"),
    ({"production_date": "2025-06-01", "sale_date": "2025-05-01"}, "sale_date", SALE_BEFORE_PRODUCTION, "销售日期"),
    ({"sale_date": "2025-05-01", "delivery_date": "2025-04-30"}, "delivery_date", DELIVERY_BEFORE_SALE, None),
])
def test_impossible_vehicle_dates_refused_alike_by_form_api_and_import(dates, field, message, import_column,
                                                                         vehicle_model, admin_user, client):
    client.force_login(admin_user)
    response = client.post(reverse("customers:vehicle_add"), {"vin": VIN, "vehicle_model": vehicle_model.pk,
                                                               "current_mileage": 0, **dates})
    assert response.status_code == 400
    assert _form_errors(response).get(field) == message
    response = _api(admin_user).post("/api/customers/vehicles/", {"vin": VIN, "vehicle_model": vehicle_model.pk,
                                                                  **dates}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"][field] == [message]
    if import_column:
        columns = {"production_date": "生产日期", "sale_date": "销售日期", "invoice_date": "开票日期"}
        header = ",".join(["车架号VIN", "车型代码", *(columns[k] for k in dates)])
        row = ",".join([VIN, vehicle_model.code, *dates.values()])
        assert _import_errors(admin_user, header, row) == [(import_column, message)]
    assert not Vehicle.objects.exists()


def test_an_edit_that_puts_the_sale_before_the_production_is_refused(make_customer, make_vehicle, dealer_a,
                                                                      admin_user):
    vehicle = make_vehicle(make_customer(dealer_a), production_date=date(2024, 12, 1))
    response = _api(admin_user).patch(f"/api/customers/vehicles/{vehicle.pk}/",
                                      {"production_date": "2025-02-01", "version": vehicle.version}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["sale_date"] == [SALE_BEFORE_PRODUCTION]
    assert Vehicle.objects.get(pk=vehicle.pk).production_date == date(2024, 12, 1)


def test_a_first_visit_in_the_future_is_refused(dealer_a, region, admin_user):
    response = _api(admin_user).post("/api/customers/customers/", {
        "name": "孙八", "owning_dealer": dealer_a.pk, "phone_numbers": ["13612345678"],
        "first_visit_at": (timezone.now() + timedelta(days=3)).isoformat()}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["first_visit_at"] == [FUTURE]
    assert not Customer.objects.exists()


def test_warranty_counts_only_from_valid_dates(make_customer, make_vehicle, dealer_a):
    """Rows older than the checks may hold impossible dates: they never move the 三包 start."""
    vehicle = make_vehicle(make_customer(dealer_a))          # sold 2025-01-10, invoiced 01-10, delivered 01-15
    assert vehicle.warranty_start == date(2025, 1, 15)
    Vehicle.objects.filter(pk=vehicle.pk).update(delivery_date=date(2099, 1, 1))
    assert Vehicle.objects.get(pk=vehicle.pk).warranty_start == date(2025, 1, 10)   # the invoice date
    Vehicle.objects.filter(pk=vehicle.pk).update(delivery_date=date(2024, 12, 1), invoice_date=None)
    assert Vehicle.objects.get(pk=vehicle.pk).warranty_start == date(2025, 1, 10)   # the sale date
    Vehicle.objects.filter(pk=vehicle.pk).update(production_date=date(2025, 3, 1), delivery_date=None)
    assert Vehicle.objects.get(pk=vehicle.pk).warranty_start is None                # sold before it was built
