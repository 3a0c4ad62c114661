"""Masking follows the row, not only the role (issue 7 item 3, R-SYS-2, ADR 0015).

Dealer A sold a car; its owner has since moved to dealer B.  Dealer A still sees the car (it is the
selling dealer) and its staff may see personal data — of *their* customers.  The owner is now B's
customer, so on every path dealer A has to the car (the vehicle list, the vehicle page with its
ownership history and timeline, the vehicle export, the vehicle API list and detail) the owner's
name and phone are masked.  Dealer B, whose customer it is, sees them in full (so the markers below are really shown
when they may be).
"""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from aftersales.core.selectors import change_log
from aftersales.core.validators import vin_check_digit
from aftersales.customers import services
from aftersales.customers.models import Customer, Vehicle, VehicleModel
from aftersales.notifications.services.consent import record_consent

pytestmark = pytest.mark.django_db

NAME = "欧阳明辉"
MOBILE = "13912345678"
SHOWN = ("13912345678", "139 1234 5678", "+8613912345678")


def _vin() -> str:
    body = "LHMVV0000S0000001"
    body = body[:8] + "0" + body[9:]
    return body[:8] + vin_check_digit(body) + body[9:]


@pytest.fixture
def moved(world):
    admin = world.user("admin")
    owner = services.customer_create(actor=admin, data={"name": NAME, "owning_dealer": world.dealer_a}, phones=[MOBILE])
    # Recorded while the customer was still dealer A's.
    record_consent(actor=world.user("dealer"), contact=MOBILE, channel="sms", purpose="marketing", granted=True,
                   source="form", customer_id=owner.pk)
    model = VehicleModel.objects.create(code="EV-MV", name="EV-MV")
    vehicle = services.vehicle_create(actor=admin, data={"vin": _vin(), "vehicle_model": model,
                                                         "selling_dealer": world.dealer_a, "owner": owner})
    owner = Customer.objects.get(pk=owner.pk)
    services.customer_update(owner, actor=admin, data={"owning_dealer": world.dealer_b}, expected_version=owner.version)
    world.owner, world.vehicle = owner, Vehicle.objects.get(pk=vehicle.pk)
    return world


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def _shows_owner(text: str) -> list[str]:
    return [s for s in (NAME, *SHOWN) if s in text]


def test_dealer_a_still_sees_the_car_it_sold(moved, client):
    client.force_login(moved.user("dealer"))
    assert moved.vehicle.vin in client.get("/customers/vehicles/").content.decode()
    assert client.get(f"/customers/vehicles/{moved.vehicle.pk}/").status_code == 200


@pytest.mark.parametrize("path", ["/customers/vehicles/", "/customers/vehicles/{pk}/",
                                  "/imports/export/vehicles/?format=csv"])
def test_pages_mask_the_owner_who_moved(moved, client, path):
    url = path.format(pk=moved.vehicle.pk)
    client.force_login(moved.user("dealer"))
    body = _text(client.get(url))
    assert moved.vehicle.vin in body
    assert _shows_owner(body) == []
    client.force_login(moved.user("dealer_b"))
    assert NAME in _text(client.get(url))  # the owner's own dealer sees the name


@pytest.mark.parametrize("path", ["/api/customers/vehicles/", "/api/customers/vehicles/{pk}/"])
def test_api_masks_the_owner_who_moved(moved, client, path):
    url = path.format(pk=moved.vehicle.pk)
    token = Token.objects.create(user=moved.user("dealer")).key
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert moved.vehicle.vin in response.content.decode()
    assert _shows_owner(response.content.decode()) == []


def test_consent_events_mask_the_contact_once_the_customer_moved(moved):
    from aftersales.core.models import AuditEvent

    events = AuditEvent.objects.unscoped(reason="test reads the consent event it made").filter(
        action="notifications.consent.granted", customer_id=moved.owner.pk)
    assert events.count() == 1
    rows = change_log(events, moved.user("dealer"))
    assert all(_shows_owner(str(row["changes"])) == [] for row in rows)
    own = change_log(events, moved.user("dealer_b"))  # dealer B: its customer, in full
    assert any("139 1234 5678" in str(row["changes"]) or MOBILE in str(row["changes"]) for row in own)
