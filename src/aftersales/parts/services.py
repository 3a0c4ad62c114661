"""Writes for the parts app (DESIGN.md rule 1): typed, keyword-only, transactional, audited.

Signatures match what the generic views and API viewsets call:
``x_create(*, actor, data, m2m=None)`` and ``x_update(instance, *, actor, data, m2m=None, expected_version=None)``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core import services as core_services
from aftersales.core.validators import validate_phone

from .choices import PartCategory
from .models import MonitoredPartCategory, Part, Supplier
from .selectors import is_monitored_category
from .validators import normalise_part_number

SUPPLIER_PHONE_FIELDS = ("contact_phone", "quality_contact_phone")


def _normalise_phones(data: dict) -> dict:
    """Store phones as E.164; every unreadable number is reported on its own field, nothing saved."""
    data = dict(data)
    errors: dict[str, list[ValidationError]] = {}
    for name in SUPPLIER_PHONE_FIELDS:
        if name not in data:
            continue
        raw = (data[name] or "").strip()
        if not raw:
            data[name] = ""
            continue
        try:
            data[name] = validate_phone(raw)
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return data


def _normalise_supplier(data: dict) -> dict:
    data = _normalise_phones(data)
    if "code" in data:
        data["code"] = (data["code"] or "").strip().upper()
    if "categories" in data:
        seen = dict.fromkeys(str(c) for c in (data["categories"] or []))
        order = {value: i for i, value in enumerate(PartCategory.values)}
        data["categories"] = sorted(seen, key=lambda c: order.get(c, len(order)))
    return data


@transaction.atomic
def supplier_create(*, actor, data: dict, m2m: dict | None = None) -> Supplier:
    return core_services.create_object(Supplier, actor=actor, data=_normalise_supplier(data), m2m=m2m)


@transaction.atomic
def supplier_update(supplier: Supplier, *, actor, data: dict, m2m: dict | None = None,
                    expected_version: int | None = None) -> Supplier:
    return core_services.update_object(supplier, actor=actor, data=_normalise_supplier(data), m2m=m2m,
                                       expected_version=expected_version)


def supplier_set_active(supplier: Supplier, *, actor, active: bool, reason: str = "") -> Supplier:
    """Deactivate instead of delete: its parts and their history stay."""
    return core_services.set_active(supplier, actor=actor, active=active, reason=reason)


def _normalise_part(data: dict, *, category: str | None) -> dict:
    """Upper-case the part number; ``is_key_part`` missing on create, or None, follows the category."""
    data = dict(data)
    if "part_number" in data:
        data["part_number"] = normalise_part_number(data["part_number"])
    if data.get("is_key_part") is None:
        data["is_key_part"] = bool(category) and is_monitored_category(category)
    if data.get("is_accessory") is None:
        data["is_accessory"] = category == PartCategory.ACCESSORY
    return data


def _refuse_inactive_supplier(data: dict, *, current_supplier_id: int | None = None) -> None:
    supplier = data.get("supplier")
    if supplier is not None and not supplier.is_active and supplier.pk != current_supplier_id:
        raise ValidationError({"supplier": ValidationError(
            _("%(supplier)s has been deactivated; choose an active supplier.") % {"supplier": supplier},
            code="supplier_inactive")})


@transaction.atomic
def part_create(*, actor, data: dict, m2m: dict | None = None) -> Part:
    _refuse_inactive_supplier(data)
    data = _normalise_part(data, category=data.get("category"))
    return core_services.create_object(Part, actor=actor, data=data, m2m=m2m)


@transaction.atomic
def part_update(part: Part, *, actor, data: dict, m2m: dict | None = None,
                expected_version: int | None = None) -> Part:
    """Absent fields stay as they are; ``is_key_part=None`` means "decide by the (new) category"."""
    _refuse_inactive_supplier(data, current_supplier_id=part.supplier_id)
    data = dict(data)
    for flag in ("is_key_part", "is_accessory"):
        if flag in data and data[flag] is None:
            continue
        data.setdefault(flag, getattr(part, flag))
    data = _normalise_part(data, category=data.get("category", part.category))
    return core_services.update_object(part, actor=actor, data=data, m2m=m2m, expected_version=expected_version)


def part_set_active(part: Part, *, actor, active: bool, reason: str = "") -> Part:
    return core_services.set_active(part, actor=actor, active=active, reason=reason)


@transaction.atomic
def monitored_category_create(*, actor, data: dict, m2m: dict | None = None) -> MonitoredPartCategory:
    return core_services.create_object(MonitoredPartCategory, actor=actor, data=data, m2m=m2m)


@transaction.atomic
def monitored_category_update(item: MonitoredPartCategory, *, actor, data: dict, m2m: dict | None = None,
                              expected_version: int | None = None) -> MonitoredPartCategory:
    """Switch a category's monitoring on or off, relabel or reorder it (R-QLT-2, configurable list)."""
    return core_services.update_object(item, actor=actor, data=data, m2m=m2m, expected_version=expected_version)
