"""Writes for the customer and vehicle archive (DESIGN.md rule 1; R-CUS-1..3, R-CUS-6, R-SYS-2).

Every service is keyword-only, runs in a transaction, validates with ``full_clean`` and writes audit
events carrying ``customer_id`` / ``vehicle_id``, so the change history of a customer (address,
phone, person in charge, owning dealer) and its whole timeline are one indexed query.
"""

from __future__ import annotations

import copy
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from aftersales.core import audit, numbering
from aftersales.core import services as core_services
from aftersales.core.attachments.choices import AttachmentKind
from aftersales.core.attachments.services import attach
from aftersales.core.exceptions import ServiceError
from aftersales.core.masking import PERMISSION as VIEW_PERSONAL_DATA
from aftersales.core.models import PersonalDataAccess
from aftersales.core.scoping import check_references, foreign_references
from aftersales.core.validation import FieldErrors

from . import events
from .choices import CustomerKind, MileageSource
from .lookup import index as lookup
from .models import (
    Customer,
    CustomerAddress,
    CustomerDocument,
    CustomerPhone,
    KeyPartLot,
    MaintenancePlan,
    MileageReading,
    PartWarrantyTerm,
    Vehicle,
    VehicleModel,
    VehicleOwnership,
    WarrantyPolicy,
)
from .validation import check_phone, check_plate, check_resident_id, check_vin

REVEAL_PERMISSION = "core.reveal_personal_data"
EXPORT_PERMISSION = "customers.export_customer"
EXPORT_APPROVAL_THRESHOLD = 1000
ARCHIVE_WORKING_DAYS = 2  # working days of the owning dealer's calendar (R-CUS-3, ADR 0008)
REVEALABLE_FIELDS = ("phones", "addresses", "resident_id")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def name_initials(name: str) -> str:
    """Pinyin initials for lookup: 张三 → "zs"; Latin letters and digits are kept."""
    letters = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors=lambda s: list(s))
    return "".join(c for c in "".join(letters).lower() if c.isalnum())[:40]


def normalise_phone_row(raw: str, *, field: str = "number") -> dict:
    """E.164 number, kind and reversed national digits (suffix search as an indexed prefix)."""
    try:
        return check_phone(raw)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def _actor_organisation(actor):
    profile = getattr(actor, "staff_profile", None) if getattr(actor, "pk", None) else None
    return profile.organisation if profile is not None else None


def _check_resident_id(data: dict, errors: FieldErrors) -> None:
    if data.get("resident_id"):
        with errors.collect("resident_id"):
            data["resident_id"] = check_resident_id(data["resident_id"])


def missing_archive_fields(customer: Customer, *, has_address: bool, has_vehicle: bool) -> list[str]:
    """Fields still missing for a complete archive (R-CUS-3); empty when complete."""
    missing = []
    if not customer.name.strip():
        missing.append("name")
    if not customer.primary_phone:
        missing.append("primary_phone")
    if not has_address:
        missing.append("address")
    if not customer.region_id:
        missing.append("region")
    if not customer.owning_dealer_id:
        missing.append("owning_dealer")
    if not has_vehicle:
        missing.append("vehicle")
    if customer.kind != CustomerKind.PERSON and not customer.person_in_charge.strip():
        missing.append("person_in_charge")
    return missing


def refresh_archive_state(customer: Customer, *, actor) -> Customer:
    """Set (or clear) ``archive_completed_at`` when the archive becomes complete (or incomplete)."""
    customer = Customer.objects.get(pk=customer.pk)
    missing = missing_archive_fields(customer, has_address=customer.addresses.exists(),
                                     has_vehicle=customer.vehicles.exists())
    complete = not missing
    if complete == (customer.archive_completed_at is not None):
        return customer
    value = timezone.now() if complete else None
    Customer.objects.filter(pk=customer.pk).update(archive_completed_at=value)
    customer.archive_completed_at = value
    audit.record(actor=actor, obj=customer,
                 action="customers.customer.archive_completed" if complete else "customers.customer.archive_reopened",
                 changes={"archive_completed_at": [None, value] if complete else [True, None],
                          **({"missing": [None, missing]} if missing else {})})
    return customer


def _set_primary_phone(customer: Customer, *, actor, phone: CustomerPhone | None) -> None:
    new = phone.number if phone else ""
    old = Customer.objects.filter(pk=customer.pk).values_list("primary_phone", flat=True).get()
    if phone is not None:
        CustomerPhone.objects.filter(customer=customer, is_primary=True).exclude(pk=phone.pk).update(is_primary=False)
        if not phone.is_primary:
            CustomerPhone.objects.filter(pk=phone.pk).update(is_primary=True)
            phone.is_primary = True
    if old != new:
        Customer.objects.filter(pk=customer.pk).update(primary_phone=new)
        customer.primary_phone = new
        audit.record(actor=actor, action="customers.customer.primary_phone_changed", obj=customer,
                     changes={"primary_phone": [old or None, new or None]})


# --------------------------------------------------------------------------------------------
# customers, phones, addresses
# --------------------------------------------------------------------------------------------

CUSTOMER_PREFIX = "C"


def customer_number(dealer) -> str:
    """The next customer no. of the owning dealer's daily series (core.numbering, ADR 0009)."""
    return numbering.next_number(prefix=CUSTOMER_PREFIX, organisation=dealer)


@transaction.atomic
def customer_create(*, actor, data: dict, phones: list | None = None, addresses: list[dict] | None = None,
                    m2m: dict | None = None) -> Customer:
    """A new customer with at least one phone; ``phones`` are strings or dicts (number, label, is_primary)."""
    data = {k: v for k, v in data.items() if k not in {"code", "name_initials", "primary_phone",
                                                        "archive_completed_at"}}
    # The owning dealer and the person in charge must be within the user's scope (issue 7 item 2).
    check_references(actor, **foreign_references(Customer, data))
    # Every field's error at once (issue 8 item 3): a bad phone does not hide a bad ID number.
    errors = FieldErrors()
    _check_resident_id(data, errors)
    rows = _phone_rows(phones or [], errors)
    if not rows and "phones" not in errors:
        errors.add("phones", _("Enter at least one phone number."))
    data.setdefault("first_visit_at", timezone.now())
    customer = Customer(**data, code="", name_initials=name_initials(data.get("name", "")),
                        primary_phone=next((r["number"] for r in rows if r["is_primary"]), rows[0]["number"] if rows else ""))
    errors.full_clean(customer, exclude=["code", "primary_phone"])
    for address in addresses or []:
        _check_address(address, errors)
    errors.raise_if_any()
    # The customer no. comes from the shared series (same as imports), taken last so the series'
    # row lock is held as briefly as possible.
    customer.code = customer_number(customer.owning_dealer)
    customer.save()
    for row in rows:
        row["is_primary"] = row["number"] == customer.primary_phone
        CustomerPhone.objects.create(customer=customer, **row)
    for i, address in enumerate(addresses or []):
        _create_address(customer, {**address, "is_primary": i == 0})
    changes = {k: [None, v] for k, v in audit.snapshot(customer).items() if v not in (None, "", [], {})}
    changes["phones"] = [None, [r["number"] for r in rows]]
    if addresses:
        changes["addresses"] = [None, [_address_text(a) for a in addresses]]
    audit.record(actor=actor, action="customers.customer.created", obj=customer, changes=changes)
    lookup.reindex_customer(customer.pk)
    return refresh_archive_state(customer, actor=actor)


def _phone_rows(phones: list, errors: FieldErrors) -> list[dict]:
    rows, seen = [], set()
    for item in phones:
        # a number from a JSON body or a spreadsheet cell (13812345678 or 13812345678.0) is its digits
        item = {"number": item} if isinstance(item, (str, int, float)) else dict(item)
        if not str(item.get("number") or "").strip():
            continue
        with errors.collect("phones"):
            row = normalise_phone_row(item["number"], field="phones")
        if "phones" in errors or row["number"] in seen:
            continue
        seen.add(row["number"])
        rows.append({**row, "label": item.get("label", ""), "is_primary": bool(item.get("is_primary"))})
    return rows


def _address_text(a: dict) -> str:
    return "".join(str(a.get(k) or "") for k in ("province", "city", "district", "detail"))


def _check_address(data: dict, errors: FieldErrors) -> None:
    """A new customer's address errors, named as the form's ``address_…`` fields."""
    try:
        CustomerAddress(**data).full_clean(exclude=["customer"])
    except ValidationError as exc:
        errors.add(None, ValidationError({f"address_{k}" if k != "__all__" else k: v
                                          for k, v in exc.message_dict.items()}))


def _create_address(customer: Customer, data: dict) -> CustomerAddress:
    address = CustomerAddress(customer=customer, **data)
    errors = FieldErrors()
    _check_address(data, errors)
    errors.raise_if_any()
    if address.is_primary:
        CustomerAddress.objects.filter(customer=customer, is_primary=True).update(is_primary=False)
    address.save()
    return address


@transaction.atomic
def customer_update(customer: Customer, *, actor, data: dict, m2m: dict | None = None,
                    expected_version: int | None = None) -> Customer:
    """Edit the customer's own fields; every change (old → new) is in the audit event."""
    data = {k: v for k, v in data.items() if k not in {"code", "name_initials", "primary_phone",
                                                        "archive_completed_at", "phones", "addresses"}}
    errors = FieldErrors()
    _check_resident_id(data, errors)
    if errors:  # report the other fields' errors with it, not one at a time
        errors.full_clean(_with_changes(customer, data))
        errors.raise_if_any()
    if "name" in data:
        data["name_initials"] = name_initials(data["name"])
    customer = core_services.update_object(customer, actor=actor, data=data, expected_version=expected_version,
                                           action="customers.customer.updated")
    lookup.reindex_customer(customer.pk)
    return refresh_archive_state(customer, actor=actor)


@transaction.atomic
def phone_add(*, actor, customer: Customer, number: str, label: str = "", make_primary: bool = False) -> CustomerPhone:
    row = normalise_phone_row(number)
    if CustomerPhone.objects.filter(customer=customer, number=row["number"]).exists():
        raise ValidationError({"number": [_("This number is already on file for this customer.")]})
    first = not CustomerPhone.objects.filter(customer=customer).exists()
    phone = CustomerPhone(customer=customer, label=label, is_primary=False, **row)
    phone.full_clean(exclude=["customer"])
    phone.save()
    audit.record(actor=actor, action="customers.phone.added", obj=phone, changes={"number": [None, phone.number]})
    if make_primary or first:
        _set_primary_phone(customer, actor=actor, phone=phone)
    refresh_archive_state(customer, actor=actor)
    lookup.reindex_customer(customer.pk)
    return phone


@transaction.atomic
def phone_remove(*, actor, phone: CustomerPhone) -> None:
    customer = phone.customer
    others = list(CustomerPhone.objects.filter(customer=customer).exclude(pk=phone.pk))
    if not others:
        raise ServiceError(_("A customer needs at least one phone number; add another one first."),
                           field="number", code="last_phone")
    audit.record(actor=actor, action="customers.phone.removed", obj=phone, changes={"number": [phone.number, None]})
    was_primary = phone.is_primary
    phone.delete()
    if was_primary:
        _set_primary_phone(customer, actor=actor, phone=others[0])
    lookup.reindex_customer(customer.pk)


@transaction.atomic
def phone_set_primary(*, actor, phone: CustomerPhone) -> CustomerPhone:
    _set_primary_phone(phone.customer, actor=actor, phone=phone)
    return phone


@transaction.atomic
def address_add(*, actor, customer: Customer, data: dict, make_primary: bool = False) -> CustomerAddress:
    first = not CustomerAddress.objects.filter(customer=customer).exists()
    address = _create_address(customer, {**data, "is_primary": make_primary or first})
    audit.record(actor=actor, action="customers.address.added", obj=address,
                 changes={"address": [None, str(address)]})
    refresh_archive_state(customer, actor=actor)
    return address


@transaction.atomic
def address_update(address: CustomerAddress, *, actor, data: dict, m2m: dict | None = None,
                   expected_version: int | None = None) -> CustomerAddress:
    data = {k: v for k, v in data.items() if k not in {"customer", "is_primary"}}
    return core_services.update_object(address, actor=actor, data=data, expected_version=expected_version,
                                       action="customers.address.updated")


# --------------------------------------------------------------------------------------------
# vehicles
# --------------------------------------------------------------------------------------------

def _with_changes(instance, data: dict):
    """A copy of ``instance`` with ``data`` applied, to validate an edit before the locked write."""
    probe = copy.copy(instance)
    for key, value in data.items():
        setattr(probe, key, value)
    return probe


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
        probe = _with_changes(instance, data) if instance is not None else Vehicle(
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


# --------------------------------------------------------------------------------------------
# vehicle models: warranty policy, part terms, maintenance plan (R-CUS-2, R-WS-5)
# --------------------------------------------------------------------------------------------

@transaction.atomic
def vehicle_model_create(*, actor, data: dict, m2m: dict | None = None, policy: dict | None = None,
                         plan: dict | None = None, part_terms: dict[str, tuple[int, int]] | None = None) -> VehicleModel:
    """A model always gets a warranty policy and a maintenance plan (defaults: 3y/60,000 km; 3m/3,000 km)."""
    model = core_services.create_object(VehicleModel, actor=actor, data=data, action="customers.vehiclemodel.created")
    policy_obj = core_services.create_object(WarrantyPolicy, actor=actor, data={"vehicle_model": model, **(policy or {})},
                                             action="customers.warrantypolicy.created")
    core_services.create_object(MaintenancePlan, actor=actor, data={"vehicle_model": model, **(plan or {})},
                                action="customers.maintenanceplan.created")
    for category, (months, km) in (part_terms or {}).items():
        part_term_set(actor=actor, policy=policy_obj, category=category, months=months, km=km)
    return model


def vehicle_model_update(model: VehicleModel, *, actor, data: dict, m2m: dict | None = None,
                         expected_version: int | None = None) -> VehicleModel:
    return core_services.update_object(model, actor=actor, data=data, expected_version=expected_version,
                                       action="customers.vehiclemodel.updated")


def warranty_policy_update(policy: WarrantyPolicy, *, actor, data: dict, m2m: dict | None = None,
                           expected_version: int | None = None) -> WarrantyPolicy:
    return core_services.update_object(policy, actor=actor, data=data, expected_version=expected_version,
                                       action="customers.warrantypolicy.updated")


def maintenance_plan_update(plan: MaintenancePlan, *, actor, data: dict, m2m: dict | None = None,
                            expected_version: int | None = None) -> MaintenancePlan:
    return core_services.update_object(plan, actor=actor, data=data, expected_version=expected_version,
                                       action="customers.maintenanceplan.updated")


@transaction.atomic
def part_term_set(*, actor, policy: WarrantyPolicy, category: str, months: int, km: int) -> PartWarrantyTerm:
    """Add or change the term of one part category (e.g. battery 96 months / 150,000 km)."""
    term = PartWarrantyTerm.objects.filter(policy=policy, category=category).first()
    if term is None:
        return core_services.create_object(PartWarrantyTerm, actor=actor, action="customers.partterm.created",
                                           data={"policy": policy, "category": category, "months": months, "km": km})
    return core_services.update_object(term, actor=actor, data={"months": months, "km": km},
                                       action="customers.partterm.updated")


# --------------------------------------------------------------------------------------------
# documents (R-CUS-6)
# --------------------------------------------------------------------------------------------

@transaction.atomic
def document_create(*, actor, data: dict, m2m: dict | None = None) -> CustomerDocument:
    data = dict(data)
    if not data.get("organisation"):
        customer = data.get("customer")
        data["organisation"] = _actor_organisation(actor) or (customer.owning_dealer if customer else None)
    scan = data.pop("file", None)
    vehicle, customer = data.get("vehicle"), data.get("customer")
    if vehicle is not None and customer is not None and vehicle.owner_id != customer.pk:
        raise ValidationError({"vehicle": [_("This vehicle does not belong to the customer.")]})
    document = core_services.create_object(CustomerDocument, actor=actor, data=data,
                                           action="customers.document.created")
    if scan:
        attach(actor=actor, parent=document, file=scan, kind=AttachmentKind.SCAN, title=document.title)
    return document


@transaction.atomic
def document_update(document: CustomerDocument, *, actor, data: dict, m2m: dict | None = None,
                    expected_version: int | None = None) -> CustomerDocument:
    data = {k: v for k, v in data.items() if k not in {"organisation"}}
    scan = data.pop("file", None)
    document = core_services.update_object(document, actor=actor, data=data, expected_version=expected_version,
                                           action="customers.document.updated")
    if scan:  # another scan is added; earlier ones stay (a receipt may have several pages)
        attach(actor=actor, parent=document, file=scan, kind=AttachmentKind.SCAN, title=document.title)
    return document


# --------------------------------------------------------------------------------------------
# personal data (R-SYS-2, PIPL)
# --------------------------------------------------------------------------------------------

def log_personal_data_list_view(*, actor, rows: int) -> PersonalDataAccess | None:
    """A role that sees unmasked data looked at a page of the customer list: one row, with the count."""
    if not rows or not actor.has_perm(VIEW_PERSONAL_DATA):
        return None
    return audit.log_personal_data_access(actor=actor, action=PersonalDataAccess.Action.VIEW, row_count=rows,
                                          fields=["primary_phone"], reason=_("Viewed the customer list"))


def log_personal_data_view(*, actor, customer: Customer, fields=REVEALABLE_FIELDS) -> PersonalDataAccess | None:
    """A role that sees unmasked data opened a customer's detail: one "view" row in the access log."""
    if not actor.has_perm(VIEW_PERSONAL_DATA):
        return None
    return audit.log_personal_data_access(actor=actor, action=PersonalDataAccess.Action.VIEW, obj=customer,
                                          customer_id=customer.pk, fields=list(fields),
                                          reason=_("Opened the customer record"))


@transaction.atomic
def reveal_personal_data(*, actor, customer: Customer, fields=REVEALABLE_FIELDS, reason: str) -> dict:
    """Unmasked phones / addresses / resident ID of one customer, with the reason logged."""
    if not (actor.has_perm(REVEAL_PERMISSION) or actor.has_perm(VIEW_PERSONAL_DATA)):
        raise PermissionDenied(_("You may not reveal personal data."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why you need to see the unmasked data.")]})
    fields = [f for f in fields if f in REVEALABLE_FIELDS] or list(REVEALABLE_FIELDS)
    audit.log_personal_data_access(actor=actor, action=PersonalDataAccess.Action.REVEAL, obj=customer,
                                   customer_id=customer.pk, fields=fields, reason=reason[:300])
    out: dict = {}
    if "phones" in fields:
        out["phones"] = [p.number for p in customer.phones.all()]
        out["primary_phone"] = customer.primary_phone
    if "addresses" in fields:
        out["addresses"] = [str(a) for a in customer.addresses.all()]
    if "resident_id" in fields:
        out["resident_id"] = customer.resident_id
    return out


def export_needs_approval(count: int) -> bool:
    """Exports of more than 1,000 customers need a manager's approval (PIPL, DESIGN.md)."""
    return count > EXPORT_APPROVAL_THRESHOLD


def _plain(value):
    return audit._plain(value)


@transaction.atomic
def export_customer_data(*, actor, customer: Customer) -> dict:
    """One customer's data as a JSON-able dict (PIPL right of access); logged as an export."""
    if not actor.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied(_("You may not export customer data."))
    from aftersales.core.selectors import timeline_for_customer

    def row(obj, exclude=()):
        return {k: v for k, v in audit.snapshot(obj).items() if k not in exclude}

    data = {
        "customer": {"id": customer.pk, **row(customer)},
        "phones": [row(p, {"customer", "digits_reversed"}) for p in customer.phones.all()],
        "addresses": [row(a, {"customer"}) for a in customer.addresses.all()],
        "vehicles": [{"id": v.pk, **row(v, {"owner"}),
                      "mileage_readings": [row(m, {"vehicle", "recorded_by"}) for m in v.mileage_readings.all()]}
                     for v in customer.vehicles.all()],
        "ownerships": [row(o, {"customer"}) for o in customer.ownerships.all()],
        "documents": [row(d, {"customer"}) for d in customer.documents.all()],
        "consent": _consent_rows(customer),
        "timeline": [{"at": _plain(e.event.at), "action": e.event.action, "text": e.text,
                      "changes": e.event.changes, "note": e.event.note}
                     for e in timeline_for_customer(customer, user=actor, limit=1000)],
    }
    audit.log_personal_data_access(actor=actor, action=PersonalDataAccess.Action.EXPORT, obj=customer,
                                   customer_id=customer.pk, fields=["all"], row_count=1,
                                   reason=_("Export of one customer's data"))
    return data


def _consent_rows(customer: Customer) -> list[dict]:
    from django.apps import apps

    try:
        consent = apps.get_model("notifications", "ContactConsent")
    except LookupError:
        return []
    return [{"contact": c.contact, "channel": c.channel, "purpose": c.purpose, "granted": c.granted,
             "source": c.source, "recorded_at": _plain(c.recorded_at)}
            for c in consent.objects.filter(customer_id=customer.pk)]
