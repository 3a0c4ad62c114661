"""R-CUS-1/2/3: services validate, audit old → new, keep history and archive state."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.core.exceptions import ServiceError
from aftersales.core.models import AuditEvent
from aftersales.customers import services
from aftersales.customers.models import CustomerPhone, Vehicle, VehicleOwnership
from aftersales.customers.selectors import customer_change_history

from .conftest import valid_vin

pytestmark = pytest.mark.django_db


def test_customer_create_normalises_phone_and_sets_code_initials(make_customer, dealer_a):
    c = make_customer(dealer_a, name="张三丰", phone="138-1234 5678")
    today = timezone.localdate().strftime("%Y%m%d")
    assert c.code == f"C-{dealer_a.code}-{today}-0001"  # R-CUS-1: the dealer's daily customer series
    assert make_customer(dealer_a, name="李四", phone="13912345678").code == f"C-{dealer_a.code}-{today}-0002"
    assert c.name_initials == "zsf"
    assert c.primary_phone == "+8613812345678"
    phone = c.phones.get()
    assert phone.is_primary and phone.digits_reversed == "87654321831"
    assert AuditEvent.objects.filter(customer_id=c.pk, action="customers.customer.created").exists()


def test_customer_create_refuses_bad_phone_without_writing(admin_user, dealer_a):
    with pytest.raises(ValidationError) as exc:
        services.customer_create(actor=admin_user, data={"name": "李四", "owning_dealer": dealer_a}, phones=["12345"])
    assert "phones" in exc.value.message_dict
    assert not CustomerPhone.objects.exists()


def test_history_of_address_phone_person_in_charge_and_dealer(make_customer, dealer_a, dealer_b, admin_user):
    c = make_customer(dealer_a, kind="fleet", person_in_charge="王经理")
    services.customer_update(c, actor=admin_user, data={"person_in_charge": "赵主管", "owning_dealer": dealer_b})
    address = c.addresses.get()
    services.address_update(address, actor=admin_user, data={"detail": "长安街 1 号"})
    services.phone_add(actor=admin_user, customer=c, number="13900001111", make_primary=True)
    events = list(customer_change_history(c.pk))
    changes = {k: v for e in events for k, v in e.changes.items()}
    assert changes["person_in_charge"] == ["王经理", "赵主管"]
    assert changes["owning_dealer"][0]["id"] == dealer_a.pk and changes["owning_dealer"][1]["id"] == dealer_b.pk
    assert changes["detail"] == ["建国路 88 号", "长安街 1 号"]
    assert changes["primary_phone"] == ["+8613812345678", "+8613900001111"]
    assert all(e.actor_id == admin_user.pk for e in events)


def test_last_phone_cannot_be_removed_and_primary_moves(make_customer, dealer_a, admin_user):
    c = make_customer(dealer_a)
    with pytest.raises(ServiceError):
        services.phone_remove(actor=admin_user, phone=c.phones.get())
    services.phone_add(actor=admin_user, customer=c, number="13900001111")
    services.phone_remove(actor=admin_user, phone=c.phones.get(is_primary=True))
    c.refresh_from_db()
    assert c.primary_phone == "+8613900001111" and c.phones.get().is_primary


def test_vehicle_bad_check_digit_refused_then_accepted_with_audited_reason(make_customer, make_vehicle, dealer_a):
    owner = make_customer(dealer_a)
    with pytest.raises(ValidationError) as exc:
        make_vehicle(owner, vin="LSJA24U63JG269225")
    assert "vin" in exc.value.message_dict
    v = make_vehicle(owner, vin="LSJA24U63JG269225", vin_override_reason="平行进口车，原厂 VIN")
    assert v.vin == "LSJA24U63JG269225"
    event = AuditEvent.objects.get(action="customers.vehicle.vin_override", vehicle_id=v.pk)
    assert event.note == "平行进口车，原厂 VIN" and event.customer_id == owner.pk


def test_duplicate_vin_is_a_field_error(make_customer, make_vehicle, dealer_a):
    owner = make_customer(dealer_a)
    make_vehicle(owner, vin="LSJA24U62JG269225")
    with pytest.raises(ValidationError) as exc:
        make_vehicle(owner, vin="lsja24u62jg269225")
    assert exc.value.message_dict["vin"] == ["此车架号已存在"] or "VIN" in exc.value.message_dict["vin"][0]
    assert Vehicle.objects.count() == 1


def test_plate_validated_and_special_plates_allowed(make_customer, make_vehicle, dealer_a):
    owner = make_customer(dealer_a)
    with pytest.raises(ValidationError) as exc:
        make_vehicle(owner, plate="京A1234")
    assert "plate" in exc.value.message_dict
    v = make_vehicle(owner, plate="京 AD·12345")
    assert (v.plate, v.plate_kind) == ("京AD12345", "new_energy_small")
    special = make_vehicle(owner, plate="WJ01234", allow_other_plate=True)
    assert special.plate_kind == "other"


def test_mileage_lower_refused_without_reason_accepted_with_reason(make_customer, make_vehicle, dealer_a, admin_user):
    v = make_vehicle(make_customer(dealer_a))
    today = timezone.localdate()
    services.record_mileage(actor=admin_user, vehicle=v, reading_km=12000, read_on=today - timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.record_mileage(actor=admin_user, vehicle=v, reading_km=500, read_on=today)
    assert "12000" in exc.value.message_dict["reading_km"][0]
    reading = services.record_mileage(actor=admin_user, vehicle=v, reading_km=500, read_on=today, reason="更换仪表")
    v.refresh_from_db()
    assert reading.override_reason == "更换仪表" and v.current_mileage == 500
    assert AuditEvent.objects.filter(vehicle_id=v.pk, action="customers.mileage.recorded").count() == 2


def test_change_owner_ends_ownership_and_shows_on_both_timelines(make_customer, make_vehicle, dealer_a, admin_user):
    old, new = make_customer(dealer_a), make_customer(dealer_a, name="李四", phone="13900002222")
    v = make_vehicle(old)
    services.change_owner(actor=admin_user, vehicle=v, new_owner=new, on=date.today(), reason="二手转让")
    v.refresh_from_db()
    assert v.owner == new
    first, second = VehicleOwnership.objects.filter(vehicle=v).order_by("id")
    assert first.customer == old and first.ended_on == date.today()
    assert second.customer == new and second.ended_on is None
    for cust in (old, new):
        assert AuditEvent.objects.filter(customer_id=cust.pk, action="customers.vehicle.owner_changed").exists()


def test_archive_completed_when_required_fields_present(make_customer, make_vehicle, dealer_a, admin_user):
    c = make_customer(dealer_a)
    assert c.archive_completed_at is None  # no vehicle yet
    make_vehicle(c)
    c.refresh_from_db()
    assert c.archive_completed_at is not None
    fleet = make_customer(dealer_a, kind="fleet", name="顺丰车队", phone="13900003333")
    make_vehicle(fleet)
    fleet.refresh_from_db()
    assert fleet.archive_completed_at is None  # person in charge missing
    services.customer_update(fleet, actor=admin_user, data={"person_in_charge": "王队长"})
    fleet.refresh_from_db()
    assert fleet.archive_completed_at is not None


def test_export_customer_data_logged(make_customer, make_vehicle, dealer_a, make_user, hq):
    from aftersales.core.models import PersonalDataAccess

    c = make_customer(dealer_a)
    make_vehicle(c)
    manager = make_user("manager", hq)
    data = services.export_customer_data(actor=manager, customer=c)
    assert data["customer"]["name"] == "张三" and len(data["vehicles"]) == 1 and data["timeline"]
    assert PersonalDataAccess.objects.filter(action="export", customer_id=c.pk, actor=manager).exists()
    assert services.export_needs_approval(1001) and not services.export_needs_approval(1000)


def test_valid_vin_helper():
    from aftersales.core.validators import validate_vin

    assert validate_vin(valid_vin(7)) == valid_vin(7)
