"""R-CUS-5 lookup: every kind finds its row, fragments stay in scope, exact identifiers reach
across it masked, ranking, index maintenance, query plans, API and page."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from aftersales.customers import services
from aftersales.customers.lookup import index, keys, query, results
from aftersales.customers.models import SearchKey

from .conftest import valid_vin

pytestmark = pytest.mark.django_db


# --- data ---------------------------------------------------------------------------------------

VIN_A, VIN_A2, VIN_B = valid_vin(900001), valid_vin(900002), valid_vin(912345)


@pytest.fixture
def world(make_customer, make_vehicle, make_user, hq, dealer_a, dealer_b):
    zw = make_customer(dealer_a, name="张伟", phone="13812345678")
    zwm = make_customer(dealer_a, name="张伟明", phone="13900005678")
    lxd = make_customer(dealer_b, name="李晓东", phone="13700001111")
    wf = make_customer(dealer_b, name="王芳", phone="13600005678")
    va = make_vehicle(zw, vin=VIN_A, plate="京A12345")
    va2 = make_vehicle(zwm, vin=VIN_A2, plate="京A12399")
    vb = make_vehicle(lxd, vin=VIN_B, plate="沪B54321")
    index.rebuild_search_index()
    return {
        "zw": zw, "zwm": zwm, "lxd": lxd, "wf": wf, "va": va, "va2": va2, "vb": vb,
        "agent": make_user("agent", hq), "dealer_a": make_user("dealer", dealer_a),
        "dealer_b": make_user("dealer", dealer_b), "org_a": dealer_a, "org_b": dealer_b,
    }


def ids(hits, typ=None):
    return [h.id for h in hits if typ is None or h.type == typ]


# --- query planning -------------------------------------------------------------------------------

@pytest.mark.parametrize(("q", "expected"), [
    ("13812345678", [("P87654321831", True)]),
    ("+86 138-1234-5678", [("P87654321831", True)]),
    ("5678", [("P8765", False), ("l5678", False)]),
    (VIN_A, [("V" + VIN_A[::-1], True)]),
    ("900001", [("P100009", False), ("V100009", False), ("l900001", False)]),
    ("京A12345", [("L京A12345", True)]),
    ("京a1", [("L京A1", False)]),
    ("A123", [("lA123", False)]),
    ("张伟", [("N张伟", False), ("n张伟", False)]),
    ("zw", [("Izw", False), ("Nzw", False)]),
    ("", []),
])
def test_plan_query(q, expected):
    assert [(p.key, p.exact) for p in query.plan_query(q)] == expected


def test_keys_cover_suffixes():
    assert keys.vehicle_keys(vin="LSJA24U62JG269225", plate="京A·12345") == sorted(
        ["V522962GJ26U42AJSL", "L京A12345", "lA12345", "l12345", "l2345", "l345"])
    assert keys.customer_keys(name="欧阳 娜娜", initials="oynn", phones_reversed=["87654321831"]) == sorted(
        ["P87654321831", "N欧阳娜娜", "n阳娜娜", "n娜娜", "Ioynn"])


# --- each kind ------------------------------------------------------------------------------------

def test_each_kind_finds_its_row(world):
    agent = world["agent"]
    assert ids(results.lookup(user=agent, q="13812345678")) == [world["zw"].pk]
    assert set(ids(results.lookup(user=agent, q="5678"), "customer")) == {world["zw"].pk, world["zwm"].pk, world["wf"].pk}
    assert ids(results.lookup(user=agent, q=VIN_B[-6:]), "vehicle") == [world["vb"].pk]
    assert ids(results.lookup(user=agent, q=VIN_B)) == [world["vb"].pk]
    assert ids(results.lookup(user=agent, q="B543"), "vehicle") == [world["vb"].pk]
    assert set(ids(results.lookup(user=agent, q="A123"), "vehicle")) == {world["va"].pk, world["va2"].pk}
    assert ids(results.lookup(user=agent, q="沪B54321")) == [world["vb"].pk]
    assert ids(results.lookup(user=agent, q="晓东")) == [world["lxd"].pk]
    assert ids(results.lookup(user=agent, q="lxd")) == [world["lxd"].pk]
    assert set(ids(results.lookup(user=agent, q="zw"))) == {world["zw"].pk, world["zwm"].pk}


def test_hit_fields_and_masking_per_role(world):
    hit = results.lookup(user=world["agent"], q="13812345678")[0]
    assert (hit.type, hit.name, hit.phone, hit.plate, hit.vin, hit.masked, hit.match, hit.exact) == (
        "customer", "张伟", "138****5678", "京A12345", VIN_A, False, "phone", True)
    assert hit.vehicle_id == world["va"].pk
    # the dealer's staff may see personal data of their own customers
    mine = results.lookup(user=world["dealer_a"], q="13812345678")[0]
    assert (mine.phone, mine.masked) == ("+8613812345678", False)


def test_ranking_exact_first(world):
    hits = results.lookup(user=world["agent"], q="张伟")
    assert ids(hits) == [world["zw"].pk, world["zwm"].pk]
    assert [h.exact for h in hits] == [True, False]
    # phone tail before plate fragment
    kinds = [h.match for h in results.lookup(user=world["agent"], q="2345")]
    assert kinds == sorted(kinds, key=["phone", "plate"].index)


def test_limit(world):
    assert len(results.lookup(user=world["agent"], q="5678", limit=2)) == 2


# --- scope ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["5678", "1111", "张", "王芳", "晓东", "lxd", "wf", "B543", "沪B5", VIN_B[-6:]])
def test_fragments_never_leave_the_dealers_scope(world, q):
    a_ids = {world[k].pk for k in ("zw", "zwm")}
    hits = results.lookup(user=world["dealer_a"], q=q)
    assert all(not h.masked for h in hits)
    assert {h.customer_id for h in hits} <= a_ids, q
    assert {h.id for h in hits if h.type == "vehicle"} <= {world["va"].pk, world["va2"].pk}


@pytest.mark.parametrize(("q", "typ", "key"), [
    ("13600005678", "customer", "wf"), ("+86 137 0000 1111", "customer", "lxd"), (VIN_B, "vehicle", "vb"),
    ("沪B·54321", "vehicle", "vb"),
])
def test_exact_identifier_reaches_across_scope_masked(world, q, typ, key):
    hits = results.lookup(user=world["dealer_a"], q=q)
    assert [(h.type, h.id) for h in hits] == [(typ, world[key].pk)]
    hit = hits[0]
    assert hit.masked and hit.exact and hit.url == ""
    assert hit.name.endswith("*") and "*" in hit.phone
    assert hit.name != world[key].name if typ == "customer" else hit.name != world["lxd"].name


def test_receiving_the_vehicle_grants_access(world):
    dealer = world["dealer_a"]
    assert results.lookup(user=dealer, q="晓东") == []
    services.receive_vehicle(actor=dealer, vehicle=world["vb"], organisation=world["org_a"], reason="维修接车")
    dealer = type(dealer).objects.get(pk=dealer.pk)  # fresh scope cache
    hit = results.lookup(user=dealer, q=VIN_B)[0]
    assert not hit.masked and hit.name == "李晓东"
    # the grant also opens fragment searches for that vehicle and its owner, and nothing else
    assert ids(results.lookup(user=dealer, q="B543"), "vehicle") == [world["vb"].pk]
    assert ids(results.lookup(user=dealer, q="晓东")) == [world["lxd"].pk]
    assert world["wf"].pk not in {h.customer_id for h in results.lookup(user=dealer, q="5678")}


def test_user_without_scope_gets_only_masked_exact_hits(world, make_user, region):
    from aftersales.org.choices import OrganisationKind
    from aftersales.org.models import Organisation

    inactive = Organisation.objects.create(code="T-X", name="停业店", kind=OrganisationKind.DEALER, region=region,
                                           is_active=False)
    user = make_user("dealer", inactive)
    assert results.lookup(user=user, q="5678") == []
    assert [h.masked for h in results.lookup(user=user, q="13812345678")] == [True]


# --- index maintenance ----------------------------------------------------------------------------

def test_reindex_on_update(world):
    zw = world["zw"]
    services.customer_update(zw, actor=world["agent"], data={"name": "赵伟"})
    index.reindex_customer(zw.pk)
    agent = world["agent"]
    assert zw.pk not in ids(results.lookup(user=agent, q="张伟"))
    assert ids(results.lookup(user=agent, q="赵伟")) == [zw.pk]
    assert zw.pk in ids(results.lookup(user=agent, q="zhw")) or zw.pk in ids(results.lookup(user=agent, q="zw"))


def test_reindex_vehicle_on_plate_change(world):
    va = world["va"]
    va.plate = "京B77777"
    va.save(update_fields=["plate"])
    index.reindex_vehicle(va.pk)
    agent = world["agent"]
    assert va.pk not in ids(results.lookup(user=agent, q="A123"), "vehicle")
    assert ids(results.lookup(user=agent, q="B777"), "vehicle") == [va.pk]


def test_rebuild_equals_per_record_index(world):
    def snapshot():
        return sorted(SearchKey.objects.values_list("key", "customer_id", "vehicle_id", "organisation_id", "is_primary"))

    rebuilt = snapshot()
    SearchKey.objects.all().delete()
    index.reindex_customers([world[k].pk for k in ("zw", "zwm", "lxd", "wf")])
    assert snapshot() == rebuilt
    assert {k for k, *_ in rebuilt} >= {"P87654321831", "N张伟", "n伟明", "Izw", "L京A12345", "l345"}


def test_vehicle_seen_by_two_dealers_has_one_primary_row(world):
    vb = world["vb"]
    vb.servicing_dealer = world["org_a"]
    vb.save(update_fields=["servicing_dealer"])
    index.reindex_vehicle(vb.pk)
    rows = SearchKey.objects.filter(vehicle_id=vb.pk, key="L沪B54321")
    assert sorted((r.organisation_id, r.is_primary) for r in rows) == sorted(
        [(world["org_b"].pk, True), (world["org_a"].pk, False)])
    assert ids(results.lookup(user=world["agent"], q="B543"), "vehicle") == [vb.pk]
    assert ids(results.lookup(user=world["dealer_a"], q="B543"), "vehicle") == [vb.pk]


# --- query plans ----------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["5678", "13812345678", "沪B5", "B543", VIN_B[-6:], "张伟", "zw"])
@pytest.mark.parametrize("who", ["agent", "dealer_a"])
def test_query_plan_uses_the_index(world, q, who):
    from aftersales.core.scoping import scope_for

    sql, params = query.search_sql(query.plan_query(q), scope_for(world[who]))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = [row[-1] for row in cursor.fetchall()]
            key_steps = [s for s in plan if " k " in f" {s} " or "customers_searchkey" in s]
            assert key_steps, plan
            assert all(s.startswith("SEARCH") for s in key_steps), plan
            assert not any(s.startswith("SCAN") and ("customers_" in s or "org_" in s) for s in plan), plan
        elif connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")  # a tiny test table would rightly be seq-scanned
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
            assert "searchkey" in plan and ("Index" in plan or "Bitmap" in plan), plan
            assert "Seq Scan on customers_searchkey" not in plan, plan
        else:  # pragma: no cover
            pytest.skip("no plan check for this engine")


# --- API ------------------------------------------------------------------------------------------

def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_lookup_and_screen_pop(world):
    api = _api(world["agent"])
    body = api.get("/api/customers/lookup/", {"q": "5678"}).json()
    assert {r["id"] for r in body["results"] if r["type"] == "customer"} == {
        world["zw"].pk, world["zwm"].pk, world["wf"].pk}
    row = next(r for r in body["results"] if r["id"] == world["zw"].pk)
    assert row["phone"] == "138****5678" and row["masked"] is False and row["match"] == "phone"
    pop = api.get("/api/customers/lookup/", {"phone": "+86 138 1234 5678"}).json()["results"]
    assert [(r["type"], r["id"]) for r in pop] == [("customer", world["zw"].pk)]
    assert api.get("/api/customers/lookup/ping/").json() == {"ok": True}


def test_api_masks_out_of_scope_and_validates(world):
    api = _api(world["dealer_a"])
    rows = api.get("/api/customers/lookup/", {"q": VIN_B}).json()["results"]
    assert rows[0]["masked"] is True and "李晓东" not in str(rows) and rows[0]["url"] == ""
    bad = api.get("/api/customers/lookup/")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "q" in bad.json()["fields"]
    assert api.get("/api/customers/lookup/", {"q": "x" * 65}).status_code == 400
    assert APIClient().get("/api/customers/lookup/", {"q": "5678"}).status_code in (401, 403)


def test_api_needs_view_customer_permission(world, make_user, hq):
    parts_clerk = make_user("parts", hq)
    assert _api(parts_clerk).get("/api/customers/lookup/", {"q": "5678"}).status_code == 403


def test_schema_has_lookup_path(world):
    schema = _api(world["agent"]).get("/api/schema/?format=json").json()
    assert "/api/customers/lookup/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/customers/lookup/"]["get"]["parameters"]}
    assert {"q", "phone", "limit"} <= params


# --- page -----------------------------------------------------------------------------------------

def test_page_renders_and_updates_with_htmx(world, client):
    client.force_login(world["agent"])
    page = client.get("/customers/lookup/", {"q": "张伟"})
    html = page.content.decode()
    assert page.status_code == 200 and "data-as-search" in html and "autofocus" in html and 'hx-get="' in html
    assert f"/customers/customers/{world['zw'].pk}/" in html
    partial = client.get("/customers/lookup/", {"q": "张伟"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert 'id="lookup-results"' in partial.content.decode()


def test_page_enter_opens_first_result_but_never_a_masked_one(world, client):
    client.force_login(world["dealer_a"])
    first = client.get("/customers/lookup/", {"q": "张伟", "go": "1"})
    assert first.status_code == 302 and first["Location"].endswith(f"/customers/{world['zw'].pk}/")
    ambiguous = client.get("/customers/lookup/", {"q": "张伟", "go": "only"})
    assert ambiguous.status_code == 200
    masked = client.get("/customers/lookup/", {"q": VIN_B, "go": "1"})
    assert masked.status_code == 200 and "李晓东" not in masked.content.decode()


def test_navbar_box_snippet(world, rf):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = world["agent"]
    html = render_to_string("customers/lookup_box.html", {"perms": _Perms(world["agent"])}, request=request)
    assert "data-as-search" in html and "/customers/lookup/" in html


class _Perms:
    def __init__(self, user):
        from django.contrib.auth.context_processors import PermWrapper

        self._w = PermWrapper(user)

    def __getitem__(self, key):
        return self._w[key]
