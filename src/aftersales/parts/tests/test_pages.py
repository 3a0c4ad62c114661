"""Pages: lists with filters, forms that keep typed input and show field errors, permissions, N+1."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.core.models import AuditEvent
from aftersales.parts.choices import PartCategory
from aftersales.parts.models import Part, Supplier

from .conftest import make_part

pytestmark = pytest.mark.django_db


def test_part_list_filters_by_category(clerk_client, supplier):
    make_part("MT-1", PartCategory.MOTOR, supplier)
    make_part("CS-1", PartCategory.CONSUMABLE)
    response = clerk_client.get(reverse("parts:part_list"), {"category": "motor"})
    assert response.status_code == 200
    rows = [r.record.part_number for r in response.context["table"].paginated_rows]
    assert rows == ["MT-1"]


def test_part_list_search_and_flags(clerk_client, supplier):
    make_part("MT-1", PartCategory.MOTOR, supplier, is_key_part=True)
    make_part("MT-2", PartCategory.MOTOR, None, is_key_part=False, name="电机前轴承")
    make_part("AC-1", PartCategory.ACCESSORY, None, is_accessory=True)
    url = reverse("parts:part_list")

    def numbers(params):
        return sorted(r.record.part_number for r in clerk_client.get(url, params).context["table"].paginated_rows)

    assert numbers({"q": "精驰"}) == ["MT-1"]  # supplier name
    assert numbers({"q": "轴承"}) == ["MT-2"]
    assert numbers({"is_key_part": "true"}) == ["MT-1"]
    assert numbers({"is_accessory": "true"}) == ["AC-1"]
    assert numbers({"supplier": supplier.pk}) == ["MT-1"]


def test_supplier_list_filters_by_category_supplied(clerk_client, supplier):
    Supplier.objects.create(code="S106", name="宁波安驰减震器有限公司", categories=["front_shock"])
    response = clerk_client.get(reverse("parts:supplier_list"), {"category": "front_shock"})
    assert [r.record.code for r in response.context["table"].paginated_rows] == ["S106"]
    response = clerk_client.get(reverse("parts:supplier_list"), {"q": "精驰"})
    assert [r.record.code for r in response.context["table"].paginated_rows] == ["S101"]


def test_supplier_detail_shows_its_parts_and_timeline(clerk_client, supplier):
    make_part("MT-1", PartCategory.MOTOR, supplier)
    make_part("CS-1", PartCategory.CONSUMABLE)
    response = clerk_client.get(reverse("parts:supplier_detail", args=[supplier.pk]))
    assert response.status_code == 200
    assert [p.part_number for p in response.context["parts"]] == ["MT-1"]
    body = response.content.decode()
    assert "MT-1" in body and "CS-1" not in body
    assert "0519-86321188" in body  # stored E.164, shown readable


def test_part_detail(clerk_client, supplier):
    part = make_part("MT-1", PartCategory.MOTOR, supplier, warranty_months=96)
    response = clerk_client.get(reverse("parts:part_detail", args=[part.pk]))
    assert response.status_code == 200
    assert response.context["category_monitored"] is True
    assert supplier.name in response.content.decode()


def test_create_part_through_the_form(clerk_client, supplier):
    response = clerk_client.post(reverse("parts:part_add"), {
        "part_number": "mt-2200-01", "name": "驱动电机总成", "category": "motor", "unit": "set",
        "price": "12800.00", "supplier": supplier.pk, "is_key_part": "unknown",
    })
    assert response.status_code == 302
    part = Part.objects.get()
    assert response["Location"] == part.get_absolute_url()
    assert (part.part_number, part.is_key_part) == ("MT-2200-01", True)
    assert AuditEvent.objects.for_object(part).get().action == "parts.part.created"


def test_bad_part_form_keeps_typed_values_and_shows_field_errors(clerk_client):
    response = clerk_client.post(reverse("parts:part_add"), {
        "part_number": "MT 22/01", "name": "驱动电机总成", "category": "motor", "unit": "set", "price": "-5",
    })
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"part_number", "price"}
    body = response.content.decode()
    assert 'data-testid="error-part_number"' in body
    assert 'data-testid="error-price"' in body
    assert 'value="驱动电机总成"' in body
    assert 'value="MT 22/01"' in body
    assert not Part.objects.exists()


def test_duplicate_part_number_error_shows_beside_the_field(clerk_client):
    make_part("MT-1")
    response = clerk_client.post(reverse("parts:part_add"), {
        "part_number": "mt-1", "name": "重复", "category": "motor", "unit": "piece", "price": "1",
    })
    assert response.status_code == 400
    assert "part_number" in response.context["form"].errors
    assert Part.objects.count() == 1


def test_bad_supplier_phone_is_shown_beside_the_field(clerk_client):
    response = clerk_client.post(reverse("parts:supplier_add"), {
        "code": "S301", "name": "测试供应商", "contact_phone": "12345", "categories": ["motor", "rim"],
    })
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"contact_phone"}
    body = response.content.decode()
    assert 'data-testid="error-contact_phone"' in body
    assert 'value="测试供应商"' in body
    assert response.context["form"]["categories"].value() == ["motor", "rim"]
    assert not Supplier.objects.exists()


def test_create_and_edit_supplier(clerk_client):
    response = clerk_client.post(reverse("parts:supplier_add"), {
        "code": "s301", "name": "测试供应商", "contact_phone": "0755-2776 1520", "categories": ["controller"],
    })
    assert response.status_code == 302
    supplier = Supplier.objects.get()
    assert (supplier.code, supplier.contact_phone, supplier.categories) == ("S301", "+8675527761520", ["controller"])
    edit = clerk_client.get(reverse("parts:supplier_edit", args=[supplier.pk]))
    assert edit.context["form"].initial["contact_phone"] == "0755-27761520"
    response = clerk_client.post(reverse("parts:supplier_edit", args=[supplier.pk]), {
        "code": "S301", "name": "测试供应商二", "contact_phone": "0755-27761520", "categories": ["controller"],
        "version": 1,
    })
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert (supplier.name, supplier.version) == ("测试供应商二", 2)
    # only the name changed: the re-shown phone normalises to the same stored value
    assert AuditEvent.objects.for_object(supplier).first().changes == {"name": ["测试供应商", "测试供应商二"]}


@pytest.mark.parametrize("name", ["part_list", "supplier_list", "part_add", "supplier_add"])
def test_pages_need_permissions(client, nobody, name):
    response = client.get(reverse(f"parts:{name}"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(nobody)
    assert client.get(reverse(f"parts:{name}")).status_code == 403


def test_reader_cannot_write(client, reader, supplier):
    client.force_login(reader)
    assert client.get(reverse("parts:supplier_detail", args=[supplier.pk])).status_code == 200
    assert client.get(reverse("parts:supplier_edit", args=[supplier.pk])).status_code == 403
    assert client.post(reverse("parts:supplier_deactivate", args=[supplier.pk])).status_code == 403
    assert client.post(reverse("parts:part_add"), {"part_number": "X-1"}).status_code == 403
    supplier.refresh_from_db()
    assert supplier.is_active is True


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(("name", "extra"), [("part_list", 25), ("supplier_list", 25)])
def test_list_query_count_does_not_grow_with_rows(clerk_client, django_assert_max_num_queries, name, extra):
    url = reverse(f"parts:{name}")
    suppliers = [Supplier.objects.create(code=f"S{i:03d}", name=f"供应商{i}") for i in range(3)]
    for i in range(3):
        make_part(f"P-{i}", supplier=suppliers[i])
    _count_queries(clerk_client, url)  # warm session and per-user caches
    few = _count_queries(clerk_client, url)
    for i in range(extra):
        s = Supplier.objects.create(code=f"T{i:03d}", name=f"供应商T{i}")
        make_part(f"Q-{i}", supplier=s)
    many = _count_queries(clerk_client, url)
    assert many == few
    # Ours: count + rows (+ the supplier choices of the filter); the rest is the page chrome
    # (session, user, permissions, staff profile, unread notifications).
    with django_assert_max_num_queries(12):
        clerk_client.get(url)


def test_pages_speak_chinese_first_and_english_on_request(clerk_client, supplier):
    make_part("MT-1", PartCategory.MOTOR, supplier, warranty_months=96, warranty_km=150000)
    part = Part.objects.get()
    body = clerk_client.get(reverse("parts:part_list")).content.decode()
    assert "配件目录" in body and "驱动电机" in body
    body = clerk_client.get(reverse("parts:part_detail", args=[part.pk])).content.decode()
    assert "96 个月" in body and "150000 公里" in body and "关键件" in body
    body = clerk_client.get(reverse("parts:supplier_detail", args=[supplier.pk])).content.decode()
    assert "质量联系人" in body
    body = clerk_client.get(reverse("parts:part_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Parts catalogue" in body and "Drive motor" in body


def test_forms_render(clerk_client, supplier):
    part = make_part("MT-1", PartCategory.MOTOR, supplier, is_key_part=True)
    for url in (reverse("parts:part_add"), reverse("parts:supplier_add"),
                reverse("parts:part_edit", args=[part.pk]), reverse("parts:supplier_edit", args=[supplier.pk])):
        assert clerk_client.get(url).status_code == 200, url
    form = clerk_client.get(reverse("parts:part_edit", args=[part.pk])).context["form"]
    assert form["is_key_part"].value() is True
    assert form["version"].value() == 1


def test_navigation_by_permission(reader, nobody):
    from aftersales.core.registry import navigation_for

    sections = {s["key"]: [i.url_name for i in s["items"]] for s in navigation_for(reader)}
    assert sections["parts"] == ["parts:part_list", "parts:supplier_list"]
    assert "parts" not in {s["key"] for s in navigation_for(nobody)}


def test_catalogue_exports_exactly_the_filtered_rows(clerk_client, supplier):
    make_part("MT-1", PartCategory.MOTOR, supplier)
    make_part("CS-1", PartCategory.CONSUMABLE)
    page = clerk_client.get(reverse("parts:part_list"), {"category": "motor"}).content.decode()
    assert 'data-testid="export-csv"' in page
    response = clerk_client.get(reverse("imports:export", args=["parts"]), {"category": "motor", "format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else response.content.decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("MT-1,")
