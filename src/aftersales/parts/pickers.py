"""Picker kind for catalogue parts (issue 8 item 6): chosen by part number or name, shown with
category, supplier and price.  Registered in ``PartsConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.pickers import PickerKind, PickerOption, register_picker

from .models import Part
from .validators import normalise_part_number

SEP = " · "


def search_parts(*, user, q: str, limit: int = 20) -> list[Part]:
    number = normalise_part_number(q)
    return list(Part.objects.filter(Q(part_number__startswith=number) | Q(name__icontains=q.strip()), is_active=True)
                .select_related("supplier").order_by("part_number")[:limit])


def describe_parts(parts, *, user) -> list[PickerOption]:
    return [PickerOption(p.pk, SEP.join((p.part_number, p.name)),
                         SEP.join(x for x in (p.get_category_display(), str(p.supplier) if p.supplier_id else "",
                                              f"¥{p.price}") if x))
            for p in parts]


PARTS = register_picker(PickerKind(
    key="parts", model="parts.Part", permission="parts.view_part",
    search=search_parts, describe=describe_parts,
    placeholder=_("Part number or name"),
))
