"""Picker kind for organisations (issue 8 item 6): dealers, 4S stores and service stations chosen
by code or name inside the user's scope, shown with type and region.  Registered in
``OrgConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.pickers import PickerKind, PickerOption, register_picker

from .models import Organisation

SEP = " · "


def search_organisations(*, user, q: str, limit: int = 20) -> list[Organisation]:
    q = q.strip()
    match = Q(code__istartswith=q) | Q(name__icontains=q) | Q(short_name__icontains=q)
    return list(Organisation.objects.restrict(user).filter(match, is_active=True)
                .select_related("region").order_by("code")[:limit])


def describe_organisations(organisations, *, user) -> list[PickerOption]:
    return [PickerOption(o.pk, SEP.join((str(o), o.code)),
                         SEP.join(p for p in (o.get_kind_display(), o.region.name if o.region_id else "",
                                              o.name if o.short_name and o.short_name != o.name else "") if p))
            for o in organisations]


ORGANISATIONS = register_picker(PickerKind(
    key="organisations", model="org.Organisation", permission="org.view_organisation",
    search=search_organisations, describe=describe_organisations, min_length=1,
    placeholder=_("Dealer code or name"),
))
