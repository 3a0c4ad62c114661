"""API: list/detail/create/update, the JSON error shape, 409 on stale versions, permissions, N+1."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from aftersales.core.models import AuditEvent
from aftersales.parts.choices import PartCategory
from aftersales.parts.models import Part, Supplier

from .conftest import make_part

pytestmark = pytest.mark.django_db

PARTS = "/api/parts/parts/"
SUPPLIERS = "/api/parts/suppliers/"
MONITORED = "/api/parts/monitored-categories/"


def assert_error_shape(body: dict, code: str):
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]


def test_part_list_and_detail(api, supplier):
    part = make_part("MT-1", PartCategory.MOTOR, supplier, is_key_part=True)
    make_part("CS-1", PartCategory.CONSUMABLE)
    body = api.get(PARTS).json()
    assert body["count"] == 2
    assert [p["part_number"] for p in body["results"]] == ["CS-1", "MT-1"]
    detail = api.get(f"{PARTS}{part.pk}/").json()
    assert detail["supplier"] == supplier.pk
    assert detail["supplier_name"] == supplier.name
    assert detail["price"] == "100.00"
    assert detail["is_key_part"] is True
    orphan = api.get(f"{PARTS}{Part.objects.get(part_number='CS-1').pk}/").json()
    assert orphan["supplier"] is None and orphan["supplier_name"] is None


def test_part_list_filters(api, supplier):
    make_part("MT-1", PartCategory.MOTOR, supplier, is_key_part=True)
    make_part("MT-2", PartCategory.MOTOR, None, is_key_part=False)
    make_part("CS-1", PartCategory.CONSUMABLE)
    numbers = lambda params: [p["part_number"] for p in api.get(PARTS, params).json()["results"]]  # noqa: E731
    assert numbers({"category": "motor"}) == ["MT-1", "MT-2"]
    assert numbers({"category": "motor", "is_key_part": "true"}) == ["MT-1"]
    assert numbers({"supplier": supplier.pk}) == ["MT-1"]
    assert numbers({"q": "cs-"}) == ["CS-1"]


def test_create_part(api, supplier):
    response = api.post(PARTS, {"part_number": "rm-3100-01", "name": "钢制焊接轮辋 14寸", "category": "rim",
                                "unit": "piece", "price": "380.00", "supplier": supplier.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["part_number"] == "RM-3100-01"
    assert body["is_key_part"] is True  # rim welding is a monitored key part
    part = Part.objects.get(pk=body["id"])
    assert AuditEvent.objects.for_object(part).get().action == "parts.part.created"


@pytest.mark.parametrize(("payload", "field"), [
    ({"part_number": "MT 01"}, "part_number"),
    ({"price": "-1.00"}, "price"),
    ({"price": "1.234"}, "price"),
    ({"category": "nope"}, "category"),
])
def test_bad_part_input_gives_json_field_errors(api, payload, field):
    data = {"part_number": "MT-01", "name": "电机", "category": "motor", "unit": "piece", "price": "1.00", **payload}
    response = api.post(PARTS, data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, "invalid")
    assert field in body["fields"]
    assert not Part.objects.exists()


def test_duplicate_part_number_gives_field_error(api):
    make_part("MT-01")
    response = api.post(PARTS, {"part_number": "mt-01", "name": "电机", "category": "motor", "unit": "piece",
                                "price": "1.00"}, format="json")
    assert response.status_code == 400
    assert "part_number" in response.json()["fields"]


def test_supplier_create_and_bad_phone(api):
    ok = api.post(SUPPLIERS, {"code": "S401", "name": "上海瑞丰汽车电器有限公司", "contact_phone": "021-69571833",
                              "categories": ["electrical"]}, format="json")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["contact_phone"] == "+862169571833"
    assert ok.json()["categories"] == ["electrical"]
    bad = api.post(SUPPLIERS, {"code": "S402", "name": "坏电话", "quality_contact_phone": "12345",
                               "categories": ["warp_drive"]}, format="json")
    assert bad.status_code == 400
    body = bad.json()
    assert_error_shape(body, "invalid")
    assert {"quality_contact_phone", "categories"} <= set(body["fields"])
    assert Supplier.objects.count() == 1


def test_update_with_stale_version_is_409(api, supplier):
    url = f"{SUPPLIERS}{supplier.pk}/"
    first = api.patch(url, {"name": "新名称", "version": 1}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api.patch(url, {"name": "旧页面的修改", "version": 1}, format="json")
    assert stale.status_code == 409
    assert_error_shape(stale.json(), "stale_version")
    supplier.refresh_from_db()
    assert supplier.name == "新名称"


def test_monitored_categories(api):
    body = api.get(MONITORED).json()
    assert [c["category"] for c in body] == ["motor", "controller", "rear_axle", "differential", "frame",
                                             "front_shock", "rim"]
    assert all(c["is_monitored"] for c in body)
    assert api.post(MONITORED, {"category": "battery"}, format="json").status_code == 405


def test_permissions(reader, nobody, supplier):
    client = APIClient()
    assert client.get(PARTS).status_code in (401, 403)
    client.force_authenticate(nobody)
    for url in (PARTS, SUPPLIERS, MONITORED):
        response = client.get(url)
        assert response.status_code == 403
        assert_error_shape(response.json(), "permission_denied")
    client.force_authenticate(reader)
    assert client.get(PARTS).status_code == 200
    response = client.post(PARTS, {"part_number": "X-1", "name": "x", "category": "other", "unit": "piece",
                                   "price": "1"}, format="json")
    assert response.status_code == 403
    response = client.post(f"{SUPPLIERS}{supplier.pk}/deactivate/", {}, format="json")
    assert response.status_code == 403
    assert not Part.objects.exists()


def test_api_list_query_count_does_not_grow_with_rows(api, django_assert_max_num_queries):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url).status_code == 200
        return len(ctx)

    for i in range(3):
        make_part(f"P-{i}", supplier=Supplier.objects.create(code=f"S{i:03d}", name=f"供应商{i}"))
    count(PARTS), count(SUPPLIERS)  # warm the per-user permission cache
    few = (count(PARTS), count(SUPPLIERS))
    for i in range(30):
        make_part(f"Q-{i}", supplier=Supplier.objects.create(code=f"T{i:03d}", name=f"供应商T{i}"))
    assert (count(PARTS), count(SUPPLIERS)) == few
    with django_assert_max_num_queries(4):
        api.get(PARTS)
