"""Odometer replacement (issue 7 item 9) and import rough edges (issue 8 item 9); R-CUS-2, R-CUS-7.

After an odometer replacement a reading is compared with the latest reading of the new odometer,
not with the highest ever; the replacement needs a reason and is audited.  The vehicle template's
example row imports on the demo's codes, and the error report downloads as ``<file>-errors.csv``.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.core.imports import services as imports
from aftersales.core.imports.registry import get_importer
from aftersales.core.models import AuditEvent
from aftersales.customers import services
from aftersales.customers.models import MileageReading, Vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def worn_vehicle(make_customer, make_vehicle, dealer_a, admin_user):
    vehicle = make_vehicle(make_customer(dealer_a))
    services.record_mileage(actor=admin_user, vehicle=vehicle, reading_km=48_000, read_on=date(2025, 6, 1))
    return vehicle


def test_after_a_replacement_readings_compare_with_the_new_odometer(worn_vehicle, admin_user):
    services.record_mileage(actor=admin_user, vehicle=worn_vehicle, reading_km=12, read_on=date(2025, 7, 1),
                            source="odometer", reason="仪表总成故障更换")
    # 1,500 km is below the highest ever (48,000) but above the new odometer's latest: no reason asked
    services.record_mileage(actor=admin_user, vehicle=worn_vehicle, reading_km=1_500, read_on=date(2025, 8, 1))
    assert Vehicle.objects.get(pk=worn_vehicle.pk).current_mileage == 1_500
    with pytest.raises(ValidationError) as exc:
        services.record_mileage(actor=admin_user, vehicle=worn_vehicle, reading_km=900, read_on=date(2025, 9, 1))
    assert "1500" in str(exc.value.message_dict["reading_km"])       # compared with the latest, not 48,000
    assert MileageReading.objects.filter(vehicle=worn_vehicle).count() == 3


def test_a_replacement_needs_a_reason_and_is_audited(worn_vehicle, admin_user):
    with pytest.raises(ValidationError) as exc:
        services.record_mileage(actor=admin_user, vehicle=worn_vehicle, reading_km=0, read_on=date(2025, 7, 1),
                                source="odometer")
    assert "reason" in exc.value.message_dict
    assert Vehicle.objects.get(pk=worn_vehicle.pk).current_mileage == 48_000
    services.record_mileage(actor=admin_user, vehicle=worn_vehicle, reading_km=0, read_on=date(2025, 7, 1),
                            source="odometer", reason="事故维修更换仪表")
    event = AuditEvent.objects.get(action="customers.vehicle.odometer_replaced", vehicle_id=worn_vehicle.pk)
    assert event.note == "事故维修更换仪表"
    assert event.changes["current_mileage"] == [48_000, 0]


def test_without_a_replacement_a_lower_reading_still_needs_a_reason(worn_vehicle, admin_user):
    with pytest.raises(ValidationError):
        services.record_mileage(actor=admin_user, vehicle=worn_vehicle, reading_km=47_000, read_on=date(2025, 7, 1))


def test_replacement_through_the_api_and_the_page(worn_vehicle, admin_user, client):
    api = APIClient()
    api.force_authenticate(admin_user)
    url = f"/api/customers/vehicles/{worn_vehicle.pk}/mileage/"
    response = api.post(url, {"reading_km": 5, "read_on": "2025-07-01", "source": "odometer"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = api.post(url, {"reading_km": 5, "read_on": "2025-07-01", "source": "odometer",
                              "reason": "仪表更换"}, format="json")
    assert response.status_code == 201
    client.force_login(admin_user)
    response = client.post(reverse("customers:vehicle_mileage", args=[worn_vehicle.pk]),
                           {"reading_km": 800, "read_on": "2025-08-01", "source": "reception"})
    assert response.status_code in (200, 302)
    assert Vehicle.objects.get(pk=worn_vehicle.pk).current_mileage == 800
    page = client.get(reverse("customers:vehicle_detail", args=[worn_vehicle.pk])).content.decode()
    assert "里程表更换" in page


# --- import rough edges -------------------------------------------------------------------------

def test_the_vehicle_templates_example_row_imports_on_the_demos_codes(admin_user, dealer_a, region):
    """The template's example uses the demo's model (XM-E1) and store (D1001) codes."""
    from aftersales.org.models import Organisation

    Organisation.objects.create(code="D1001", name="朝阳汇通4S店", kind="dealer", region=region)
    services.vehicle_model_create(actor=admin_user, data={"code": "XM-E1", "name": "小蚂蚁 E1"},
                                  policy={"vehicle_months": 36, "vehicle_km": 60000})
    importer = get_importer("vehicles")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([c.header for c in importer.columns])
    writer.writerows(importer.template_rows())
    job = imports.import_start(actor=admin_user, kind="vehicles", file=io.BytesIO(buf.getvalue().encode()),
                               filename="vehicles.csv", enqueue=False)
    job = imports.run_validation(job.pk)
    assert job.error_rows == 0, job.result["first_errors"]


def test_the_error_report_downloads_as_the_files_name_with_errors(admin_user, dealer_a, client):
    csv_bytes = ("客户编号,客户类型,姓名,手机,所属经销商代码\n"
                 f",个人,,13612345678,{dealer_a.code}\n").encode()
    job = imports.import_start(actor=admin_user, kind="customers", file=io.BytesIO(csv_bytes),
                               filename="客户导入.csv", enqueue=False)
    imports.run_validation(job.pk)
    client.force_login(admin_user)
    response = client.get(f"/imports/{job.pk}/errors/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "-errors.csv" in disposition and ("%E5%AE%A2%E6%88%B7%E5%AF%BC%E5%85%A5-errors.csv" in disposition
                                             or "客户导入-errors.csv" in disposition)


def test_page_import_and_api_share_one_customer_number_series(make_user, dealer_a, region, client):
    """Issue 8 item 9, R-CUS-7: a customer created on the page, two imported, one from the API —
    consecutive numbers of store T-DA's series for the day (ADR 0009)."""
    from django.utils import timezone

    from aftersales.core.imports.models import ImportJob
    from aftersales.customers.models import Customer

    day = timezone.localdate().strftime("%Y%m%d")
    user = make_user("dealer", dealer_a)
    client.force_login(user)
    response = client.post(reverse("customers:customer_add"), {
        "kind": "person", "name": "页面客户", "owning_dealer": dealer_a.pk, "region": region.pk,
        "source": "walk_in", "phone": "13600000001", "address_detail": "望京街 9 号"})
    assert response.status_code == 302
    rows = ("客户编号,客户类型,姓名,手机,所属经销商代码\n"
            ",个人,导入一,13600000002,T-DA\n,公司,导入二,010-62345678,T-DA\n")
    job = imports.import_start(actor=user, kind="customers", file=io.BytesIO(rows.encode()), filename="c.csv",
                               enqueue=False)
    job = imports.run_validation(job.pk)
    imports.import_apply(actor=user, job=job, mode="all", enqueue=False)
    assert imports.run_apply(job.pk).status == ImportJob.Status.DONE
    api = APIClient()
    api.force_authenticate(user)
    assert api.post("/api/customers/customers/", {"name": "接口客户", "owning_dealer": dealer_a.pk,
                                                  "phone_numbers": ["13600000003"]}, format="json").status_code == 201
    codes = dict(Customer.objects.values_list("name", "code"))
    assert codes == {"页面客户": f"C-T-DA-{day}-0001", "导入一": f"C-T-DA-{day}-0002",
                     "导入二": f"C-T-DA-{day}-0003", "接口客户": f"C-T-DA-{day}-0004"}
