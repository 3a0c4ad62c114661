"""Pickers search (issue 8 item 6, R-CUS-5, R-SYS-2): choosing a customer, vehicle, dealer or part
is a search box over the lookup inside the user's scope, masked as the role sees it — never a
``<select>`` listing every row in scope.

The world: 张伟 at dealer A (朝阳, 138 1234 5678, car 京AD12345) and another 张伟 at dealer B
(浦东, 139 8765 4321).  ``agent`` sees both (phones masked), ``dealer`` (A) only A's in full,
``dealer_b`` only B's.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from aftersales.core.validators import vin_check_digit
from aftersales.customers import services
from aftersales.customers.forms import VehicleForm
from aftersales.customers.models import Customer, Vehicle, VehicleModel, VehicleOwnership
from aftersales.org.forms import DepartmentForm
from aftersales.parts.models import Part, Supplier

pytestmark = pytest.mark.django_db


def vin(serial: int) -> str:
    body = f"LSJA24U6XSG{serial:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


@pytest.fixture
def two_zhang(world):
    admin = world.user("admin")
    model = VehicleModel.objects.create(code="EV1", name="小蚂蚁")
    a = services.customer_create(actor=admin, data={"name": "张伟", "owning_dealer": world.dealer_a},
                                 phones=["13812345678"])
    b = services.customer_create(actor=admin, data={"name": "张伟", "owning_dealer": world.dealer_b},
                                 phones=["13987654321"])
    car = services.vehicle_create(actor=admin, data={"vin": vin(1), "plate": "京AD12345", "vehicle_model": model,
                                                    "owner": a, "selling_dealer": world.dealer_a,
                                                    "sale_date": date(2025, 3, 1)})
    car_b = services.vehicle_create(actor=admin, data={"vin": vin(2), "plate": "沪BX6789", "vehicle_model": model,
                                                      "owner": b, "selling_dealer": world.dealer_b})
    world.a, world.b, world.car, world.car_b, world.model = a, b, car, car_b, model
    return world


def client_for(world, role) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(world.user(role))
    return c


def pick(world, role, kind, q) -> str:
    response = client_for(world, role).get(f"/pick/{kind}/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def options(html: str) -> list[str]:
    return re.findall(r'data-value="(\d+)"', html)


def test_customer_picker_tells_two_zhang_wei_apart_as_the_agent_sees_them(two_zhang):
    w = two_zhang
    html = pick(w, "agent", "customers", "张伟")
    assert sorted(options(html)) == sorted([str(w.a.pk), str(w.b.pk)])
    # customer no., masked phone (agents see 138****5678), the dealer
    assert w.a.code in html and w.b.code in html
    assert "138****5678" in html and "139****4321" in html
    assert "13812345678" not in html and "138 1234 5678" not in html
    assert str(w.dealer_a) in html and str(w.dealer_b) in html


@pytest.mark.parametrize("q", ["5678", "AD123", "京AD12345", "张伟", "zw"])
def test_dealer_finds_only_its_own_customer_by_phone_tail_plate_name_initials(two_zhang, q):
    w = two_zhang
    html = pick(w, "dealer", "customers", q)
    assert options(html) == [str(w.a.pk)]
    assert "138 1234 5678" in html  # dealer staff see their own customers' phones in full
    assert w.b.code not in html


def test_customer_picker_by_vin_tail_and_code(two_zhang):
    w = two_zhang
    assert options(pick(w, "dealer", "customers", vin(1)[-6:])) == [str(w.a.pk)]
    assert options(pick(w, "dealer", "customers", w.a.code.lower())) == [str(w.a.pk)]
    # another store's customer no. is not offered
    assert options(pick(w, "dealer", "customers", w.b.code)) == []


def test_dealer_b_never_sees_dealer_a_customer_even_by_full_phone(two_zhang):
    w = two_zhang
    html = pick(w, "dealer_b", "customers", "13812345678")
    assert options(html) == []
    assert "没有找到“13812345678”，换个关键字试试" in html
    assert w.a.code not in html and "张伟" not in html
    assert options(pick(w, "dealer_b", "customers", "4321")) == [str(w.b.pk)]


def test_picker_asks_for_two_characters_and_refuses_unknown_kinds_and_roles(two_zhang):
    w = two_zhang
    html = pick(w, "dealer", "customers", "张")
    assert options(html) == [] and "请至少输入 2 个字符" in html
    assert client_for(w, "dealer").get("/pick/tickets/", {"q": "abc"}).status_code == 404
    anonymous = Client().get("/pick/customers/", {"q": "张伟"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_vehicle_picker_stays_in_scope(two_zhang):
    w = two_zhang
    html = pick(w, "agent", "vehicles", "张伟")  # the owner's name finds their cars
    assert sorted(options(html)) == sorted([str(w.car.pk), str(w.car_b.pk)])
    assert "京AD12345" in html and "小蚂蚁" in html and "车主 张伟" in html
    for q in ("AD123", vin(1)[-6:], "5678"):
        html = pick(w, "dealer", "vehicles", q)
        assert options(html) == [str(w.car.pk)], q
        assert vin(2) not in html
    assert options(pick(w, "dealer_b", "vehicles", "AD123")) == []
    assert options(pick(w, "dealer_b", "vehicles", vin(1))) == []  # a full VIN of another store: not offered


def test_organisation_picker_offers_only_organisations_in_scope(two_zhang):
    w = two_zhang
    assert options(pick(w, "dealer", "organisations", w.dealer_b.code)) == []
    assert options(pick(w, "dealer", "organisations", w.dealer_a.code)) == [str(w.dealer_a.pk)]
    assert str(w.dealer_b.pk) in options(pick(w, "agent", "organisations", w.dealer_b.code))


def test_part_picker_finds_by_number_and_name(two_zhang):
    w = two_zhang
    supplier = Supplier.objects.create(code="S01", name="宁德电机")
    part = Part.objects.create(part_number="MT-2200-01", name="驱动电机", category="motor", supplier=supplier)
    Part.objects.create(part_number="BT-1000-01", name="动力电池", category="battery")
    for q in ("mt-22", "驱动"):
        html = pick(w, "parts", "parts", q)
        assert options(html) == [str(part.pk)], q
        assert "宁德电机" in html and "¥" in html


def _many_customers(world, n=60):
    admin = world.user("admin")
    for i in range(n):
        services.customer_create(actor=admin, data={"name": f"批量客户{i:02d}", "owning_dealer": world.dealer_a},
                                 phones=[f"1370000{i:04d}"])


def test_vehicle_pages_render_no_option_per_customer(two_zhang):
    """An agent's vehicle page once rendered a select of every customer in scope (issue 8 item 7)."""
    w = two_zhang
    agent = client_for(w, "agent")
    detail_before = agent.get(f"/customers/vehicles/{w.car.pk}/").content.decode().count("<option")
    _many_customers(w)
    detail = agent.get(f"/customers/vehicles/{w.car.pk}/").content.decode()
    assert detail.count("<option") == detail_before  # 62 customers or 2: the same options (mileage sources)
    assert "批量客户" not in detail
    new = agent.get("/customers/vehicles/new/").content.decode()
    assert "批量客户" not in new and "张伟" not in new
    # the only select left in the form is the vehicle model: one model + the empty choice
    assert new.split("<main", 1)[1].count("<option") == 2
    assert 'name="owner"' in new and 'hx-get="/pick/customers/' in new


def test_edit_form_shows_the_chosen_owner(two_zhang):
    w = two_zhang
    html = client_for(w, "dealer").get(f"/customers/vehicles/{w.car.pk}/edit/").content.decode()
    field = re.search(r'<input type="search" id="id_owner"[^>]*>', html).group(0)
    assert f'value="张伟 · {w.a.code}"' in field
    assert f'<input type="hidden" name="owner" value="{w.a.pk}"' in html
    assert "138 1234 5678" in html  # the chosen owner's detail line


def _vehicle_post(w, **extra):
    data = {"vin": vin(9), "plate": "京AF00009", "vehicle_model": w.model.pk, "current_mileage": "0",
            "selling_dealer": w.dealer_a.pk}
    data.update(extra)
    return data


def test_out_of_scope_owner_is_refused_beside_the_field_and_nothing_is_created(two_zhang):
    w = two_zhang
    response = client_for(w, "dealer").post("/customers/vehicles/new/", _vehicle_post(w, owner=w.b.pk))
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'data-testid="error-owner">([^<]*)<', html).group(1)
    assert error == "在您可使用的记录中找不到。请重新搜索并从列表中选择。"
    assert w.b.code not in html  # the refused pk's label is not shown either
    assert not Vehicle.objects.filter(vin=vin(9)).exists()


def test_change_owner_to_another_stores_customer_is_refused(two_zhang):
    w = two_zhang
    response = client_for(w, "dealer").post(f"/customers/vehicles/{w.car.pk}/owner/", {"new_owner": w.b.pk})
    assert response.status_code == 400
    assert "在您可使用的记录中找不到" in response.content.decode()
    assert Vehicle.objects.get(pk=w.car.pk).owner_id == w.a.pk
    assert VehicleOwnership.objects.filter(customer=w.b).count() == 1  # only B's own car


def test_a_validation_error_keeps_what_was_typed_and_what_was_chosen(two_zhang):
    w = two_zhang
    dealer = client_for(w, "dealer")
    typed = dealer.post("/customers/vehicles/new/", _vehicle_post(w, vin="BAD", owner="", owner__search="王建"))
    assert typed.status_code == 400
    assert re.search(r'<input type="search" id="id_owner" name="owner__search" value="王建"', typed.content.decode())
    chosen = dealer.post("/customers/vehicles/new/", _vehicle_post(w, vin="BAD", owner=w.a.pk,
                                                                    owner__search=f"张伟 · {w.a.code}"))
    html = chosen.content.decode()
    assert f'<input type="hidden" name="owner" value="{w.a.pk}"' in html
    assert f'value="张伟 · {w.a.code}"' in html


def test_change_owner_with_the_picker(two_zhang):
    w = two_zhang
    admin = w.user("admin")
    other = services.customer_create(actor=admin, data={"name": "李娜", "owning_dealer": w.dealer_a},
                                     phones=["13600001111"])
    response = client_for(w, "dealer").post(f"/customers/vehicles/{w.car.pk}/owner/", {"new_owner": other.pk})
    assert response.status_code == 302
    assert Vehicle.objects.get(pk=w.car.pk).owner_id == other.pk


def test_editing_a_car_whose_owner_moved_keeps_the_owner_masked_and_saves(two_zhang):
    """Dealer A sold the car; its owner is now dealer B's customer (issue 7 item 3).  The edit form
    shows the owner masked, and saving another field keeps the owner."""
    w = two_zhang
    owner = Customer.objects.get(pk=w.a.pk)
    services.customer_update(owner, actor=w.user("admin"), data={"owning_dealer": w.dealer_b},
                             expected_version=owner.version)
    dealer = client_for(w, "dealer")
    html = dealer.get(f"/customers/vehicles/{w.car.pk}/edit/").content.decode()
    field = re.search(r'<input type="search" id="id_owner"[^>]*>', html).group(0)
    assert "张*" in field and "张伟" not in field
    car = Vehicle.objects.get(pk=w.car.pk)
    data = {"vin": car.vin, "plate": car.plate, "vehicle_model": w.model.pk, "selling_dealer": w.dealer_a.pk,
            "owner": w.a.pk, "colour": "白色", "sale_date": "2025-03-01", "version": car.version}
    response = dealer.post(f"/customers/vehicles/{w.car.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    car = Vehicle.objects.get(pk=w.car.pk)
    assert car.colour == "白色" and car.owner_id == w.a.pk


def test_generic_forms_and_filters_pick_the_search_box_by_themselves(two_zhang):
    w = two_zhang
    with translation.override("zh-hans"):
        form = DepartmentForm(user=w.user("admin"))
        assert type(form.fields["organisation"]).__name__ == "PickerField"
        assert 'hx-get="/pick/organisations/' in str(form["organisation"])
        assert type(VehicleForm(user=w.user("dealer")).fields["vehicle_model"]).__name__ == "ModelChoiceField"
    agent = client_for(w, "agent")
    listing = agent.get("/customers/customers/").content.decode()
    assert 'name="owning_dealer"' in listing and 'hx-get="/pick/organisations/' in listing
    assert f'>{w.dealer_b}</option>' not in listing
    filtered = agent.get("/customers/customers/", {"owning_dealer": w.dealer_b.pk}).content.decode()
    assert w.b.code in filtered and w.a.code not in filtered
    assert f'value="{w.dealer_b} · {w.dealer_b.code}"' in filtered  # the chosen dealer's label


def test_staff_picker_on_the_customer_form(two_zhang):
    """The responsible person of a customer is searched too: a network has tens of thousands of staff."""
    w = two_zhang
    html = client_for(w, "agent").get("/customers/customers/new/").content.decode()
    assert 'hx-get="/pick/staff/' in html and 'hx-get="/pick/organisations/' in html
    assert "<option" not in html.split("<main", 1)[1].split('name="responsible"', 1)[1].split("</div>", 1)[0]
    found = pick(w, "dealer", "staff", "dealer")
    assert options(found) == [str(w.user("dealer").staff_profile.pk)]
    assert "dealer_b" not in found  # another store's staff are not offered
    assert str(w.user("dealer_b").staff_profile.pk) in options(pick(w, "agent", "staff", "dealer_b"))
