"""Picker kinds for organisations and staff (issue 8 item 6): dealers, 4S stores and service
stations by code or name, staff by name or staff code, inside the user's scope, shown with type and
region / organisation and department.  Registered in ``OrgConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.pickers import PickerKind, PickerOption, register_picker

from .models import Organisation, StaffProfile

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


def search_staff(*, user, q: str, limit: int = 20) -> list[StaffProfile]:
    q = q.strip()
    match = Q(display_name__icontains=q) | Q(employee_code__istartswith=q)
    return list(StaffProfile.objects.restrict(user).filter(match, is_active=True)
                .select_related("organisation", "department").order_by("display_name", "employee_code")[:limit])


def describe_staff(staff, *, user) -> list[PickerOption]:
    return [PickerOption(s.pk, SEP.join((s.display_name, s.employee_code)),
                         SEP.join(p for p in (str(s.organisation), s.department.name if s.department_id else "",
                                              s.title) if p))
            for s in staff]


# Staff of a whole network run into the tens of thousands: the responsible person, a department's
# manager and a team lead are searched too.
STAFF = register_picker(PickerKind(
    key="staff", model="org.StaffProfile", permission="org.view_staffprofile",
    search=search_staff, describe=describe_staff, min_length=1,
    placeholder=_("Staff name or code"),
))
