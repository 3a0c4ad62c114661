"""Tests that kill the scoping and locking mutations of issue 6 item 9 (R-SYS-2, R-SYS-3, ADR 0012
"Scoping fails closed — what the tests kill").

Each test names the mutation it kills.  Every one was applied to the code by hand and this file
(or the test named in the ADR) failed; the ADR lists mutation → test.  Expected visibility is
written out here as facts of the world (dealer A sees its rows, not dealer B's), never computed by
the resolver under test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from aftersales.core import scoping
from aftersales.core import services as core_services
from aftersales.core.exceptions import StaleVersionError
from aftersales.core.scoping import ScopeRule
from aftersales.core.validators import vin_check_digit
from aftersales.customers import services
from aftersales.customers.models import Customer, CustomerDocument, Vehicle, VehicleModel
from aftersales.org.models import Role
from aftersales.org.testing import make_user

pytestmark = pytest.mark.django_db


def _vin(n: int) -> str:
    body = f"LHARN{n:04d}S0{n:06d}"[:17]
    body = body[:8] + "0" + body[9:]
    return body[:8] + vin_check_digit(body) + body[9:]


@pytest.fixture
def rows(world):
    admin = world.user("admin")
    world.cust_a = services.customer_create(actor=admin, data={"name": "甲店客户", "owning_dealer": world.dealer_a},
                                            phones=["13811110001"])
    world.cust_b = services.customer_create(actor=admin, data={"name": "乙店客户", "owning_dealer": world.dealer_b},
                                            phones=["13911110002"])
    world.model = VehicleModel.objects.create(code="EV500", name="EV500")
    return world


def _ids(qs) -> list[int]:
    return sorted(qs.values_list("pk", flat=True))


# --- "a scope rule reads only its first path" ----------------------------------------------------

def test_every_path_of_a_rule_opens_the_row(rows):
    """Vehicle: selling dealer, servicing dealer, owner's dealer.  Dealer A sees a car that reaches
    A by its second path only, and one that reaches A by its third path only."""
    w = rows
    serviced_by_a = Vehicle.objects.create(vin=_vin(1), vehicle_model=w.model, selling_dealer=w.dealer_b,
                                           servicing_dealer=w.dealer_a, owner=w.cust_b)
    owned_at_a = Vehicle.objects.create(vin=_vin(2), vehicle_model=w.model, owner=w.cust_a)
    elsewhere = Vehicle.objects.create(vin=_vin(3), vehicle_model=w.model, selling_dealer=w.dealer_b,
                                       owner=w.cust_b)
    assert _ids(Vehicle.objects.restrict(w.user("dealer"))) == sorted([serviced_by_a.pk, owned_at_a.pk])
    assert _ids(Vehicle.objects.restrict(w.user("dealer_b"))) == sorted([serviced_by_a.pk, elsewhere.pk])
    # a document filed at store B about store A's customer: B by its first path, A by its second
    doc = CustomerDocument.objects.create(customer=w.cust_a, kind="invoice", title="发票", organisation=w.dealer_b)
    assert _ids(CustomerDocument.objects.restrict(w.user("dealer"))) == [doc.pk]
    assert _ids(CustomerDocument.objects.restrict(w.user("dealer_b"))) == [doc.pk]
    assert _ids(CustomerDocument.objects.restrict(w.user("engineer"))) == [doc.pk]  # covers A's region


# --- "an empty scope returns everything" ---------------------------------------------------------

def test_a_user_without_an_organisation_sees_nothing(rows):
    nobody = get_user_model().objects.create_user(username="nobody", password="x-Test-123")
    assert scoping.scope_for(nobody).organisation_ids == frozenset()
    assert not Customer.objects.restrict(nobody).exists()
    assert not Vehicle.objects.restrict(nobody).exists()


def test_staff_of_a_deactivated_store_see_nothing(rows):
    rows.dealer_a.is_active = False
    rows.dealer_a.save(update_fields=["is_active"])
    scoping.invalidate_scopes()
    dealer = get_user_model().objects.get(username="dealer")
    assert not Customer.objects.restrict(dealer).exists()


# --- "an expired access grant still opens rows" --------------------------------------------------

def test_an_expired_or_revoked_grant_opens_nothing(rows):
    w = rows
    past = timezone.now() - dt.timedelta(minutes=1)
    core_services.grant_access(actor=w.user("admin"), organisation_id=w.dealer_b.pk, obj=w.cust_a,
                               reason="接车", expires_at=past)
    assert _ids(Customer.objects.restrict(w.user("dealer_b"))) == [w.cust_b.pk]
    grant = core_services.grant_access(actor=w.user("admin"), organisation_id=w.dealer_b.pk, obj=w.cust_a,
                                       reason="接车", expires_at=timezone.now() + dt.timedelta(days=1))
    assert _ids(Customer.objects.restrict(w.user("dealer_b"))) == sorted([w.cust_a.pk, w.cust_b.pk])
    core_services.revoke_access(actor=w.user("admin"), grant=grant, reason="结束")
    assert _ids(Customer.objects.restrict(w.user("dealer_b"))) == [w.cust_b.pk]


# --- "head-office staff with an unknown role see everything" -------------------------------------

@pytest.mark.parametrize("roles", [[], ["advisor"], ["newrole"]])
def test_head_office_staff_without_a_network_role_see_head_office_only(rows, roles):
    if "newrole" in roles:  # a role added later, at store level
        Role.objects.create(code="newrole", name="新角色", scope_level="organisation",
                            group=Group.objects.create(name="role:newrole"))
    clerk = make_user(f"hq-clerk-{len(roles)}", rows.hq, roles)
    assert scoping.scope_for(clerk).organisation_ids == frozenset({rows.hq.pk})
    assert not scoping.scope_for(clerk).everything
    assert not Customer.objects.restrict(clerk).exists()


# --- "customer_update and vehicle_update ignore the expected version" ------------------------------

def test_customer_update_refuses_a_stale_version(rows):
    w = rows
    stale = w.cust_a.version
    services.customer_update(w.cust_a, actor=w.user("admin"), data={"name": "第一次"}, expected_version=stale)
    with pytest.raises(StaleVersionError):
        services.customer_update(Customer.objects.get(pk=w.cust_a.pk), actor=w.user("admin"),
                                 data={"name": "第二次"}, expected_version=stale)
    assert Customer.objects.get(pk=w.cust_a.pk).name == "第一次"


def test_vehicle_update_refuses_a_stale_version(rows):
    w = rows
    car = services.vehicle_create(actor=w.user("admin"), data={"vin": _vin(5), "vehicle_model": w.model,
                                                               "selling_dealer": w.dealer_a, "owner": w.cust_a})
    stale = car.version
    services.vehicle_update(car, actor=w.user("admin"), data={"colour": "白色"}, expected_version=stale)
    with pytest.raises(StaleVersionError):
        services.vehicle_update(Vehicle.objects.get(pk=car.pk), actor=w.user("admin"), data={"colour": "黑色"},
                                expected_version=stale)
    assert Vehicle.objects.get(pk=car.pk).colour == "白色"


# --- "a to-many scope path returns duplicates without distinct()" ---------------------------------

def test_a_to_many_path_lists_each_row_once(rows, monkeypatch):
    """A rule through a to-many relation (a customer reached by the cars a store services) must not
    repeat the customer once per car."""
    w = rows
    for n in (6, 7, 8):
        Vehicle.objects.create(vin=_vin(n), vehicle_model=w.model, servicing_dealer=w.dealer_b, owner=w.cust_a)
    monkeypatch.setattr(Customer, "scope_rule", ScopeRule(paths=("owning_dealer", "vehicles__servicing_dealer")))
    scoping._needs_distinct.cache_clear()
    try:
        seen = list(Customer.objects.restrict(w.user("dealer_b")).values_list("pk", flat=True))
        assert sorted(seen) == sorted([w.cust_a.pk, w.cust_b.pk])
        assert Customer.objects.restrict(w.user("dealer_b")).count() == 2
    finally:
        monkeypatch.undo()
        scoping._needs_distinct.cache_clear()
