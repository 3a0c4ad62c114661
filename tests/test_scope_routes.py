"""The scope harness covers every route (issue 7 item 14, R-SYS-2).

``test_every_route_is_walked_or_allowed`` enumerates every URL the URL conf and the DRF routers
expose (``get_resolver()``, recursively) and fails for a route that is neither walked here — derived
from the generic views (``core.testing.route_inventory``) or listed in ``tests/scope_route_table.py``
— nor allowed with a reason.  The walks then request each route as every role of the world plus
``probe``, a dealer-A employee holding *every* permission (so no refusal below is only a missing
permission), against one row of each scoped model at dealer A and one at dealer B:

- lists (pages, API, the lookup, export files): the marker of a row the user does not see never
  appears; the marker of a row in scope appears for some role (else the check proves nothing);
- detail GETs of non-generic pages and files: in scope answers, outside 403/404;
- POST actions (deactivate, transitions, mileage, change owner, phones, addresses, reveal, uploads,
  import apply, export decisions): outside scope 403/404 and the database unchanged;
- pages over the whole network: only roles that see every dealer open them;
- rows of one user (the inbox): another user's are a 404.

- creates and edits (``WRITE_KINDS``, every generic form page and viewset): walked by
  ``tests/test_scope_write_walk.py`` with each scoped foreign key pointing at the other dealer;
  imports and exports of every registered kind by ``tests/test_scope_data_walk.py``.

Who sees which dealer is the fixed table ``SEES`` (as in ``test_scoping_harness``), never asked of
the resolver under test.

Mutations done by hand (not committed), each failed here:
- a route ``customers/leak/<int:pk>/`` answering ``Customer.objects.get(pk=pk)`` without
  ``restrict()``: the coverage test (neither walked nor allowed); listed in the table as a
  ``detail`` walk: the walk (``advisor /customers/leak/2/ (dealer B, in_scope=False…): 200``);
- ``vehicle_list`` without ``restrict()``: the list walk (``LEAK advisor /customers/vehicles/``);
- the phone / address views reading ``Customer.objects.all()``: the action walk (``probe POST
  /customers/customers/2/phones/add/ …: 302`` and ``the database changed``).
- ``check_references`` removed from ``core.services.create_object`` (then from ``update_object``):
  the write walk (``probe create /api/org/organisations/ group→dealer B's org.Organisation: 201``,
  ``the database changed``; see ``test_scope_write_walk`` and ``test_scope_data_walk`` for theirs).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.apps import apps

from aftersales.core.testing.route_inventory import all_routes, derived_walks, scoped

from .scope_route_table import ALLOWED, ALLOWED_PREFIXES, TABLE, WRITE_PAYLOADS, WRITE_SKIPS, Spec
from .scope_world import SEES, build_harness, fingerprint, markers
from .test_scope_write_walk import WRITE_KINDS, write_walks

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

# --- the route inventory -------------------------------------------------------------------------

def _walks():
    """route key → [(kind, model label, Spec | None, api)] for every walked route."""
    out: dict[str, list] = {}
    for key, walks in derived_walks().items():
        out[key] = [(w.kind, w.model._meta.label if w.model else "", None, w.api) for w in walks]
    for key, specs in TABLE.items():
        out.setdefault(key, []).extend((s.kind, s.model, s, key.startswith("api/")) for s in specs)
    return out


def _allowed(key: str) -> bool:
    return key in ALLOWED or any(key.startswith(p) for p in ALLOWED_PREFIXES)


def test_every_route_is_walked_or_allowed(capsys):
    """Creates and edits (``WRITE_KINDS``) are walked by ``test_scope_write_walk`` — every derived
    one, unless ``WRITE_SKIPS`` names it with a reason; the other kinds by the tests below."""
    routes = all_routes()
    keys = {r.key for r in routes}
    walks = _walks()

    def walked_kinds(key):
        return [kind for kind, *_ in walks.get(key, []) if kind not in WRITE_KINDS or key not in WRITE_SKIPS]

    missing = sorted(k for k in keys if not walked_kinds(k) and not _allowed(k) and k not in WRITE_SKIPS)
    stale = sorted(k for k in set(TABLE) | set(ALLOWED) | set(WRITE_PAYLOADS) | set(WRITE_SKIPS) if k not in keys)
    assert missing == [], "routes neither walked nor allowed (add them to tests/scope_route_table.py):\n" + "\n".join(missing)
    assert stale == [], "table entries for routes that no longer exist:\n" + "\n".join(stale)
    writes = {w.route.key for w in write_walks()}
    assert writes == {k for k in keys if k in walks and any(kind in WRITE_KINDS for kind, *_ in walks[k])} - set(WRITE_SKIPS)
    assert not set(WRITE_PAYLOADS) - writes, "hand-written payloads for routes the write walk does not walk"
    for key, specs in TABLE.items():
        for s in specs:
            if s.kind == "covered":
                path, name = s.test.split("::")
                assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), f"{key}: {s.test} not found"
    admin = sum(1 for k in keys if any(k.startswith(p) for p in ALLOWED_PREFIXES))
    walked = sum(1 for k in keys if walked_kinds(k))
    writes_only = sum(1 for k in writes if all(kind in WRITE_KINDS for kind, *_ in walks[k]))
    with capsys.disabled():
        print(f"\nscope harness: {walked} of {len(keys) - admin} routes outside the Django admin walked, "
              f"{len(keys) - admin - walked} allowed with a reason; {len(writes)} create/edit routes walked "
              f"with out-of-scope foreign keys ({writes_only} of them create/edit forms only, "
              f"{len(WRITE_PAYLOADS)} with hand-written fields), {len(WRITE_SKIPS)} skipped with a reason; "
              f"{admin} Django admin routes (superuser only)")


def test_only_the_superuser_reaches_the_admin(world, client):
    """The Django admin lists every dealer's rows: no role of the platform is staff; a superuser is."""
    from django.contrib.auth import get_user_model

    for role, user in world.users.items():
        client.force_login(user)
        response = client.get("/admin/customers/customer/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"], (role, response.status_code)
        assert not user.is_staff, role
    root = get_user_model().objects.create_superuser("root", password="pw-Root-123")
    client.force_login(root)
    assert client.get("/admin/customers/customer/").status_code == 200


# --- the world and its rows ----------------------------------------------------------------------

@pytest.fixture
def harness(world, settings, tmp_path):
    return build_harness(world, settings, tmp_path)


def _url(key: str, obj=None, spec: Spec | None = None) -> str:
    url = "/" + key
    kwargs = dict(spec.kwargs) if spec else {}
    if obj is not None:
        kwargs.setdefault("pk", obj.pk)
        if "<int:phone_pk>" in key:
            kwargs["phone_pk"] = obj.pk
    for name, value in kwargs.items():
        value = value(obj) if callable(value) else value
        for token in (f"<int:{name}>", f"<str:{name}>", f"<slug:{name}>", f"<{name}>"):
            url = url.replace(token, str(value))
    url = url.replace("<slug:transition>", "requeue")
    if spec and spec.query:
        url += spec.query.format(name=getattr(obj, "name", ""))
    return url


def _get(client, url: str, api: bool, token: str):
    if api:
        return client.get(url, HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")
    return client.get(url)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _kinds(kind: str):
    for key, walks in _walks().items():
        for k, label, spec, api in walks:
            if k == kind:
                yield key, label, spec, api


# --- lists: the other dealer's rows never appear -------------------------------------------------

def test_lists_show_only_rows_in_scope(harness, client):
    world, users, tokens, objects = harness
    failures, proven = [], set()
    lists = list(_kinds("list"))
    assert len(lists) >= 20, lists
    for role, user in users.items():
        client.force_login(user)
        for key, label, spec, api in lists:
            # A search asks once for each dealer's row; a plain list is asked once.
            for obj in (objects[label].values() if spec and spec.query else [None]):
                url = _url(key, obj, spec)
                response = _get(client, url, api, tokens[role])
                if response.status_code in (302, 403, 404):
                    continue  # no permission for this list, or no export right (a redirect saying so)
                if response.status_code != 200:
                    failures.append(f"{role} {url}: {response.status_code}")
                    continue
                body = _body(response)
                for other, other_obj in objects[label].items():
                    shown = any(m in body for m in markers(label, other_obj))
                    if shown and other not in SEES[role]:
                        failures.append(f"LEAK {role} {url}: shows dealer {other}'s {label} {markers(label, other_obj)}")
                    if shown:
                        proven.add((key, id(spec), other))
        client.logout()
    unproven = [f"{key} {spec.kwargs if spec else ''}" for key, _label, spec, _api in lists if (key, id(spec), "A") not in proven]
    assert failures == [], "\n".join(failures)
    assert unproven == [], "lists that never showed an in-scope row (their check proves nothing):\n" + "\n".join(unproven)


# --- non-generic detail GETs (generic ones: test_scoping_harness) ----------------------------------

def test_detail_pages_and_files_answer_only_in_scope(harness, client):
    world, users, tokens, objects = harness
    failures = []
    details = [(k, label, spec, api) for k, label, spec, api in _kinds("detail") if spec is not None]
    for role, user in users.items():
        client.force_login(user)
        for key, label, spec, api in details:
            for where, obj in objects[label].items():
                url = _url(key, obj, spec)
                status = _get(client, url, api, tokens[role]).status_code
                in_scope = where in SEES[role]
                allowed = user.has_perm(spec.perm) if spec.perm else None
                if not in_scope:
                    ok = status in (403, 404)
                elif allowed is None:
                    ok = status in (200, 302, 403, 404, 503)  # 503: no CJK font for the PDF on this machine
                else:
                    ok = status in (200, 302, 503) if allowed else status in (403, 404)
                if not ok:
                    failures.append(f"{role} {url} (dealer {where}, in_scope={in_scope}, perm={allowed}): {status}")
        client.logout()
    assert failures == [], "\n".join(failures)


# --- actions: outside scope, refused and nothing changes ------------------------------------------

def _action_payload(obj, actor_objects) -> dict:
    today = datetime.date.today().isoformat()
    payload = {
        "reason": "越权测试", "version": getattr(obj, "version", 1), "active": "0",
        "reading_km": 123456, "read_on": today, "number": "13700001234", "phone": "13700001234",
        "label": "家", "province": "北京市", "city": "北京市", "detail": "测试路 1 号",
        "category": "motor", "lot_number": "X-1", "note": "越权测试",
    }
    owner = actor_objects.get("customers.Customer")
    if owner is not None:
        payload["new_owner"] = owner.pk
        payload["customer"] = owner.pk
    return payload


def test_actions_outside_scope_are_refused_and_change_nothing(harness, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    world, users, tokens, objects = harness
    failures = []
    actions = list(_kinds("action"))
    assert len(actions) >= 25, len(actions)
    for role in ("probe", "dealer_b", "engineer"):
        user = users[role]
        client.force_login(user)
        for key, label, spec, api in actions:
            for where, obj in objects[label].items():
                if where in SEES[role]:
                    continue
                mine = {lab: objs[next(iter(SEES[role]))] for lab, objs in objects.items()}
                url = _url(key, obj, spec)
                payload = _action_payload(obj, mine)
                before = fingerprint()
                if api:
                    response = client.post(url, payload, content_type="application/json",
                                           HTTP_AUTHORIZATION=f"Token {tokens[role]}")
                else:
                    if key.startswith("files/new/"):
                        payload["file"] = SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf")
                    response = client.post(url, payload)
                status = response.status_code
                if status not in (403, 404):
                    failures.append(f"{role} POST {url} (dealer {where}'s {label}): {status}")
                if fingerprint() != before:
                    failures.append(f"{role} POST {url} (dealer {where}'s {label}): the database changed")
        client.logout()
    assert failures == [], "\n".join(failures)


# --- whole-network pages and one user's own rows --------------------------------------------------

def test_network_wide_pages_open_only_for_roles_that_see_every_dealer(harness, client):
    """The jobs page and the personal-data access log are the network's, gated by a permission: no
    shipped role below the whole network holds it.  (``probe`` holds every permission on purpose, so
    it is left out: for these pages the permission is the gate.)"""
    world, users, tokens, objects = harness
    failures = []
    for key, _label, _spec, _api in _kinds("hq_only"):
        for role, user in world.users.items():
            client.force_login(user)
            status = client.get(_url(key)).status_code
            if SEES[role] != {"A", "B"} and status not in (403, 404):
                failures.append(f"{role} /{key}: {status}")
            client.logout()
    assert failures == [], "\n".join(failures)


def test_reference_routes_answer_every_role_without_an_error(harness, client):
    from aftersales.customers.services import vehicle_model_create

    world, users, tokens, objects = harness
    # Through the service: a vehicle model always has its warranty policy (the terms page needs it).
    shared = {"customers.VehicleModel": vehicle_model_create(actor=users["admin"], data={"code": "REF1", "name": "参考车型"})}
    failures = []
    for key, label, spec, api in _kinds("reference"):
        if "<" in key and not (spec and spec.model):
            continue  # a generic reference detail / edit / action: a shared row, walked by its list
        obj = (shared.get(label) or apps.get_model(label).objects.first()) if "<" in key else None
        if "<" in key and obj is None:
            continue
        for role in ("dealer", "agent", "probe"):
            status = _get(client, _url(key, obj), api, tokens[role]).status_code if api else None
            if not api:
                client.force_login(users[role])
                status = client.get(_url(key, obj)).status_code
            if status >= 500:
                failures.append(f"{role} /{key}: {status}")
    assert failures == [], "\n".join(failures)


def test_reference_models_point_at_no_scoped_row():
    """A form or serializer of shared reference data that could name a dealer's row would be a write
    the scope walk does not see: there is none."""
    offenders = []
    for _key, label, _spec, _api in _kinds("reference"):
        if not label:
            continue
        model = apps.get_model(label)
        for f in [*model._meta.fields, *model._meta.many_to_many]:
            if f.is_relation and f.related_model is not None and scoped(f.related_model):
                offenders.append(f"{label}.{f.name} → {f.related_model._meta.label}")
    assert sorted(set(offenders)) == []


def test_a_users_inbox_is_their_own(harness, client):
    from aftersales.notifications.models import Notification

    world, users, tokens, objects = harness
    note = Notification.objects.create(recipient=users["dealer"], title="MK-note-dealer")
    failures = []
    for key, _label, _spec, api in _kinds("own"):
        url = _url(key, note)
        for role in ("dealer_b", "probe"):
            client.force_login(users[role])
            before = Notification.objects.filter(pk=note.pk, read_at__isnull=True).exists()
            if key.endswith("read/") or key.endswith("read-all/"):
                response = (client.post(url, HTTP_AUTHORIZATION=f"Token {tokens[role]}") if api else client.post(url))
                if "<" in key and response.status_code not in (403, 404):
                    failures.append(f"{role} POST {url}: {response.status_code}")
            else:
                response = _get(client, url, api, tokens[role])
                if "<" in key and response.status_code not in (403, 404):
                    failures.append(f"{role} {url}: {response.status_code}")
                if "<" not in key and "MK-note-dealer" in _body(response):
                    failures.append(f"LEAK {role} {url}")
                if key.endswith("unread-count/") and response.json().get("count", response.json().get("unread")) not in (0, None):
                    failures.append(f"{role} {url}: counts another user's notification")
            if before != Notification.objects.filter(pk=note.pk, read_at__isnull=True).exists():
                failures.append(f"{role} {url}: marked another user's notification read")
            client.logout()
    client.force_login(users["dealer"])
    assert "MK-note-dealer" in _body(client.get("/notifications/")), "the owner sees it (else the check proves nothing)"
    assert failures == [], "\n".join(failures)
