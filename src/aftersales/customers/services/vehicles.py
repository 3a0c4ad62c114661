"""Vehicles: identity (VIN, plate), owner changes, mileage, key-part lots, reception (R-CUS-2).

Events carry ``vehicle_id`` and the owner's ``customer_id``, so they show on both timelines.  An
owner change touches the archive state of both customers, hence the import from ``customers``.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core import audit
from aftersales.core import services as core_services
from aftersales.core.scoping import check_references
from aftersales.core.validation import FieldErrors

from .. import events
from ..choices import MileageSource
from ..lookup import index as lookup
from ..models import (
    Customer,
    KeyPartLot,
    MileageReading,
    Vehicle,
    VehicleOwnership,
)
from ..validation import check_plate, check_vin
from .customers import refresh_archive_state, with_changes


def _vehicle_identity(data: dict, *, instance: Vehicle | None, allow_other_plate: bool) -> bool:
    """Normalise VIN and plate in ``data``; returns True when the VIN check digit was overridden.

    A bad VIN and a bad plate are refused together, with the rest of the vehicle's field errors
    (issue 8 item 3)."""
    overridden = False
    errors = FieldErrors()
    if "vin" in data:
        with errors.collect("vin"):
            data["vin"], overridden = check_vin(data["vin"], override_reason=data.get("vin_override_reason") or "")
            if not overridden:
                data["vin_override_reason"] = ""
            duplicate = Vehicle.objects.filter(vin=data["vin"])
            if instance is not None:
                duplicate = duplicate.exclude(pk=instance.pk)
            if duplicate.exists():
                raise ValidationError(_("A vehicle with this VIN already exists."))
    if "plate" in data:
        with errors.collect("plate"):
            data["plate"], data["plate_kind"] = check_plate(data["plate"], allow_other=allow_other_plate)
    if errors:
        probe = with_changes(instance, data) if instance is not None else Vehicle(
            **{k: v for k, v in data.items() if k not in errors})
        errors.full_clean(probe, exclude=["plate_kind"])
        errors.raise_if_any()
    return overridden


@transaction.atomic
def vehicle_create(*, actor, data: dict, m2m: dict | None = None, allow_other_plate: bool = False) -> Vehicle:
    data = dict(data)
    allow_other_plate = bool(data.pop("allow_other_plate", allow_other_plate))
    overridden = _vehicle_identity(data, instance=None, allow_other_plate=allow_other_plate)
    vehicle = core_services.create_object(Vehicle, actor=actor, data=data, action="customers.vehicle.created")
    if overridden:
        audit.record(actor=actor, action="customers.vehicle.vin_override", obj=vehicle,
                     note=vehicle.vin_override_reason, changes={"vin": [None, vehicle.vin]})
    if vehicle.owner_id:
        VehicleOwnership.objects.create(vehicle=vehicle, customer=vehicle.owner, reason=_("First owner"),
                                        started_on=vehicle.delivery_date or vehicle.sale_date or timezone.localdate())
        refresh_archive_state(vehicle.owner, actor=actor)
    if vehicle.current_mileage:
        MileageReading.objects.create(vehicle=vehicle, reading_km=vehicle.current_mileage,
                                      read_on=vehicle.mileage_read_on or timezone.localdate(),
                                      source=MileageSource.SALE, recorded_by=actor if getattr(actor, "pk", None) else None)
    lookup.reindex_vehicle(vehicle.pk)
    return vehicle


@transaction.atomic
def vehicle_update(vehicle: Vehicle, *, actor, data: dict, m2m: dict | None = None,
                   expected_version: int | None = None, allow_other_plate: bool = False) -> Vehicle:
    """Edit a vehicle; an owner change goes through ``change_owner``, mileage through ``record_mileage``."""
    data = dict(data)
    allow_other_plate = bool(data.pop("allow_other_plate", allow_other_plate))
    data.pop("current_mileage", None)
    data.pop("mileage_read_on", None)
    new_owner = data.pop("owner", vehicle.owner)
    overridden = _vehicle_identity(data, instance=vehicle, allow_other_plate=allow_other_plate)
    old_vin = vehicle.vin
    vehicle = core_services.update_object(vehicle, actor=actor, data=data, expected_version=expected_version,
                                          action="customers.vehicle.updated")
    if overridden and vehicle.vin != old_vin:
        audit.record(actor=actor, action="customers.vehicle.vin_override", obj=vehicle,
                     note=vehicle.vin_override_reason, changes={"vin": [old_vin, vehicle.vin]})
    if new_owner is not None and new_owner.pk != vehicle.owner_id:
        vehicle = change_owner(actor=actor, vehicle=vehicle, new_owner=new_owner, reason=_("Changed on the vehicle form"))
    lookup.reindex_vehicle(vehicle.pk)
    return vehicle


@transaction.atomic
def change_owner(*, actor, vehicle: Vehicle, new_owner: Customer, on: date | None = None, reason: str = "") -> Vehicle:
    """End the current ownership and start a new one; audited on both customers' timelines."""
    on = on or timezone.localdate()
    check_references(actor, new_owner=new_owner)
    old_owner = vehicle.owner
    if old_owner is not None and old_owner.pk == new_owner.pk:
        raise ValidationError({"new_owner": [_("This customer already owns the vehicle.")]})
    current = VehicleOwnership.objects.filter(vehicle=vehicle, ended_on__isnull=True).first()
    if current is not None:
        if on < current.started_on:
            raise ValidationError({"on": [_("The change cannot be before the current ownership started (%(date)s).")
                                          % {"date": current.started_on}]})
        current.ended_on = on
        current.save(update_fields=["ended_on", "updated_at"])
    VehicleOwnership.objects.create(vehicle=vehicle, customer=new_owner, started_on=on, reason=reason[:100])
    vehicle = core_services.update_object(vehicle, actor=actor, data={"owner": new_owner}, note=reason,
                                          action="customers.vehicle.owner_changed")
    if old_owner is not None:
        audit.record(actor=actor, action="customers.vehicle.owner_changed", obj=vehicle, note=reason,
                     changes={"owner": [old_owner, new_owner]}, customer_id=old_owner.pk)
        refresh_archive_state(old_owner, actor=actor)
    refresh_archive_state(new_owner, actor=actor)
    lookup.reindex_vehicle(vehicle.pk)
    return vehicle


@transaction.atomic
def record_mileage(*, actor, vehicle: Vehicle, reading_km: int, read_on: date | None = None,
                   source: str = MileageSource.RECEPTION, reason: str = "") -> MileageReading:
    """Record an odometer reading (R-CUS-2; issue 7 item 9).

    A reading is compared with the latest reading of the same odometer dated on or before it — not
    with the highest ever: after an odometer replacement (``source=ODOMETER_REPLACED``, a reason
    required, audited as ``customers.vehicle.odometer_replaced``) the new odometer starts low and
    its readings are compared with each other.  A lower reading still needs a reason."""
    read_on = read_on or timezone.localdate()
    reason = (reason or "").strip()
    if read_on > timezone.localdate():
        raise ValidationError({"read_on": [_("A reading cannot be dated in the future.")]})
    replaced = source == MileageSource.ODOMETER_REPLACED
    if replaced and not reason:
        raise ValidationError({"reason": [_("Say why the odometer was replaced (e.g. instrument cluster "
                                            "replaced after a fault).")]})
    readings = vehicle.mileage_readings.filter(read_on__lte=read_on)
    last_replacement = readings.filter(source=MileageSource.ODOMETER_REPLACED).order_by("-read_on", "-id").first()
    if last_replacement is not None:
        readings = readings.filter(read_on__gte=last_replacement.read_on)
    previous = readings.order_by("-read_on", "-id").first()
    if replaced:
        baseline = 0
    elif previous is not None:
        baseline = previous.reading_km
    else:
        baseline = (vehicle.current_mileage or 0) if last_replacement is None else 0
    if reading_km < baseline and not reason:
        raise ValidationError({"reading_km": [
            _("%(km)s km is lower than the latest reading (%(latest)s km). Check the number, or give a reason "
              "such as an odometer replacement.") % {"km": reading_km, "latest": baseline}]})
    reading = MileageReading(vehicle=vehicle, reading_km=reading_km, read_on=read_on, source=source,
                             override_reason=reason if (replaced or reading_km < baseline) else "",
                             recorded_by=actor if getattr(actor, "pk", None) else None)
    reading.full_clean()
    reading.save()
    old = vehicle.current_mileage
    if vehicle.mileage_read_on is None or read_on >= vehicle.mileage_read_on:
        Vehicle.objects.filter(pk=vehicle.pk).update(current_mileage=reading_km, mileage_read_on=read_on)
        vehicle.current_mileage, vehicle.mileage_read_on = reading_km, read_on
    changes = {"current_mileage": [old, reading_km], "mileage_read_on": [None, read_on]}
    audit.record(actor=actor, action=events.ODOMETER_REPLACED if replaced else events.MILEAGE_RECORDED, obj=vehicle,
                 note=reading.override_reason, changes=changes)
    return reading


@transaction.atomic
def set_key_part_lot(*, actor, vehicle: Vehicle, category: str, lot_number: str, supplier=None, part=None,
                     serial_number: str = "") -> KeyPartLot:
    lot = KeyPartLot.objects.filter(vehicle=vehicle, category=category).first()
    before = audit.snapshot(lot) if lot else {}
    lot = lot or KeyPartLot(vehicle=vehicle, category=category)
    lot.lot_number, lot.supplier, lot.part, lot.serial_number = lot_number, supplier, part, serial_number
    lot.full_clean()
    lot.save()
    audit.record(actor=actor, action="customers.keypart.set", obj=lot, vehicle_id=vehicle.pk,
                 customer_id=vehicle.owner_id, changes=audit.diff(before, audit.snapshot(lot)))
    return lot


@transaction.atomic
def receive_vehicle(*, actor, vehicle: Vehicle, organisation, reason: str) -> list:
    """A dealer receives a vehicle it did not sell: grant it the vehicle and its owner (audited)."""
    # A user opens a car to their own organisation(s) only, never to another dealer (issue 7 item 2).
    check_references(actor, organisation=organisation)
    grants = [core_services.grant_access(actor=actor, organisation_id=organisation.pk, obj=vehicle, reason=reason)]
    if vehicle.owner_id:
        grants.append(core_services.grant_access(actor=actor, organisation_id=organisation.pk, obj=vehicle.owner,
                                                 reason=reason))
    return grants

