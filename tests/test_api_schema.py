"""The schema tells the truth (issue 7 item 12, R-SYS-5): Schemathesis generates requests from the
OpenAPI schema the app serves at ``/api/schema/`` and sends them, in-process through the WSGI app,
as an administrator and as a dealer; no answer may be a server error or differ from what the schema
documents (status code, content type, headers, body).

Why in-process and inside the test transaction: the WSGI app runs in the test's thread, so it uses
the test's database connection and sees the world built for the test, and everything the generated
writes change is rolled back with the test (an earlier attempt that reached the app through another
connection waited on the test transaction's locks).  Two things make that hold on PostgreSQL too
(ADR 0020, "Engines"): the WSGI handler's ``close_old_connections`` receivers are unhooked for the
test, as Django's test client does (they closed the test's connection after the first call, and every
later call answered 503), and each call runs in a savepoint that is rolled back afterwards, so a
statement the database refuses aborts only that call and every call starts from the seeded world.
Bounded: a handful of examples per operation,
no coverage or stateful phase, no Hypothesis deadline; every operation, reads and writes, with
nothing excluded (see ADR 0020 for the figures).
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.urls import resolve
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aftersales.core.testing.scope_harness import load_factories
from aftersales.org.testing import build_world

#: Examples per operation and role; the ADR gives the run's figures.
MAX_EXAMPLES = 6

CONFIG = SchemathesisConfig.from_dict({
    "phases": {
        "examples": {"enabled": True},
        "fuzzing": {"enabled": True},
        "coverage": {"enabled": False},
        "stateful": {"enabled": False},
    },
    "generation": {"max-examples": MAX_EXAMPLES, "mode": "positive"},
    "seed": 20261203,
})


def _served_schema() -> dict:
    """The document ``/api/schema/?format=json`` serves (``test_the_served_schema_is_the_one_tested``
    checks that), built without a request or a database so it can parametrize at collection."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


SCHEMA_DOCUMENT = _served_schema()
schema = schemathesis.openapi.from_dict(SCHEMA_DOCUMENT, config=CONFIG)
schema.app = get_wsgi_application()

CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


def _seed(world) -> None:
    """One row of every scoped model at each dealer (the scope harness' factories), plus the rows
    whose optional parts are empty — a part without a supplier, a car without a plate, an e-mail
    without a template, an export request without a job — so the lists answer with them."""
    from decimal import Decimal

    from aftersales.customers import services as customer_services
    from aftersales.customers.models import Customer, Vehicle, VehicleModel
    from aftersales.notifications.choices import MessageCategory
    from aftersales.notifications.models import Notification, SmsTemplate
    from aftersales.parts.models import Part, Supplier

    for make in load_factories().values():
        make(world.dealer_a)
        make(world.dealer_b)
    admin = world.user("admin")
    customer_services.vehicle_model_create(actor=admin, data={"code": "S-EV1", "name": "小蚂蚁"},
                                           policy={"vehicle_months": 36, "vehicle_km": 60000})
    Vehicle.objects.create(vin="LSJA24U60JG000017", plate="", vehicle_model=VehicleModel.objects.first(),
                           selling_dealer=world.dealer_a, owner=Customer.objects.filter(
                               owning_dealer=world.dealer_a).first(), vin_override_reason="旧车架号")
    supplier = Supplier.objects.create(code="S-SUP1", name="江苏电机有限公司")
    Part.objects.create(part_number="S-P-001", name="驱动电机", category="motor", price=Decimal("3200.00"),
                        supplier=supplier, is_key_part=True)
    Part.objects.create(part_number="S-P-002", name="脚垫", category="accessory", price=Decimal("80.00"))
    SmsTemplate.objects.create(code="s_reminder", name="保养提醒", category=MessageCategory.NOTIFICATION,
                               provider_template_id="SMS_100001", text="您的爱车{plate}该保养了。")
    for user in world.users.values():
        Notification.objects.create(recipient=user, title="新的导出申请")


def _ids_by_list_path() -> dict[str, list[int]]:
    """``/api/…/`` of each router resource → the ids of all its rows (in and out of the user's
    scope), read through the view's serializer model with the unscoped manager on purpose."""
    ids = {}
    for path in SCHEMA_DOCUMENT["paths"]:
        if not path.endswith("/{id}/"):
            continue
        list_path = path[: -len("{id}/")]
        view = resolve(list_path).func
        model = view.cls.serializer_class.Meta.model
        ids[list_path] = sorted(model._base_manager.values_list("pk", flat=True))
    return ids


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes "old" connections when a request starts and finishes, and a connection
    inside a transaction (the test's) counts as one to drop: on SQLite's in-memory database closing
    is a no-op, on PostgreSQL it ends the test's transaction and every later call answers 503.
    Django's test client unhooks the same two receivers for the same reason."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["admin", "dealer"])
def api_user(request, db):
    """A real token of the API's token auth for the role's user, and the ids that exist, in a seeded
    world rolled back with the test."""
    from aftersales.core import tokens

    world = build_world()
    _seed(world)
    return tokens.issue_token(user=world.user(request.param)).key, _ids_by_list_path()


def _aim_at_real_rows(case, ids: dict[str, list[int]]) -> None:
    """A generated ``{id}`` rarely names a row; half of them (the even ones) are replaced by an id
    that exists, so edits and actions run on real rows — in scope, or outside it for the dealer."""
    generated = (case.path_parameters or {}).get("id")
    if not isinstance(generated, int) or generated % 2:
        return
    path = case.operation.path
    rows = ids.get(path[: path.index("{id}/")], [])
    if rows:
        case.path_parameters["id"] = rows[generated // 2 % len(rows)]


def test_the_served_schema_is_the_one_tested(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert json.loads(response.content) == SCHEMA_DOCUMENT


def test_the_schema_offers_no_create_that_always_refuses():
    """Staff get their login on the page: the API lists, reads and edits them but offers no POST."""
    assert "post" not in SCHEMA_DOCUMENT["paths"]["/api/org/staff/"]
    assert "get" in SCHEMA_DOCUMENT["paths"]["/api/org/staff/"]


def test_every_operation_documents_the_shared_error_body():
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in SCHEMA_DOCUMENT["paths"].items():
        for method, operation in operations.items():
            expected = {"400", "401", "403", "404", "503"} | ({"409"} if method != "get" else set())
            documented = {code for code, answer in operation["responses"].items()
                          if answer.get("content", {}).get("application/json", {}).get("schema") == error}
            assert expected <= documented, (method, path)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=MAX_EXAMPLES)
def test_api_answers_as_documented(case, api_user):
    token, ids = api_user
    _aim_at_real_rows(case, ids)
    # Each call runs in its own savepoint, rolled back afterwards: a statement PostgreSQL refuses
    # aborts only that savepoint, not the test's transaction (so the next call does not answer 503),
    # and every call starts from the same seeded world on both engines (ADR 0020, "Engines").
    savepoint = transaction.savepoint_create()
    try:
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
    finally:
        transaction.savepoint_rollback(savepoint)
