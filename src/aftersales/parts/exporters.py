"""Exports of the parts catalogue and the supplier list: the same filters as the pages; master data
with no personal information, so reading the list is permission enough."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy as pgettext

from aftersales.core.imports.exports import filtered_queryset
from aftersales.core.imports.registry import Exporter, register_exporter

from .filtersets import PartFilterSet, SupplierFilterSet
from .models import display_phone
from .selectors import part_list, supplier_list


def part_queryset(user, params: dict):
    return filtered_queryset(part_list, PartFilterSet, user, params).select_related("supplier").order_by("part_number")


def part_columns(user) -> list:
    return [
        (_("Part number"), lambda p: p.part_number),
        (_("Name"), lambda p: p.name),
        (_("Category"), lambda p: p.get_category_display()),
        (_("Unit"), lambda p: p.get_unit_display()),
        (_("Unit price (yuan)"), lambda p: p.price),
        (_("Supplier"), lambda p: p.supplier.code if p.supplier_id else ""),
        (_("Key part"), lambda p: p.is_key_part),
        (_("Accessory"), lambda p: p.is_accessory),
        (pgettext("record in use", "Active"), lambda p: p.is_active),
    ]


def supplier_queryset(user, params: dict):
    return filtered_queryset(supplier_list, SupplierFilterSet, user, params).order_by("code")


def supplier_columns(user) -> list:
    return [
        (_("Code"), lambda s: s.code),
        (_("Name"), lambda s: s.name),
        (_("Contact person"), lambda s: s.contact_person),
        (_("Contact phone"), lambda s: display_phone(s.contact_phone)),
        (_("Quality contact"), lambda s: s.quality_contact_name),
        (_("Quality contact phone"), lambda s: display_phone(s.quality_contact_phone)),
        (pgettext("record in use", "Active"), lambda s: s.is_active),
    ]


register_exporter("parts", Exporter(kind="parts", label=_("parts"), permission="parts.view_part",
                                    queryset=part_queryset, columns=part_columns, personal=False))
register_exporter("suppliers", Exporter(kind="suppliers", label=_("suppliers"), permission="parts.view_supplier",
                                        queryset=supplier_queryset, columns=supplier_columns, personal=False))
