"""Stricter identifiers reach the archive the same way by every door (issue 8 item 10).

R-CUS-1 / R-CUS-2 / R-CUS-7: the page form, the API and the import refuse the same input with the
same message, and accepted input is stored normalised (ASCII digits, extension kept apart).
"""

from __future__ import annotations

import html
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.core.imports import services as imports
from aftersales.core.models import AuditEvent
from aftersales.customers import services
from aftersales.customers.models import Customer, CustomerPhone, Vehicle

pytestmark = pytest.mark.django_db

# 99 is no GB/T 2260 province; the check character (3) is right for these 17 digits (GB 11643).
BAD_PROVINCE_ID = "990105194912310023"
PROVINCE_MESSAGE = "证件号码前两位是省份代码（如北京 11、广东 44），“99”不是有效的省份代码。"
HEADER = "客户编号,客户类型,姓名,手机,其他电话,证件号码,所属经销商代码\n"


def _import(user, rows: str):
    job = imports.import_start(actor=user, kind="customers", file=io.BytesIO((HEADER + rows).encode()),
                               filename="customers.csv", enqueue=False)
    return imports.run_validation(job.pk)


def test_bad_province_id_refused_with_one_message_by_form_api_and_import(make_user, dealer_a, region, client,
                                                                       admin_user):
    # form
    client.force_login(make_user("dealer", dealer_a))
    response = client.post(reverse("customers:customer_add"), {
        "kind": "person", "name": "孙八", "owning_dealer": dealer_a.pk, "region": region.pk, "source": "walk_in",
        "phone": "13612345678", "resident_id": BAD_PROVINCE_ID, "address_detail": "望京街 9 号"})
    assert response.status_code == 400
    assert PROVINCE_MESSAGE in html.unescape(response.content.decode())
    # API
    api = APIClient()
    api.force_authenticate(make_user("dealer", dealer_a))
    response = api.post("/api/customers/customers/", {"name": "孙八", "owning_dealer": dealer_a.pk,
                                                      "phone_numbers": ["13612345678"],
                                                      "resident_id": BAD_PROVINCE_ID}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["resident_id"] == [PROVINCE_MESSAGE]
    # import
    job = _import(admin_user, f",个人,孙八,13612345678,,{BAD_PROVINCE_ID},{dealer_a.code}\n")
    assert [e["reason"] for e in job.result["first_errors"]] == [PROVINCE_MESSAGE]
    assert not Customer.objects.exists()


def test_service_prefix_as_area_code_refused_alike_on_form_and_import(make_user, dealer_a, region, client,
                                                                    admin_user):
    message = "0400 不是区号。400 或 800 号码前面不加 0，例如 400-123-4567。"
    client.force_login(make_user("dealer", dealer_a))
    response = client.post(reverse("customers:customer_add"), {
        "kind": "company", "name": "顺丰", "owning_dealer": dealer_a.pk, "region": region.pk, "source": "walk_in",
        "phone": "0400-123-4567", "address_detail": "望京街 9 号"})
    assert response.status_code == 400 and message in html.unescape(response.content.decode())
    job = _import(admin_user, f",个人,孙八,13612345678,0400-123-4567,,{dealer_a.code}\n")
    assert [e["reason"] for e in job.result["first_errors"]] == [message]


def test_landline_extension_and_other_digits_are_stored_normalised(make_customer, dealer_a, admin_user):
    customer = make_customer(dealer_a, phone="١٣٨١٢٣٤٥٦٧٨")          # Arabic-Indic digits
    assert customer.primary_phone == "+8613812345678"
    phone = services.phone_add(actor=admin_user, customer=customer, number="0792-4308059-3")
    assert phone.number == "+867924308059;ext=3" and phone.kind == "landline"
    assert phone.digits_reversed == "9508034297"                       # the number, without the extension
    assert CustomerPhone.objects.filter(number__in=["+8679243080593", "+867924308059;ext=3"]).count() == 1
    mobile = services.phone_add(actor=admin_user, customer=customer, number=13912345678.0)  # a number cell
    assert mobile.number == "+8613912345678"


def test_import_mobile_with_trunk_zero_and_numeric_text(admin_user, dealer_a):
    job = _import(admin_user, f",个人,孙八,013612345678,0792-4308059-3,,{dealer_a.code}\n"
                              f",个人,李九,13712345678.0,,,{dealer_a.code}\n")
    assert job.error_rows == 0, job.result
    imports.import_apply(actor=admin_user, job=job, mode="all", enqueue=False)
    imports.run_apply(job.pk)
    assert set(CustomerPhone.objects.values_list("number", flat=True)) == {
        "+8613612345678", "+867924308059;ext=3", "+8613712345678"}


def test_vin_with_a_non_year_code_needs_the_audited_override(make_customer, make_vehicle, dealer_a):
    """R-CUS-2: position 10 = U is refused; with an override reason it is kept and audited."""
    owner = make_customer(dealer_a)
    vin = "LSJA24U67UG269225"   # check digit 7 is right for this VIN (GB 16735 annex A), U is no year
    with pytest.raises(Exception) as exc:
        make_vehicle(owner, vin=vin)
    assert "第 10 位" in str(exc.value)
    vehicle = make_vehicle(owner, vin=vin, vin_override_reason="平行进口车，原厂 VIN")
    assert Vehicle.objects.get(pk=vehicle.pk).vin == vin
    assert AuditEvent.objects.filter(action="customers.vehicle.vin_override", vehicle_id=vehicle.pk).exists()
