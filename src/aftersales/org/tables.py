import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Department, Organisation, Region, StaffProfile


class RegionTable(tables.Table):
    name = tables.Column(linkify=True)
    organisation_count = tables.Column(verbose_name=_("Organisations"), orderable=True)

    class Meta:
        model = Region
        fields = ("code", "name", "kind", "parent", "organisation_count", "is_active")
        order_by = ("code",)


class OrganisationTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)

    class Meta:
        model = Organisation
        fields = ("code", "name", "kind", "region", "group", "status", "contract_end", "is_active")
        order_by = ("code",)


class DepartmentTable(tables.Table):
    name = tables.Column(linkify=True)
    organisation = tables.Column(linkify=True)

    class Meta:
        model = Department
        fields = ("name", "kind", "organisation", "manager", "is_active")


class StaffTable(tables.Table):
    display_name = tables.Column(linkify=True)
    roles = tables.ManyToManyColumn(verbose_name=_("Roles"), orderable=False)
    organisation = tables.Column(linkify=True)

    class Meta:
        model = StaffProfile
        fields = ("employee_code", "display_name", "organisation", "department", "title", "roles", "is_active")
        order_by = ("employee_code",)
