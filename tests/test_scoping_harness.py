"""Walks every scoped page and API detail endpoint with every role, in and out of scope (R-SYS-2).

Expected: in scope and permitted → 200; out of scope with the permission → 404 (never a leak);
without the permission → 403 (or 404).  New models and endpoints are picked up automatically.

Who sees which dealer's rows is a fixed table (``SEES``), written from the rules of DESIGN.md
("Scoping model") and the world in ``aftersales.org.testing`` — never asked of the resolver under
test, so a resolver that opens too much (or too little) fails here (issue 6 item 9, ADR 0012).
"""

import pytest
from rest_framework.authtoken.models import Token

from aftersales.core.scoping import scope_for
from aftersales.core.testing.scope_harness import load_factories, missing_factories, scoped_endpoints

pytestmark = pytest.mark.django_db

# role → the dealers (A in the NORTH region, B in the EAST region) whose rows that user sees.
# Head-office network roles see both; the field engineer covers NORTH; everyone at dealer A sees A;
# dealer_b sees B.
SEES = {
    "admin": {"A", "B"}, "manager": {"A", "B"}, "agent": {"A", "B"}, "parts": {"A", "B"}, "quality": {"A", "B"},
    "engineer": {"A"},
    "advisor": {"A"}, "technician": {"A"}, "dealer": {"A"},
    "dealer_b": {"B"},
}


def test_every_scoped_model_has_a_harness_factory():
    assert missing_factories() == []


def test_harness_finds_pages_and_api_endpoints():
    kinds = {(e.kind, e.model._meta.label) for e in scoped_endpoints()}
    assert ("page", "org.Organisation") in kinds
    assert ("api", "org.Organisation") in kinds
    assert ("api", "org.StaffProfile") in kinds


def test_every_role_in_and_out_of_scope(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # factories may attach files
    factories = load_factories()
    # Models without a factory are reported by the test above; walk the rest.
    endpoints = [e for e in scoped_endpoints() if e.model in factories]
    objects = {}
    for model in {e.model for e in endpoints}:
        objects[model] = {"A": factories[model](world.dealer_a), "B": factories[model](world.dealer_b)}
    failures = []
    assert set(SEES) == set(world.users), "every user of the world needs a row in SEES"
    for role in world.users:
        user = world.users[role]
        token = Token.objects.create(user=user).key
        client.force_login(user)
        for ep in endpoints:
            for where, obj in objects[ep.model].items():
                in_scope = where in SEES[role]
                allowed = user.has_perm(ep.permission) if ep.permission else None
                url = ep.route.format(pk=obj.pk)
                if ep.kind == "page":
                    status = client.get(url).status_code
                else:
                    status = client.get(url, HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json").status_code
                if allowed is None:  # the endpoint's selector decides who sees a row in scope
                    ok = status in (200, 302, 403, 404) if in_scope else status in (403, 404)
                elif allowed and in_scope:
                    # Sub-action pages (mileage, change owner) answer GET with a redirect to the object.
                    ok = status in (200, 302)
                elif allowed:
                    ok = status == 404
                else:
                    ok = status in (403, 404)
                if not ok:
                    failures.append(f"{role} {ep.kind} {url} (dealer {where}, in_scope={in_scope}, perm={allowed}): {status}")
        client.logout()
    assert failures == [], "\n".join(failures)


def test_scope_levels(world):
    assert scope_for(world.user("manager")).everything
    assert scope_for(world.user("agent")).everything
    engineer = scope_for(world.user("engineer"))
    assert engineer.covers(world.dealer_a.pk) and not engineer.covers(world.dealer_b.pk)
    dealer = scope_for(world.user("dealer"))
    assert dealer.organisation_ids == frozenset({world.dealer_a.pk})
    assert scope_for(world.user("dealer_b")).organisation_ids == frozenset({world.dealer_b.pk})
