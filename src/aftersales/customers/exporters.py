"""Exports of the customer archive lists (R-CUS-7): the page's selector + FilterSet select the rows,
``presenters`` masks personal data per role exactly as the pages do; the kernel writes CSV (UTF-8
with BOM) or .xlsx and logs every export with its row count.

More than 1,000 customers need ``customers.approve_customer_export`` (the manager's approval
permission); below that ``customers.export_customer`` is enough.
"""

from __future__ import annotations

from operator import itemgetter

from django.db.models import CharField, Exists, OuterRef, Subquery
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy as pgettext

from aftersales.core.imports.exports import filtered_queryset
from aftersales.core.imports.registry import Exporter, register_exporter
from aftersales.core.masking import can_see_personal_data, person_name
from aftersales.core.validators import mask_address, mask_phone

from . import presenters
from .choices import CustomerKind, CustomerSource
from .filtersets import CustomerFilterSet, VehicleFilterSet
from .models import CustomerAddress
from .selectors import customer_list, vehicle_list
from .services import EXPORT_APPROVAL_THRESHOLD, EXPORT_PERMISSION


def customer_queryset(user, params: dict):
    """The list's rows with the primary address as one text column (a subquery, not a prefetch),
    read as plain values by the kernel (``Exporter.values``)."""
    primary = (CustomerAddress.objects.unscoped(reason="correlated (OuterRef) to the restricted customers below")
               .filter(customer=OuterRef("pk"), is_primary=True))
    full = Concat("province", "city", "district", "detail", output_field=CharField())
    return (filtered_queryset(customer_list, CustomerFilterSet, user, params)
            .annotate(primary_address=Subquery(primary.annotate(text=full).values("text")[:1]))
            .order_by("id"))


CUSTOMER_VALUES = ("code", "kind", "name", "primary_phone", "primary_address", "owning_dealer__code",
                   "region__name", "source", "tags", "created_at")


def _shown(mask, user):
    """The masking decision taken once per export, not once per cell (same rule as the pages)."""
    if can_see_personal_data(user):
        return lambda value: value or ""
    return lambda value: mask(value) if value else ""


def customer_columns(user) -> list:
    kinds = {value: str(label) for value, label in CustomerKind.choices}
    sources = {value: str(label) for value, label in CustomerSource.choices}
    phone, address = _shown(mask_phone, user), _shown(mask_address, user)
    return [
        (_("Customer no."), itemgetter("code")),
        (_("Customer type"), lambda c: kinds.get(c["kind"], c["kind"])),
        (pgettext("person", "Name"), itemgetter("name")),
        (_("Mobile"), lambda c: phone(c["primary_phone"])),
        (_("Address"), lambda c: address(c["primary_address"])),
        (_("Owning dealer"), lambda c: c["owning_dealer__code"] or ""),
        (_("Region"), lambda c: c["region__name"] or ""),
        (_("Source"), lambda c: sources.get(c["source"], c["source"])),
        (_("Tags"), itemgetter("tags")),
        (_("Created"), itemgetter("created_at")),
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
        (_("Owner"), lambda v: person_name(v.owner.name, user, v.owner_id,
                                           in_scope={v.owner_id} if getattr(v, "owner_in_scope", False) else set())
         if v.owner_id else ""),
        (_("Owner mobile"), lambda v: presenters.phone(v.owner.primary_phone, user,
                                                        unmasked=getattr(v, "owner_in_scope", False))
         if v.owner_id else ""),
        (_("Mileage (km)"), lambda v: v.current_mileage),
    ]


register_exporter("customers", Exporter(
    kind="customers", label=_("customers"), permission=EXPORT_PERMISSION, queryset=customer_queryset,
    columns=customer_columns, values=CUSTOMER_VALUES, approval_threshold=EXPORT_APPROVAL_THRESHOLD,
    approval_permission="customers.approve_customer_export"))
register_exporter("vehicles", Exporter(
    kind="vehicles", label=_("vehicles"), permission=EXPORT_PERMISSION, queryset=vehicle_queryset,
    columns=vehicle_columns, approval_threshold=EXPORT_APPROVAL_THRESHOLD,
    approval_permission="customers.approve_customer_export"))
