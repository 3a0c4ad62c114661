"""Services: validation, normalisation, audit and optimistic locking (DESIGN.md rules 1 and 8)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aftersales.core.exceptions import StaleVersionError
from aftersales.core.models import AuditEvent
from aftersales.parts import selectors, services
from aftersales.parts.choices import KEY_PART_CATEGORIES, PartCategory, PartUnit
from aftersales.parts.models import MonitoredPartCategory, Part, Supplier

from .conftest import make_part

pytestmark = pytest.mark.django_db


def supplier_data(**overrides):
    data = {"code": "s201", "name": "浙江恒远车桥制造有限公司", "short_name": "恒远车桥",
            "categories": [PartCategory.DIFFERENTIAL, PartCategory.REAR_AXLE],
            "contact_person": "方国强", "contact_phone": "0579-8221 9060",
            "quality_contact_name": "叶晓芬", "quality_contact_phone": "+86 137 5791 8825",
            "quality_contact_email": "qa@example.cn"}
    data.update(overrides)
    return data


def part_data(**overrides):
    data = {"part_number": " mt-2200-01 ", "name": "驱动电机总成", "category": PartCategory.MOTOR,
            "unit": PartUnit.SET, "price": Decimal("12800.00")}
    data.update(overrides)
    return data


def events_for(obj):
    return list(AuditEvent.objects.for_object(obj).order_by("id"))


# --- suppliers -------------------------------------------------------------------------------

def test_supplier_create_normalises_and_is_audited(clerk):
    supplier = services.supplier_create(actor=clerk, data=supplier_data())
    assert supplier.code == "S201"
    assert supplier.contact_phone == "+8657982219060"
    assert supplier.quality_contact_phone == "+8613757918825"
    # categories are kept in catalogue order, without duplicates
    assert supplier.categories == ["rear_axle", "differential"]
    [event] = events_for(supplier)
    assert event.action == "parts.supplier.created"
    assert event.actor == clerk
    assert event.changes["contact_phone"] == [None, "+8657982219060"]
    assert event.changes["code"] == [None, "S201"]


def test_supplier_update_records_old_and_new_values(clerk, supplier):
    updated = services.supplier_update(supplier, actor=clerk, data={"contact_phone": "13812345678", "name": "新名称"},
                                       expected_version=supplier.version)
    assert updated.contact_phone == "+8613812345678"
    assert updated.version == 2
    event = events_for(updated)[-1]
    assert event.action == "parts.supplier.updated"
    assert event.changes == {"contact_phone": ["+8651986321188", "+8613812345678"],
                             "name": ["江苏精驰电机有限公司", "新名称"]}


def test_supplier_bad_phones_are_refused_field_by_field_and_nothing_saved(clerk):
    with pytest.raises(ValidationError) as info:
        services.supplier_create(actor=clerk, data=supplier_data(contact_phone="12345",
                                                                 quality_contact_phone="not a phone"))
    assert set(info.value.message_dict) == {"contact_phone", "quality_contact_phone"}
    assert info.value.error_dict["contact_phone"][0].code == "phone_invalid"
    assert not Supplier.objects.exists()
    assert not AuditEvent.objects.exists()


def test_supplier_unknown_category_refused(clerk):
    with pytest.raises(ValidationError) as info:
        services.supplier_create(actor=clerk, data=supplier_data(categories=["motor", "flux_capacitor"]))
    assert "categories" in info.value.message_dict
    assert not Supplier.objects.exists()


def test_supplier_duplicate_code_refused(clerk, supplier):
    with pytest.raises(ValidationError) as info:
        services.supplier_create(actor=clerk, data=supplier_data(code="s101"))
    assert "code" in info.value.message_dict
    assert Supplier.objects.count() == 1


def test_stale_supplier_version_is_refused(clerk, supplier):
    services.supplier_update(supplier, actor=clerk, data={"name": "甲"}, expected_version=1)
    with pytest.raises(StaleVersionError):
        services.supplier_update(supplier, actor=clerk, data={"name": "乙"}, expected_version=1)
    supplier.refresh_from_db()
    assert supplier.name == "甲"
    assert supplier.version == 2


def test_supplier_deactivation_is_audited(clerk, supplier):
    services.supplier_set_active(supplier, actor=clerk, active=False, reason="停止合作")
    supplier.refresh_from_db()
    assert supplier.is_active is False
    event = events_for(supplier)[-1]
    assert event.action == "parts.supplier.deactivated"
    assert event.note == "停止合作"
    assert event.changes == {"is_active": [True, False]}


# --- parts -----------------------------------------------------------------------------------

def test_part_create_normalises_number_and_defaults_key_part_from_category(clerk, supplier):
    part = services.part_create(actor=clerk, data=part_data(supplier=supplier))
    assert part.part_number == "MT-2200-01"
    assert part.is_key_part is True
    assert part.is_accessory is False
    [event] = events_for(part)
    assert event.action == "parts.part.created"
    assert event.changes["part_number"] == [None, "MT-2200-01"]
    assert event.changes["supplier"][1]["id"] == supplier.pk


@pytest.mark.parametrize("category", KEY_PART_CATEGORIES)
def test_every_key_part_category_defaults_to_key_part(clerk, category):
    part = services.part_create(actor=clerk, data=part_data(part_number=f"K-{category.upper().replace('_', '')}",
                                                            category=category))
    assert part.is_key_part is True


def test_non_key_categories_and_explicit_choice(clerk):
    pad = services.part_create(actor=clerk, data=part_data(part_number="CS-1", category=PartCategory.CONSUMABLE))
    assert pad.is_key_part is False
    mat = services.part_create(actor=clerk, data=part_data(part_number="AC-1", category=PartCategory.ACCESSORY))
    assert (mat.is_key_part, mat.is_accessory) == (False, True)
    bearing = services.part_create(actor=clerk, data=part_data(part_number="MT-9", is_key_part=False))
    assert bearing.is_key_part is False
    pack = services.part_create(actor=clerk, data=part_data(part_number="BT-1", category=PartCategory.BATTERY,
                                                            is_key_part=True))
    assert pack.is_key_part is True


def test_key_part_list_is_configurable(clerk):
    assert selectors.monitored_category_codes() == list(KEY_PART_CATEGORIES)
    MonitoredPartCategory.objects.filter(category=PartCategory.RIM).update(is_monitored=False)
    MonitoredPartCategory.objects.create(category=PartCategory.BATTERY, order=5)
    rim = services.part_create(actor=clerk, data=part_data(part_number="RM-1", category=PartCategory.RIM))
    pack = services.part_create(actor=clerk, data=part_data(part_number="BT-1", category=PartCategory.BATTERY))
    assert (rim.is_key_part, pack.is_key_part) == (False, True)
    assert selectors.monitored_category_codes()[0] == PartCategory.BATTERY
    assert PartCategory.RIM not in selectors.monitored_category_codes()


@pytest.mark.parametrize(("field", "value"), [
    ("part_number", "MT 2200/01"),
    ("part_number", "MT--01"),
    ("part_number", "-MT01"),
    ("part_number", "电机-01"),
    ("part_number", ""),
    ("price", Decimal("-0.01")),
    ("category", "flux_capacitor"),
    ("name", ""),
    ("warranty_months", 0),
])
def test_bad_part_input_is_refused_with_a_field_error_and_nothing_saved(clerk, field, value):
    with pytest.raises(ValidationError) as info:
        services.part_create(actor=clerk, data=part_data(**{field: value}))
    assert field in info.value.message_dict
    assert not Part.objects.exists()
    assert not AuditEvent.objects.exists()


def test_full_width_part_number_is_folded(clerk):
    part = services.part_create(actor=clerk, data=part_data(part_number="ｍｔ－２２００"))
    assert part.part_number == "MT-2200"


def test_duplicate_part_number_refused_case_insensitively(clerk):
    make_part("MT-2200-01")
    with pytest.raises(ValidationError) as info:
        services.part_create(actor=clerk, data=part_data(part_number="mt-2200-01"))
    assert "part_number" in info.value.message_dict
    assert Part.objects.count() == 1


def test_part_update_audited_and_key_part_follows_category_only_when_asked(clerk):
    part = services.part_create(actor=clerk, data=part_data())
    part = services.part_update(part, actor=clerk, data={"category": PartCategory.BATTERY, "price": Decimal("99.50")},
                                expected_version=1)
    assert part.is_key_part is True  # not asked: kept
    event = events_for(part)[-1]
    assert event.action == "parts.part.updated"
    assert event.changes == {"category": ["motor", "battery"], "price": ["12800.00", "99.50"]}
    part = services.part_update(part, actor=clerk, data={"is_key_part": None}, expected_version=2)
    assert part.is_key_part is False  # battery is not monitored by default
    assert events_for(part)[-1].changes == {"is_key_part": [True, False]}


def test_part_update_without_changes_writes_nothing(clerk):
    part = services.part_create(actor=clerk, data=part_data())
    services.part_update(part, actor=clerk, data={"name": part.name}, expected_version=1)
    part.refresh_from_db()
    assert part.version == 1
    assert len(events_for(part)) == 1


def test_stale_part_version_is_refused(clerk):
    part = services.part_create(actor=clerk, data=part_data())
    services.part_update(part, actor=clerk, data={"name": "甲"}, expected_version=1)
    with pytest.raises(StaleVersionError):
        services.part_update(part, actor=clerk, data={"name": "乙"}, expected_version=1)
    part.refresh_from_db()
    assert part.name == "甲"


def test_bad_update_changes_nothing(clerk):
    part = services.part_create(actor=clerk, data=part_data())
    with pytest.raises(ValidationError):
        services.part_update(part, actor=clerk, data={"price": Decimal("-1"), "name": "改"}, expected_version=1)
    part.refresh_from_db()
    assert (part.name, part.price, part.version) == ("驱动电机总成", Decimal("12800.00"), 1)
    assert len(events_for(part)) == 1


# --- selectors -------------------------------------------------------------------------------

def test_selectors_return_nothing_for_anonymous(supplier):
    from django.contrib.auth.models import AnonymousUser

    make_part("MT-1", supplier=supplier)
    anonymous = AnonymousUser()
    assert not selectors.supplier_list(user=anonymous).exists()
    assert not selectors.part_list(user=anonymous).exists()
    assert not selectors.monitored_category_list(user=anonymous).exists()


def test_reference_data_is_not_scoped(reader, supplier):
    """A user with no organisation at all still sees the whole catalogue (network-wide master data)."""
    make_part("MT-1", supplier=supplier)
    assert selectors.supplier_list(user=reader).get().part_count == 1
    assert selectors.part_list(user=reader).count() == 1
    assert selectors.monitored_category_list(user=reader).count() == 7


def test_part_cannot_be_given_a_deactivated_supplier(clerk, supplier):
    part = services.part_create(actor=clerk, data=part_data(supplier=supplier))
    services.supplier_set_active(supplier, actor=clerk, active=False)
    supplier.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        services.part_create(actor=clerk, data=part_data(part_number="MT-2", supplier=supplier))
    assert info.value.error_dict["supplier"][0].code == "supplier_inactive"
    # parts that already use it keep it and stay editable
    part = services.part_update(part, actor=clerk, data={"supplier": supplier, "name": "改名"}, expected_version=1)
    assert part.supplier == supplier and part.name == "改名"
