"""One FilterSet per model: the same filters serve the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.core.filtersets import ScopedChoicesMixin, SearchFilterSet, active_filter

from .choices import DepartmentKind, OrganisationKind, OrganisationStatus, RegionKind
from .models import Department, Organisation, Region, Role, StaffProfile
from .selectors import region_subtree_ids


class RegionFilterSet(SearchFilterSet):
    is_active = active_filter()
    search_fields = ("code", "name")
    kind = django_filters.ChoiceFilter(choices=RegionKind.choices, label=_("Level"))
    parent = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("Parent region"))

    class Meta:
        model = Region
        fields = ["q", "kind", "parent", "is_active"]


class OrganisationFilterSet(SearchFilterSet):
    is_active = active_filter()
    search_fields = ("code", "name", "short_name", "address", "contact_person")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label=_("Type"))
    status = django_filters.ChoiceFilter(choices=OrganisationStatus.choices, label=_("Status"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), method="in_region", label=_("Region"))
    contract_end_before = django_filters.DateFilter(field_name="contract_end", lookup_expr="lte",
                                                    label=_("Contract ends by"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "status", "region", "is_active", "contract_end_before"]

    def in_region(self, queryset, name, value):
        return queryset.filter(region_id__in=region_subtree_ids([value])) if value else queryset


class DepartmentFilterSet(ScopedChoicesMixin, SearchFilterSet):
    scoped_filters = ("organisation",)
    is_active = active_filter()
    search_fields = ("name", "organisation__name", "organisation__code")
    kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices, label=_("Type"))
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label=_("Organisation"))

    class Meta:
        model = Department
        fields = ["q", "kind", "organisation", "is_active"]


class StaffFilterSet(ScopedChoicesMixin, SearchFilterSet):
    scoped_filters = ("organisation",)
    is_active = active_filter()
    search_fields = ("display_name", "employee_code", "user__username", "title")
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label=_("Organisation"))
    role = django_filters.ModelChoiceFilter(field_name="roles", queryset=Role.objects.all(), label=_("Role"))
    department__kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices, label=_("Department type"))
    region_covered = django_filters.ModelChoiceFilter(field_name="regions_covered", queryset=Region.objects.all(),
                                                      label=_("Covers region"))

    class Meta:
        model = StaffProfile
        fields = ["q", "organisation", "role", "department__kind", "region_covered", "is_active"]
