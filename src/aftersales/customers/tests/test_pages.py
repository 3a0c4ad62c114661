"""Pages: forms keep typed values with errors beside fields, 360 runs fixed queries, R-CUS-3 lists."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales.core.models import AuditEvent
from aftersales.core.registry import work_items_for
from aftersales.customers import services
from aftersales.customers.models import Customer

pytestmark = pytest.mark.django_db


def test_customer_create_form_keeps_values_and_shows_phone_error(make_user, dealer_a, region, client):
    client.force_login(make_user("dealer", dealer_a))
    url = reverse("customers:customer_add")
    assert client.get(url).status_code == 200
    data = {"kind": "person", "name": "孙八", "owning_dealer": dealer_a.pk, "region": region.pk, "source": "walk_in",
            "phone": "12345", "address_detail": "望京街 9 号"}
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-phone"' in html
    assert 'value="孙八"' in html and 'value="望京街 9 号"' in html
    assert not Customer.objects.exists()
    response = client.post(url, {**data, "phone": "13612345678"})
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert customer.primary_phone == "+8613612345678" and customer.addresses.count() == 1


def test_vehicle_form_bad_vin_error_beside_field(make_user, dealer_a, vehicle_model, client):
    client.force_login(make_user("dealer", dealer_a))
    response = client.post(reverse("customers:vehicle_add"), {"vin": "LSJA24U63JG269225", "plate": "京A12345",
                                                              "vehicle_model": vehicle_model.pk, "current_mileage": 0})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-vin"' in html and 'value="LSJA24U63JG269225"' in html


def test_vehicle_page_mileage_form_refuses_lower_reading(make_customer, make_vehicle, make_user, dealer_a, client,
                                                          admin_user):
    vehicle = make_vehicle(make_customer(dealer_a))
    services.record_mileage(actor=admin_user, vehicle=vehicle, reading_km=9000)
    client.force_login(make_user("dealer", dealer_a))
    assert client.get(vehicle.get_absolute_url()).status_code == 200
    response = client.post(reverse("customers:vehicle_mileage", args=[vehicle.pk]),
                           {"reading_km": 100, "source": "reception"})
    assert response.status_code == 400 and 'data-testid="error-reading_km"' in response.content.decode()
    response = client.post(reverse("customers:vehicle_mileage", args=[vehicle.pk]),
                           {"reading_km": 100, "source": "reception", "reason": "仪表更换"})
    assert response.status_code == 302


def _customer_with(make_customer, make_vehicle, dealer, admin_user, *, vehicles: int, events: int):
    customer = make_customer(dealer)
    for _ in range(vehicles):
        make_vehicle(customer)
    for i in range(events):
        AuditEvent.objects.create(action="customers.customer.updated", customer_id=customer.pk,
                                  changes={"notes": [None, str(i)]})
    return customer


def test_customer_360_runs_fixed_number_of_queries(make_customer, make_vehicle, make_user, dealer_a, admin_user,
                                                   client):
    client.force_login(make_user("dealer", dealer_a))
    small = _customer_with(make_customer, make_vehicle, dealer_a, admin_user, vehicles=1, events=1)
    big = _customer_with(make_customer, make_vehicle, dealer_a, admin_user, vehicles=5, events=30)
    counts = []
    for customer in (small, big):
        client.get(customer.get_absolute_url())  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(customer.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 30


def test_incomplete_and_late_archives_list_and_work_item(make_customer, make_vehicle, make_user, dealer_a, dealer_b,
                                                         client):
    done = make_customer(dealer_a, name="完整")
    make_vehicle(done)
    fresh = make_customer(dealer_a, name="新客户", phone="13700000001")
    late = make_customer(dealer_a, name="逾期客户", phone="13700000002",
                         first_visit_at=timezone.now() - timedelta(days=3))
    make_customer(dealer_b, name="别家", phone="13700000003", first_visit_at=timezone.now() - timedelta(days=5))
    user = make_user("dealer", dealer_a)
    client.force_login(user)
    html = client.get(reverse("customers:incomplete_list")).content.decode()
    assert fresh.name in html and late.name in html and done.name not in html and "别家" not in html
    assert 'data-late="1"' in html and "table-danger" in html
    items = {i.key: i for i in work_items_for(user)}
    assert items["customers.archives_late"].count == 1 and items["customers.archives_late"].severity == "danger"
    assert items["customers.archives_incomplete"].count == 1


def test_list_pages_render(make_customer, make_vehicle, make_user, dealer_a, client, admin_user, vehicle_model):
    customer = make_customer(dealer_a)
    make_vehicle(customer)
    services.document_create(actor=admin_user, data={"customer": customer, "kind": "service_receipt",
                                                     "title": "首保结算单", "number": "RO-1", "content_text": "更换机油"})
    client.force_login(admin_user)
    for name in ("customer_list", "vehicle_list", "vehiclemodel_list", "document_list", "incomplete_list",
                 "customer_add", "vehicle_add", "document_add", "vehiclemodel_add"):
        assert client.get(reverse(f"customers:{name}")).status_code == 200, name
    html = client.get(reverse("customers:document_list"), {"q": "机油"}).content.decode()
    assert "首保结算单" in html and 'data-testid="document-summary"' in html
    assert client.get(vehicle_model.get_absolute_url()).status_code == 200
    assert client.get(reverse("customers:vehiclemodel_terms", args=[vehicle_model.pk])).status_code == 200
    response = client.get(reverse("customers:customer_export", args=[customer.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")


def test_list_offers_export_of_the_filtered_rows_only_to_exporters(client, django_user_model, dealer_a):
    from django.contrib.auth.models import Permission

    from aftersales.org.models import StaffProfile

    def user(name, perms):
        u = django_user_model.objects.create_user(username=name, password="x")
        StaffProfile.objects.create(user=u, organisation=dealer_a, employee_code=name, display_name=name)
        u.user_permissions.add(*Permission.objects.filter(codename__in=perms))
        return u

    client.force_login(user("exporter", ["view_customer", "export_customer"]))
    html = client.get("/customers/customers/?kind=person").content.decode()
    assert 'data-testid="export-csv"' in html and "kind=person&amp;format=csv" in html
    client.force_login(user("viewer", ["view_customer"]))
    assert 'data-testid="export-csv"' not in client.get("/customers/customers/").content.decode()


def test_returned_receipt_is_uploaded_searchable_and_counted(make_customer, make_user, dealer_a, dealer_b, client,
                                                             settings, tmp_path):
    """R-CUS-6: a receipt the customer returned is entered with its scan, found by its text, counted by kind."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.customers.models import CustomerDocument

    settings.MEDIA_ROOT = tmp_path
    customer = make_customer(dealer_a)
    client.force_login(make_user("dealer", dealer_a))
    scan = SimpleUploadedFile("结算单.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    response = client.post("/customers/documents/new/", {
        "customer": customer.pk, "kind": "service_receipt", "title": "首保结算单", "number": "JS-2026-0001",
        "document_date": "2026-05-03", "amount": "380.00", "content_text": "首保 更换机油滤芯", "file": scan,
    })
    assert response.status_code == 302, response.content.decode()[:500]
    document = CustomerDocument.objects.get(number="JS-2026-0001")
    scan_file = document.attachments.get()
    assert scan_file.file.read() == b"%PDF-1.4 receipt" and document.organisation == dealer_a
    listing = client.get("/customers/documents/", {"q": "机油滤芯"}).content.decode()
    assert "JS-2026-0001" in listing
    assert client.get("/customers/documents/", {"q": "刹车片"}).content.decode().count("JS-2026-0001") == 0
    scan_url = f"/files/{scan_file.pk}/"
    assert scan_url in client.get(document.get_absolute_url()).content.decode()
    assert b"".join(client.get(scan_url).streaming_content) == b"%PDF-1.4 receipt"
    latest_url = f"/customers/documents/{document.pk}/file/"
    assert b"".join(client.get(latest_url).streaming_content) == b"%PDF-1.4 receipt"
    client.force_login(make_user("dealer", dealer_b))
    assert client.get(scan_url).status_code == 404
    assert client.get(latest_url).status_code == 404


def test_an_address_edited_on_its_page_is_saved_and_the_page_returns_to_the_customer(make_customer, make_user,
                                                                                      dealer_a, client):
    """The edit saved, then answered 500: an address has no page of its own to go back to (found by
    the scope write walk, tests/test_scope_write_walk.py)."""
    customer = make_customer(dealer=dealer_a)
    address = customer.addresses.get()  # 建国路 88 号
    client.force_login(make_user("dealer", dealer_a))
    response = client.post(reverse("customers:address_edit", args=[address.pk]),
                           {"label": "家", "detail": "望京街 9 号", "version": address.version})
    assert response.status_code == 302 and response["Location"] == f"/customers/customers/{customer.pk}/"
    assert customer.addresses.get(pk=address.pk).detail == "望京街 9 号"


def test_terms_page_of_a_model_made_without_terms_saves_them(client, admin_user):
    """A vehicle model made outside the service (the Django admin, a database load) has no warranty
    policy or maintenance plan: its terms page shows the defaults (36 months) instead of a server
    error, and the first save creates the policy, audited; a bad term changes nothing."""
    from aftersales.core.models import AuditEvent
    from aftersales.customers.models import MaintenancePlan, PartWarrantyTerm, VehicleModel, WarrantyPolicy

    bare = VehicleModel.objects.create(code="T-BARE", name="裸车型")
    url = reverse("customers:vehiclemodel_terms", args=[bare.pk])
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="policy-vehicle_months"' in response.content.decode() and 'value="36"' in response.content.decode()
    bad = client.post(url, {"form": "term", "term-category": "battery", "term-months": "", "term-km": "150000"})
    assert bad.status_code == 400
    assert not WarrantyPolicy.objects.filter(vehicle_model=bare).exists()
    saved = client.post(url, {"form": "policy", "policy-vehicle_months": "48", "policy-vehicle_km": "100000",
                              "policy-sanbao_months": "24", "policy-sanbao_km": "50000"})
    assert saved.status_code == 302
    policy = WarrantyPolicy.objects.get(vehicle_model=bare)
    assert policy.vehicle_months == 48
    assert AuditEvent.objects.filter(action="customers.warrantypolicy.created", object_id=policy.pk).exists()
    assert client.post(url, {"form": "term", "term-category": "battery", "term-months": "96",
                             "term-km": "150000"}).status_code == 302
    assert PartWarrantyTerm.objects.get(policy__vehicle_model=bare).months == 96
    assert not MaintenancePlan.objects.filter(vehicle_model=bare).exists()  # the plan waits for its own save
