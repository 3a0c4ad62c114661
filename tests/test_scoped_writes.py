"""Writes are scoped (issue 7 item 2, R-SYS-2, ADR 0012): every reference a user sets — in forms,
the API, imports — is checked against that user's scope in the service, and no error tells a
dealer anything about another dealer's rows.

World (``aftersales.org.testing``): ``dealer`` works at dealer A (T-A), ``dealer_b`` at dealer B
(T-B); ``admin`` is head office.  Expected outcomes are written out here, never asked of the code.
"""

from __future__ import annotations

import io

import pytest
from rest_framework.authtoken.models import Token

from aftersales.core.exceptions import OutOfScopeError
from aftersales.core.imports import services as imports
from aftersales.core.imports.models import ImportJob
from aftersales.core.models import AuditEvent
from aftersales.core.validators import vin_check_digit
from aftersales.customers import services
from aftersales.customers.models import Customer, CustomerDocument, Vehicle, VehicleModel

pytestmark = pytest.mark.django_db

HEADER = "客户编号,客户类型,姓名,手机,其他电话,省,市,区,详细地址,负责人,所属经销商代码,来源,标签,备注\n"
VEH_HEADER = "车架号VIN,车牌号,车型代码,颜色,生产日期,生产批次,销售经销商代码,销售日期,开票日期,车主手机,客户编号,里程\n"
B_MOBILE, A_MOBILE = "13911110000", "13822220000"


def _vin(n: int) -> str:
    body = f"LHARN{n:04d}S0{n:06d}"[:17]
    body = body[:8] + "0" + body[9:]
    return body[:8] + vin_check_digit(body) + body[9:]


@pytest.fixture
def stores(world, settings, tmp_path):
    """One customer at each dealer, made by head office through the service."""
    settings.MEDIA_ROOT = tmp_path
    admin = world.user("admin")
    world.cust_a = services.customer_create(actor=admin, data={"name": "甲店客户", "owning_dealer": world.dealer_a},
                                            phones=[A_MOBILE])
    world.cust_b = services.customer_create(actor=admin, data={"name": "乙店客户", "owning_dealer": world.dealer_b},
                                            phones=[B_MOBILE])
    world.model = VehicleModel.objects.create(code="EV500", name="EV500")
    return world


def _check(user, text: str, kind: str = "customers") -> ImportJob:
    job = imports.import_start(actor=user, kind=kind, file=io.BytesIO(text.encode()), filename=f"{kind}.csv",
                               enqueue=False)
    return imports.run_validation(job.pk)


def _apply_valid(user, job: ImportJob) -> ImportJob:
    imports.import_apply(actor=user, job=job, mode="valid_only", enqueue=False)
    return imports.run_apply(job.pk)


def _errors(job: ImportJob) -> dict:
    return {(e["row"], e["column"]): e["reason"] for e in job.result["first_errors"]}


# --- the customer import ---------------------------------------------------------------------

def test_takeover_csv_is_refused_and_dealer2_keeps_its_customer(stores):
    """As ``dealer``: a row with dealer B's customer number and dealer A's code would have moved the
    customer to A (today it does, silently).  Refused per row, with an audit event of the attempt on
    that customer; the other row of the file still imports."""
    world = stores
    code_b = world.cust_b.code
    job = _check(world.user("dealer"), HEADER + f"{code_b},个人,抢来的客户,13700000001,,,,,,,T-A,,,\n"
                                               ",个人,新客户,13700000002,,,,,,,T-A,,,\n")
    errors = _errors(job)
    assert set(errors) == {(2, "客户编号")}
    assert errors[(2, "客户编号")] == "您的客户中没有这个编号。要新增客户，请留空客户编号（会自动编号）。"
    # the reason names nothing of the other store (the value column echoes the user's own cell)
    assert all(code_b not in e["reason"] and "乙店" not in e["reason"] for e in job.result["first_errors"])
    attempt = AuditEvent.objects.get(action="customers.customer.import_refused")
    assert attempt.customer_id == world.cust_b.pk and attempt.actor == world.user("dealer")
    assert attempt.changes == {"owning_dealer": [world.dealer_b.pk, world.dealer_a.pk]}

    assert _apply_valid(world.user("dealer"), job).status == ImportJob.Status.DONE
    kept = Customer.objects.get(pk=world.cust_b.pk)
    assert (kept.owning_dealer_id, kept.name) == (world.dealer_b.pk, "乙店客户")
    assert Customer.objects.filter(name="新客户", owning_dealer=world.dealer_a).count() == 1


def test_a_number_not_yours_reads_the_same_whether_or_not_it_exists(stores):
    world = stores
    job = _check(world.user("dealer"), HEADER + f"{world.cust_b.code},个人,甲,13700000001,,,,,,,T-A,,,\n"
                                               "C-NOWHERE-1,个人,乙,13700000002,,,,,,,T-A,,,\n")
    errors = _errors(job)
    assert errors[(2, "客户编号")] == errors[(3, "客户编号")]


def test_own_customer_is_updated_by_number(stores):
    world = stores
    job = _check(world.user("dealer"), HEADER + f"{world.cust_a.code},个人,甲店客户改名,{A_MOBILE},,,,,,,T-A,,,\n")
    assert job.error_rows == 0, job.result
    assert _apply_valid(world.user("dealer"), job).status == ImportJob.Status.DONE
    assert Customer.objects.get(pk=world.cust_a.pk).name == "甲店客户改名"


def test_head_office_import_never_moves_a_customer_to_another_dealer(stores):
    world = stores
    job = _check(world.user("admin"), HEADER + f"{world.cust_b.code},个人,乙店客户,{B_MOBILE},,,,,,,T-A,,,\n")
    assert set(_errors(job)) == {(2, "所属经销商代码")}
    assert AuditEvent.objects.filter(action="customers.customer.import_refused", customer_id=world.cust_b.pk).exists()
    assert Customer.objects.get(pk=world.cust_b.pk).owning_dealer_id == world.dealer_b.pk


def test_another_dealers_code_is_refused(stores):
    """The import's dealer check: a dealer may file customers only under its own store."""
    world = stores
    job = _check(world.user("dealer"), HEADER + ",个人,转移客户,13700000003,,,,,,,T-B,,,\n")
    assert set(_errors(job)) == {(2, "所属经销商代码")}
    assert job.valid_rows == 0
    assert not Customer.objects.filter(name="转移客户").exists()


def test_mobile_of_another_store_is_neither_taken_nor_named(stores):
    """Today the dry run says "该手机号码已属于客户 C…" for any store's customer."""
    world = stores
    job = _check(world.user("dealer"), HEADER + f",个人,同号客户,{B_MOBILE},,,,,,,T-A,,,\n"
                                               f",个人,本店同号,{A_MOBILE},,,,,,,T-A,,,\n")
    errors = _errors(job)
    assert (2, "手机") not in errors
    assert world.cust_a.code in errors[(3, "手机")]  # one's own customer may be named
    assert all(world.cust_b.code not in e["reason"] for e in job.result["first_errors"])


# --- the vehicle import ----------------------------------------------------------------------

def test_vehicle_import_attaches_cars_only_to_owners_in_scope(stores):
    world = stores
    job = _check(world.user("dealer"), VEH_HEADER + "".join([
        f"{_vin(1)},,EV500,,,,T-A,,,,{world.cust_b.code},\n",   # another store's customer by number
        f"{_vin(2)},,EV500,,,,T-A,,,{B_MOBILE},,\n",            # … and by mobile
        f"{_vin(3)},,EV500,,,,,,,{A_MOBILE},,\n",               # blank dealer code
        f"{_vin(4)},,EV500,,,,T-A,,,{A_MOBILE},,\n",            # fine
    ]), kind="vehicles")
    errors = _errors(job)
    assert set(errors) == {(2, "客户编号"), (3, "车主手机"), (4, "销售经销商代码")}
    assert errors[(2, "客户编号")] == "您的客户中没有这个编号。"
    assert _apply_valid(world.user("dealer"), job).status == ImportJob.Status.DONE
    assert list(Vehicle.objects.values_list("vin", "owner_id", "selling_dealer_id")) == [
        (_vin(4), world.cust_a.pk, world.dealer_a.pk)]
    assert not Vehicle.objects.restrict(world.user("dealer_b")).exists()


# --- documents, customers and vehicles through services and the API ---------------------------

def test_document_organisation_injection_is_refused_by_api_and_service(stores):
    world = stores
    token = Token.objects.create(user=world.user("dealer")).key
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    resp = api.post("/api/customers/documents/", {"customer": world.cust_a.pk, "kind": "invoice", "title": "发票",
                                                  "organisation": world.dealer_b.pk}, format="json")
    assert resp.status_code == 400 and "organisation" in resp.json()["fields"]
    assert not CustomerDocument.objects.exists()

    with pytest.raises(OutOfScopeError) as exc:
        services.document_create(actor=world.user("dealer"), data={
            "customer": world.cust_a, "kind": "invoice", "title": "发票", "organisation": world.dealer_b})
    assert (exc.value.code, exc.value.field) == ("out_of_scope", "organisation")
    assert not CustomerDocument.objects.exists()
    # without an organisation the document is the dealer's own
    doc = services.document_create(actor=world.user("dealer"), data={"customer": world.cust_a, "kind": "invoice",
                                                                     "title": "发票"})
    assert doc.organisation_id == world.dealer_a.pk


def test_services_refuse_references_outside_scope(stores):
    world = stores
    dealer = world.user("dealer")
    with pytest.raises(OutOfScopeError) as exc:
        services.customer_create(actor=dealer, data={"name": "越界", "owning_dealer": world.dealer_b},
                                 phones=["13700000009"])
    assert exc.value.field == "owning_dealer"
    with pytest.raises(OutOfScopeError):
        services.customer_update(world.cust_a, actor=dealer, data={"owning_dealer": world.dealer_b},
                                 expected_version=world.cust_a.version)
    with pytest.raises(OutOfScopeError) as exc:
        services.vehicle_create(actor=dealer, data={"vin": _vin(7), "vehicle_model": world.model,
                                                    "selling_dealer": world.dealer_a, "owner": world.cust_b})
    assert exc.value.field == "owner"
    car = services.vehicle_create(actor=dealer, data={"vin": _vin(8), "vehicle_model": world.model,
                                                      "selling_dealer": world.dealer_a, "owner": world.cust_a})
    with pytest.raises(OutOfScopeError) as exc:
        services.change_owner(actor=dealer, vehicle=car, new_owner=world.cust_b, reason="过户")
    assert exc.value.field == "new_owner"
    assert Vehicle.objects.get(pk=car.pk).owner_id == world.cust_a.pk
    assert Customer.objects.get(pk=world.cust_a.pk).owning_dealer_id == world.dealer_a.pk
    assert Customer.objects.filter(name="越界").count() == 0


def test_an_edit_is_checked_for_what_it_changes(stores):
    """A car sold by dealer B and serviced by dealer A stays editable by A (its selling dealer is
    not A's, but the edit does not set it)."""
    world = stores
    car = services.vehicle_create(actor=world.user("admin"), data={
        "vin": _vin(9), "vehicle_model": world.model, "selling_dealer": world.dealer_b,
        "servicing_dealer": world.dealer_a, "owner": world.cust_a})
    car = services.vehicle_update(car, actor=world.user("dealer"), data={"colour": "白色",
                                                                          "selling_dealer": world.dealer_b},
                                  expected_version=car.version)
    assert car.colour == "白色"


def test_api_customer_with_another_dealer_is_400_with_a_field_error(stores):
    world = stores
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.user("dealer"))
    resp = api.post("/api/customers/customers/", {"name": "越界", "owning_dealer": world.dealer_b.pk,
                                                  "phones": ["13700000009"]}, format="json")
    assert resp.status_code == 400 and "owning_dealer" in resp.json()["fields"]
    assert not Customer.objects.filter(name="越界").exists()


# --- what a dealer sees on the pages ----------------------------------------------------------

def test_dealer_takeover_csv_through_the_import_page(stores, client, django_capture_on_commit_callbacks):
    """The demo's "Shows": as ``dealer``, the takeover file is refused on the check page with a
    clear Chinese message, and ``dealer_b`` still owns its customer."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    world = stores
    client.force_login(world.user("dealer"))
    body = (HEADER + f"{world.cust_b.code},个人,抢来的客户,13700000001,,,,,,,T-A,,,\n").encode()
    with django_capture_on_commit_callbacks(execute=False):
        resp = client.post("/imports/new/", {"kind": "customers",
                                              "file": SimpleUploadedFile("c.csv", body, content_type="text/csv")})
    assert resp.status_code == 302
    job = ImportJob.objects.get()
    imports.run_validation(job.pk)  # what the worker does
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "您的客户中没有这个编号" in page and "乙店客户" not in page
    client.post(f"/imports/{job.pk}/apply/", {"mode": "valid_only"})
    assert Customer.objects.get(pk=world.cust_b.pk).owning_dealer_id == world.dealer_b.pk
    client.force_login(world.user("dealer_b"))
    assert client.get(world.cust_b.get_absolute_url()).status_code == 200


def test_files_and_grants_stay_inside_the_scope(stores):
    from django.core.files.base import ContentFile

    from aftersales.core.attachments.services import attach

    world = stores
    doc_b = services.document_create(actor=world.user("dealer_b"), data={"customer": world.cust_b, "kind": "invoice",
                                                                         "title": "乙店发票"})
    pdf = ContentFile(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", name="scan.pdf")
    with pytest.raises(OutOfScopeError) as exc:
        attach(actor=world.user("dealer"), parent=doc_b, file=pdf, kind="scan")
    assert exc.value.field == "parent" and not doc_b.attachments.exists()
    car = services.vehicle_create(actor=world.user("admin"), data={"vin": _vin(11), "vehicle_model": world.model,
                                                                   "selling_dealer": world.dealer_b,
                                                                   "owner": world.cust_b})
    with pytest.raises(OutOfScopeError):  # a dealer opens a car to its own store, never to another
        services.receive_vehicle(actor=world.user("dealer_b"), vehicle=car, organisation=world.dealer_a, reason="接车")
    assert not Vehicle.objects.restrict(world.user("dealer")).filter(pk=car.pk).exists()


def test_an_id_column_set_directly_is_checked_too(stores):
    from aftersales.core import services as core_services

    world = stores
    with pytest.raises(OutOfScopeError) as exc:
        core_services.create_object(CustomerDocument, actor=world.user("dealer"), data={
            "customer_id": world.cust_a.pk, "kind": "invoice", "title": "发票", "organisation_id": world.dealer_b.pk})
    assert exc.value.field == "organisation_id"
    assert not CustomerDocument.objects.exists()
