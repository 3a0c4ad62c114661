"""Hostile input gets 400 and changes nothing (issue 7 item 8, ADR 0017; R-SYS-3, R-CUS-2, R-CUS-7).

Page numbers and sizes in the address, JSON nested deeper than any resource, a mileage no column
(or odometer) holds, invisible-only names and decompression-bomb spreadsheets: each is refused
with a translated reason — a 400 page, a JSON error naming the field, an error beside the form
field or a row / file error of the import — and nothing is written.
"""

from __future__ import annotations

import html
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook
from rest_framework.test import APIClient

from aftersales.core.imports import services as imports
from aftersales.core.imports.models import ImportJob
from aftersales.customers import services
from aftersales.customers.models import Customer, MileageReading, Vehicle

pytestmark = pytest.mark.django_db

PAGE_WORD = "必须是 1 到"


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _text(response) -> str:
    return html.unescape(response.content.decode())


# --- page numbers --------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["page=99999999999999999999", "per_page=-1", "page=0", "page=-3", "page=abc",
                                   "per_page=0", "page=١٢"])
@pytest.mark.parametrize("url_name", ["customers:customer_list", "customers:vehicle_list"])
def test_list_pages_answer_400_with_the_reason_for_a_bad_page_parameter(query, url_name, make_customer, dealer_a,
                                                                         admin_user, client):
    make_customer(dealer_a)
    client.force_login(admin_user)
    response = client.get(f"{reverse(url_name)}?{query}")
    assert response.status_code == 400
    body = _text(response)
    assert "请求无法识别" in body or "无法理解" in body or "400" in body
    assert PAGE_WORD in body, body[:500]


def test_hand_paged_pages_refuse_an_absurd_page_too(admin_user, client):
    client.force_login(admin_user)
    assert client.get("/notifications/?page=99999999999999999999").status_code == 400
    assert client.get("/notifications/?page=2").status_code == 200  # past the end: the last page, as before


def test_a_sane_page_past_the_end_still_shows_the_list(make_customer, dealer_a, admin_user, client):
    make_customer(dealer_a)
    client.force_login(admin_user)
    assert client.get(reverse("customers:customer_list") + "?page=7&per_page=500").status_code == 200


@pytest.mark.parametrize(("query", "field"), [("page=99999999999999999999", "page"), ("page_size=-1", "page_size"),
                                              ("page=0", "page"), ("page_size=x", "page_size")])
def test_api_lists_answer_400_naming_the_parameter(query, field, make_customer, dealer_a, admin_user):
    make_customer(dealer_a)
    response = _api(admin_user).get(f"/api/customers/customers/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and PAGE_WORD in body["fields"][field][0]


def test_api_page_size_above_the_maximum_is_served_at_the_maximum(make_customer, dealer_a, admin_user):
    make_customer(dealer_a)
    response = _api(admin_user).get("/api/customers/customers/?page_size=100000")
    assert response.status_code == 200 and len(response.json()["results"]) == 1


# --- JSON bodies --------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [25, 5000, 200_000])
def test_deeply_nested_json_is_a_400_and_nothing_is_created(depth, dealer_a, admin_user):
    nested = "[" * depth + "]" * depth
    body = f'{{"name": "张三", "owning_dealer": {dealer_a.pk}, "notes": {nested}}}'
    response = _api(admin_user).post("/api/customers/customers/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套过深" in response.json()["detail"]
    assert not Customer.objects.exists()


# --- integers no column (or odometer) holds ----------------------------------------------

MILEAGE_MESSAGE = "里程表读数不会超过 2,000,000 公里，请核对数字。"


@pytest.mark.parametrize("km", [2_147_483_648, 9_223_372_036_854_775_808, 2_000_001])
def test_mileage_beyond_any_odometer_refused_by_api_and_form_alike(km, make_customer, make_vehicle, dealer_a,
                                                                    admin_user, client):
    vehicle = make_vehicle(make_customer(dealer_a))
    response = _api(admin_user).post(f"/api/customers/vehicles/{vehicle.pk}/mileage/", {"reading_km": km},
                                     format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["reading_km"] == [MILEAGE_MESSAGE]
    client.force_login(admin_user)
    response = client.post(reverse("customers:vehicle_mileage", args=[vehicle.pk]),
                           {"reading_km": km, "source": "reception"})
    assert MILEAGE_MESSAGE in _text(response)
    assert not MileageReading.objects.filter(reading_km__gt=2_000_000).exists()
    assert Vehicle.objects.get(pk=vehicle.pk).current_mileage == 0


def test_mileage_on_a_new_vehicle_refused_by_the_form(vehicle_model, admin_user, client):
    client.force_login(admin_user)
    response = client.post(reverse("customers:vehicle_add"), {
        "vin": "LSJA24U62JG269225", "vehicle_model": vehicle_model.pk, "current_mileage": 2_147_483_648})
    assert response.status_code == 400 and MILEAGE_MESSAGE in _text(response)
    assert not Vehicle.objects.exists()


def test_mileage_beyond_any_odometer_is_a_row_error_of_the_vehicle_import(vehicle_model, admin_user):
    csv = ("车架号VIN,车型代码,里程\n"
           f"LSJA24U62JG269225,{vehicle_model.code},2147483648\n").encode()
    job = imports.run_validation(imports.import_start(actor=admin_user, kind="vehicles", file=io.BytesIO(csv),
                                                      filename="vehicles.csv", enqueue=False).pk)
    assert [(e["column"], e["reason"]) for e in job.result["first_errors"]] == [("里程", MILEAGE_MESSAGE)]


def test_any_integer_column_keeps_the_portable_range(admin_user):
    """A model's integer beyond 32 bits is a field error on SQLite as on PostgreSQL."""
    with pytest.raises(Exception) as exc:
        services.vehicle_model_create(actor=admin_user, data={"code": "T-BIG", "name": "大数"},
                                      policy={"vehicle_months": 2_147_483_648, "vehicle_km": 60000})
    assert "32767" in str(exc.value)   # a small-integer column: at most 32,767 months, SQLite or not


# --- invisible characters -----------------------------------------------------------------

ZERO_WIDTH = "\u200b\u200b\u200d\ufeff"


def test_a_name_of_only_zero_width_spaces_is_a_missing_name_everywhere(dealer_a, region, admin_user, client):
    client.force_login(admin_user)
    response = client.post(reverse("customers:customer_add"), {
        "kind": "person", "name": ZERO_WIDTH, "owning_dealer": dealer_a.pk, "region": region.pk,
        "source": "walk_in", "phone": "13612345678", "address_detail": "望京街 9 号"})
    assert response.status_code == 400
    assert 'data-testid="error-name">该字段是必填项。' in _text(response)     # as for an empty name
    response = _api(admin_user).post("/api/customers/customers/", {
        "name": ZERO_WIDTH, "owning_dealer": dealer_a.pk, "phone_numbers": ["13612345678"]}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["name"] == ["该字段不能为空。"]                 # as for "name": ""
    csv = ("客户编号,客户类型,姓名,手机,所属经销商代码\n"
           f",个人,{ZERO_WIDTH},13612345678,{dealer_a.code}\n").encode()
    job = imports.run_validation(imports.import_start(actor=admin_user, kind="customers", file=io.BytesIO(csv),
                                                      filename="customers.csv", enqueue=False).pk)
    assert [(e["column"], e["reason"]) for e in job.result["first_errors"]] == [("姓名", "必填；此单元格为空。")]
    assert not Customer.objects.exists()


def test_invisible_characters_inside_a_name_are_dropped_before_storing(make_customer, dealer_a):
    customer = make_customer(dealer_a, name="张\u200b三\ufeff")
    assert Customer.objects.get(pk=customer.pk).name == "张三"


# --- decompression bombs ------------------------------------------------------------------

def _bomb(unpacked_mb: int) -> bytes:
    """A real workbook whose sheet XML is padded with whitespace: tiny packed, huge unpacked."""
    wb = Workbook()
    wb.active.append(["客户编号", "客户类型", "姓名", "手机", "所属经销商代码"])
    src = io.BytesIO()
    wb.save(src)
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (unpacked_mb << 20))
            zout.writestr(item.filename, data)
    return out.getvalue()


def test_a_decompression_bomb_is_refused_at_the_upload_before_anything_is_stored(admin_user):
    bomb = _bomb(40)
    assert len(bomb) < 100_000
    with pytest.raises(imports.ServiceError) as exc:
        imports.import_start(actor=admin_user, kind="customers", file=io.BytesIO(bomb), filename="bomb.xlsx",
                             enqueue=False)
    assert "正常的表格不会如此" in str(exc.value.message) and exc.value.field == "file"
    assert not ImportJob.objects.exists()


def test_a_bomb_that_reaches_the_worker_fails_the_job_once_with_the_reason(admin_user, monkeypatch):
    monkeypatch.setattr(imports.start, "check_archive", lambda file: None)   # an upload from before the check
    job = imports.import_start(actor=admin_user, kind="customers", file=io.BytesIO(_bomb(40)),
                               filename="bomb.xlsx", enqueue=False)
    monkeypatch.undo()
    job = imports.run_validation(job.pk)
    assert job.status == ImportJob.Status.FAILED and job.attempts == 1
    assert "正常的表格不会如此" in job.message
    assert imports.resume_stale(enqueue=False) == []            # failed is final: no retries


def test_an_xlsx_over_the_unpacked_limit_is_refused(admin_user, settings):
    settings.AFTERSALES_IMPORT_MAX_UNPACKED_BYTES = 1 << 20
    with pytest.raises(imports.ServiceError) as exc:
        imports.import_start(actor=admin_user, kind="customers", file=io.BytesIO(_bomb(2)), filename="big.xlsx",
                             enqueue=False)
    assert "最多接受 1 MB" in str(exc.value.message)


def test_a_formula_hidden_behind_a_zero_width_space_is_still_refused_by_the_import(admin_user, dealer_a):
    """Issue 7 item 6: stripping invisible characters first means "\u200b=1+1" is seen as a formula."""
    csv = ("客户编号,客户类型,姓名,手机,所属经销商代码\n"
           f",个人,\u200b=1+1,13612345678,{dealer_a.code}\n").encode()
    job = imports.run_validation(imports.import_start(actor=admin_user, kind="customers", file=io.BytesIO(csv),
                                                      filename="customers.csv", enqueue=False).pk)
    assert job.error_rows == 1 and [e["column"] for e in job.result["first_errors"]] == ["姓名"]
    assert not Customer.objects.exists()
