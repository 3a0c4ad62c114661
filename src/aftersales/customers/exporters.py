"""Exports of the customer archive lists (R-CUS-7): the page's selector + FilterSet select the rows,
``presenters`` masks personal data per role exactly as the pages do; the kernel writes CSV (UTF-8
with BOM) or .xlsx and logs every export with its row count.

More than 1,000 customers need ``customers.approve_customer_export`` (the manager's approval
permission); below that ``customers.export_customer`` is enough.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext_lazy as _

from aftersales.core.imports.exports import filtered_queryset
from aftersales.core.imports.registry import Exporter, register_exporter

from . import presenters
from .filtersets import CustomerFilterSet, VehicleFilterSet
from .models import CustomerAddress
from .selectors import customer_list, vehicle_list
from .services import EXPORT_APPROVAL_THRESHOLD, EXPORT_PERMISSION


def customer_queryset(user, params: dict):
    addresses = Prefetch("addresses", queryset=CustomerAddress.objects.filter(is_primary=True), to_attr="primary_addr")
    return filtered_queryset(customer_list, CustomerFilterSet, user, params).prefetch_related(addresses).order_by("id")


def _address(c, user) -> str:
    rows = getattr(c, "primary_addr", None) or []
    return presenters.address(str(rows[0]), user) if rows else ""


def customer_columns(user) -> list:
    return [
        (_("Customer no."), lambda c: c.code),
        (_("Customer type"), lambda c: c.get_kind_display()),
        (_("Name"), lambda c: c.name),
        (_("Mobile"), lambda c: presenters.phone(c.primary_phone, user)),
        (_("Address"), lambda c: _address(c, user)),
        (_("Owning dealer"), lambda c: c.owning_dealer.code if c.owning_dealer_id else ""),
        (_("Region"), lambda c: c.region.name if c.region_id else ""),
        (_("Source"), lambda c: c.get_source_display()),
        (_("Tags"), lambda c: c.tags),
        (_("Created"), lambda c: c.created_at),
    ]


def vehicle_queryset(user, params: dict):
    # Masking follows the row: an owner outside the user's scope (moved to another dealer) is masked.
    owner_in_scope = Exists(customer_list(user=user).filter(pk=OuterRef("owner_id")))
    return filtered_queryset(vehicle_list, VehicleFilterSet, user, params).select_related(
        "vehicle_model", "selling_dealer", "owner").annotate(owner_in_scope=owner_in_scope).order_by("id")


def vehicle_columns(user) -> list:
    return [
        (_("VIN"), lambda v: v.vin),
        (_("Plate"), lambda v: v.plate),
        (_("Vehicle model"), lambda v: v.vehicle_model.code),
        (_("Production date"), lambda v: v.production_date),
        (_("Production batch"), lambda v: v.production_batch),
        (_("Selling dealer"), lambda v: v.selling_dealer.code if v.selling_dealer_id else ""),
        (_("Sale date"), lambda v: v.sale_date),
        (_("Owner"), lambda v: v.owner.name if v.owner_id else ""),
        (_("Owner mobile"), lambda v: presenters.phone(v.owner.primary_phone, user,
                                                        unmasked=getattr(v, "owner_in_scope", False))
         if v.owner_id else ""),
        (_("Mileage (km)"), lambda v: v.current_mileage),
    ]


register_exporter("customers", Exporter(
    kind="customers", label=_("customers"), permission=EXPORT_PERMISSION, queryset=customer_queryset,
    columns=customer_columns, approval_threshold=EXPORT_APPROVAL_THRESHOLD,
    approval_permission="customers.approve_customer_export"))
register_exporter("vehicles", Exporter(
    kind="vehicles", label=_("vehicles"), permission=EXPORT_PERMISSION, queryset=vehicle_queryset,
    columns=vehicle_columns, approval_threshold=EXPORT_APPROVAL_THRESHOLD,
    approval_permission="customers.approve_customer_export"))
