"""R-SYS-2: scoping (404 outside scope, HQ sees all, access grants), masking per role, reveal logged."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.core.models import PersonalDataAccess
from aftersales.customers import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_customers(make_customer, dealer_a, dealer_b):
    return make_customer(dealer_a, name="甲客户"), make_customer(dealer_b, name="乙客户", phone="13987655678")


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_dealer_cannot_see_other_dealers_customer_page_or_api(two_customers, make_user, dealer_a, client):
    mine, theirs = two_customers
    user = make_user("dealer", dealer_a)
    client.force_login(user)
    assert client.get(reverse("customers:customer_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("customers:customer_detail", args=[theirs.pk])).status_code == 404
    api = _api(user)
    assert api.get(f"/api/customers/customers/{theirs.pk}/").status_code == 404
    ids = [r["id"] for r in api.get("/api/customers/customers/").json()["results"]]
    assert ids == [mine.pk]


def test_hq_agent_sees_both(two_customers, make_user, hq):
    agent = make_user("agent", hq)
    ids = {r["id"] for r in _api(agent).get("/api/customers/customers/").json()["results"]}
    assert ids == {c.pk for c in two_customers}


def test_receive_vehicle_grants_vehicle_and_owner(two_customers, make_vehicle, make_user, dealer_a, admin_user):
    _mine, theirs = two_customers
    vehicle = make_vehicle(theirs)
    api = _api(make_user("dealer", dealer_a))
    assert api.get(f"/api/customers/vehicles/{vehicle.pk}/").status_code == 404
    services.receive_vehicle(actor=admin_user, vehicle=vehicle, organisation=dealer_a, reason="接车：首保")
    assert api.get(f"/api/customers/vehicles/{vehicle.pk}/").status_code == 200
    assert api.get(f"/api/customers/customers/{theirs.pk}/").status_code == 200


def test_agent_sees_masked_phone_in_api_rows(two_customers, make_user, hq):
    rows = _api(make_user("agent", hq)).get("/api/customers/customers/").json()["results"]
    row = next(r for r in rows if r["name"] == "乙客户")
    assert row["primary_phone"] == "139****5678"
    assert row["phones"][0]["number"] == "139****5678"
    assert "建国路" not in str(row["addresses"])


def test_dealer_with_view_permission_sees_unmasked_and_view_is_logged(two_customers, make_user, dealer_a):
    mine, _ = two_customers
    user = make_user("dealer", dealer_a)
    row = _api(user).get(f"/api/customers/customers/{mine.pk}/").json()
    assert row["primary_phone"] == "+8613812345678"
    assert PersonalDataAccess.objects.filter(actor=user, action="view", customer_id=mine.pk).count() == 1


def test_reveal_requires_reason_and_is_logged(two_customers, make_user, hq):
    _, theirs = two_customers
    agent = make_user("agent", hq)
    api = _api(agent)
    url = f"/api/customers/customers/{theirs.pk}/reveal/"
    response = api.post(url, {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    assert not PersonalDataAccess.objects.exists()
    response = api.post(url, {"reason": "客户来电核实身份"}, format="json")
    assert response.status_code == 200 and response.json()["primary_phone"] == "+8613987655678"
    log = PersonalDataAccess.objects.get()
    assert (log.action, log.actor, log.customer_id, log.reason) == ("reveal", agent, theirs.pk, "客户来电核实身份")


def test_reveal_refused_without_permission(two_customers, make_user, dealer_b):
    _, theirs = two_customers
    technician = make_user("technician", dealer_b)
    response = _api(technician).post(f"/api/customers/customers/{theirs.pk}/reveal/", {"reason": "x"}, format="json")
    assert response.status_code == 403


def test_pages_mask_for_agent_and_reveal_button(two_customers, make_user, hq, client):
    _, theirs = two_customers
    client.force_login(make_user("agent", hq))
    html = client.get(reverse("customers:customer_detail", args=[theirs.pk])).content.decode()
    assert "139****5678" in html and "13987655678" not in html
    assert reverse("customers:customer_reveal", args=[theirs.pk]) in html
    listing = client.get(reverse("customers:customer_list")).content.decode()
    assert "139****5678" in listing and "13987655678" not in listing
    response = client.post(reverse("customers:customer_reveal", args=[theirs.pk]), {"reason": ""})
    assert response.status_code == 400 and 'data-testid="error-reason"' in response.content.decode()
    response = client.post(reverse("customers:customer_reveal", args=[theirs.pk]), {"reason": "回访核对"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "139 8765 5678" in response.content.decode()
    assert PersonalDataAccess.objects.filter(action="reveal").count() == 1


def test_api_vehicle_create_refuses_bad_vin_under_vin(make_user, hq):
    response = _api(make_user("agent", hq)).post("/api/customers/vehicles/", {"vin": "LSJA24U63JG269225"},
                                                 format="json")
    assert response.status_code == 400
    assert "vin" in response.json()["fields"]


def test_api_mileage_and_change_owner(two_customers, make_vehicle, make_user, dealer_a, make_customer):
    mine, theirs = two_customers
    vehicle = make_vehicle(mine)
    api = _api(make_user("dealer", dealer_a))
    url = f"/api/customers/vehicles/{vehicle.pk}/mileage/"
    assert api.post(url, {"reading_km": 8000}, format="json").status_code == 201
    response = api.post(url, {"reading_km": 100}, format="json")
    assert response.status_code == 400 and "reading_km" in response.json()["fields"]
    other = make_customer(dealer_a, name="王五", phone="13700001234")
    response = api.post(f"/api/customers/vehicles/{vehicle.pk}/change-owner/", {"new_owner": theirs.pk}, format="json")
    assert response.status_code == 400  # outside the dealer's scope
    response = api.post(f"/api/customers/vehicles/{vehicle.pk}/change-owner/", {"new_owner": other.pk}, format="json")
    assert response.status_code == 200 and response.json()["owner"] == other.pk


def test_api_customer_create(make_user, dealer_a, region):
    api = _api(make_user("dealer", dealer_a))
    response = api.post("/api/customers/customers/", {
        "name": "钱七", "kind": "person", "owning_dealer": dealer_a.pk, "region": region.pk,
        "phone_numbers": ["13512345678"], "new_addresses": [{"detail": "朝阳路 1 号", "city": "北京市"}]},
        format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["primary_phone"] == "+8613512345678"
    response = api.post("/api/customers/customers/", {"name": "钱七", "owning_dealer": dealer_a.pk,
                                                      "phone_numbers": ["123"]}, format="json")
    assert response.status_code == 400 and "phones" in response.json()["fields"]


def test_list_page_of_unmasked_phones_is_logged_masked_one_is_not(make_customer, make_user, dealer_a, client):
    from aftersales.core.models import PersonalDataAccess

    make_customer(dealer_a)
    client.force_login(make_user("dealer", dealer_a))          # sees unmasked phones
    assert client.get("/customers/customers/").status_code == 200
    row = PersonalDataAccess.objects.get(action="view", row_count=1)
    assert row.actor.staff_profile.organisation == dealer_a
    client.force_login(make_user("agent", dealer_a))            # masked: nothing to log
    client.get("/customers/customers/")
    assert PersonalDataAccess.objects.filter(action="view").count() == 1
