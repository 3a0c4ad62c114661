"""Customers, their phones and addresses, and the archive's completeness (R-CUS-1, R-CUS-3).

Every write runs in a transaction, validates with ``full_clean`` and writes audit events carrying
``customer_id``, so a customer's change history (address, phone, person in charge, owning dealer)
is one indexed query.  The customer no. comes from ``core.numbering`` (ADR 0009).
"""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from aftersales.core import audit, numbering
from aftersales.core import services as core_services
from aftersales.core.exceptions import ServiceError
from aftersales.core.scoping import check_references, foreign_references
from aftersales.core.validation import FieldErrors

from ..choices import CustomerKind, PhoneKind
from ..lookup import index as lookup
from ..models import (
    Customer,
    CustomerAddress,
    CustomerPhone,
)
from ..validation import check_phone, check_primary_phone_kind, check_resident_id

ARCHIVE_WORKING_DAYS = 2  # working days of the owning dealer's calendar (R-CUS-3, ADR 0008)


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


def with_changes(instance, data: dict):
    """A copy of ``instance`` with ``data`` applied, to validate an edit before the locked write."""
    probe = copy.copy(instance)
    for key, value in data.items():
        setattr(probe, key, value)
    return probe


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
    primary = next((r for r in rows if r["is_primary"]), rows[0] if rows else None)
    if primary is not None:
        # An individual needs a mobile as primary phone; a fleet or company may give a landline.
        with errors.collect("phones"):
            check_primary_phone_kind(data.get("kind"), primary["kind"])
    customer = Customer(**data, code="", name_initials=name_initials(data.get("name", "")),
                        primary_phone=primary["number"] if primary else "")
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
    if data.get("kind") and data["kind"] != customer.kind:
        # Becoming an individual needs a mobile as primary phone (R-CUS-1, issue 8 item 9).
        primary = CustomerPhone.objects.filter(customer=customer, is_primary=True).values_list("kind", flat=True).first()
        with errors.collect("kind"):
            check_primary_phone_kind(data["kind"], primary)
    if errors:  # report the other fields' errors with it, not one at a time
        errors.full_clean(with_changes(customer, data))
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
    if make_primary or first:
        try:
            check_primary_phone_kind(customer.kind, row["kind"])
        except ValidationError as exc:
            raise ValidationError({"number": exc.messages}) from None
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
    if phone.is_primary:
        # The next primary: a mobile first, so an individual keeps one (R-CUS-1).
        others.sort(key=lambda p: p.kind != PhoneKind.MOBILE)
        try:
            check_primary_phone_kind(customer.kind, others[0].kind)
        except ValidationError as exc:
            raise ServiceError(exc.messages[0], field="number", code="person_needs_mobile") from None
    audit.record(actor=actor, action="customers.phone.removed", obj=phone, changes={"number": [phone.number, None]})
    was_primary = phone.is_primary
    phone.delete()
    if was_primary:
        _set_primary_phone(customer, actor=actor, phone=others[0])
    lookup.reindex_customer(customer.pk)


@transaction.atomic
def phone_set_primary(*, actor, phone: CustomerPhone) -> CustomerPhone:
    try:
        check_primary_phone_kind(phone.customer.kind, phone.kind)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], field="number", code="person_needs_mobile") from None
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
