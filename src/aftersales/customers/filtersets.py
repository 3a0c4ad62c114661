"""One FilterSet per model: the same filters serve the pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.filtersets import ScopedChoicesMixin, StyledFilterSet, active_filter, yes_no_filter
from aftersales.org.models import Organisation, Region
from aftersales.org.selectors import regions_for_filters

from .choices import CustomerKind, CustomerSource, DocumentKind, EnergyType
from .lookup.query import matching_ids, matching_keys
from .models import Customer, CustomerDocument, Vehicle, VehicleModel
from .selectors import document_search, service_due_q, vehicles_without_key_parts

ARCHIVE_STATES = [("complete", _("Complete")), ("incomplete", _("Incomplete")), ("late", _("Overdue"))]


class CustomerFilterSet(ScopedChoicesMixin, StyledFilterSet):
    is_active = active_filter()
    scoped_filters = ("owning_dealer",)
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices, label=_("Customer type"))
    owning_dealer = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label=_("Owning dealer"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("Region"))
    source = django_filters.ChoiceFilter(choices=CustomerSource.choices, label=_("Source"))
    archive = django_filters.ChoiceFilter(choices=ARCHIVE_STATES, method="archive_state", label=_("Archive"))

    class Meta:
        model = Customer
        fields = ["q", "kind", "owning_dealer", "region", "source", "archive", "is_active"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["region"].queryset = regions_for_filters(user=request.user)

    def search(self, queryset, name, value):
        """Code, or what the lookup box answers (phone tail, plate, VIN tail, name, pinyin initials)
        through the lookup index, within the user's scope (issue 8 item 7)."""
        value = value.strip()
        if not value:
            return queryset
        # codes are stored upper-case; exact matches use the unique index (iexact would scan)
        q = Q(code__in={value, value.upper()})
        keys = matching_keys(value)
        if keys is not None:
            ids = matching_ids(keys, "customer_id")
            q |= Q(pk__in=ids if ids is not None else keys.filter(customer_id__isnull=False).values("customer_id"))
        return queryset.filter(q)

    def archive_state(self, queryset, name, value):
        if value == "complete":
            return queryset.filter(archive_completed_at__isnull=False)
        if value == "incomplete":
            return queryset.filter(archive_completed_at__isnull=True)
        if value == "late":
            from .selectors import archive_late_q

            return queryset.filter(archive_late_q(), archive_completed_at__isnull=True)
        return queryset


class VehicleFilterSet(ScopedChoicesMixin, StyledFilterSet):
    is_active = active_filter()
    scoped_filters = ("selling_dealer", "servicing_dealer")
    q = django_filters.CharFilter(method="search", label=_("VIN, plate or owner"))
    vehicle_model = django_filters.ModelChoiceFilter(queryset=VehicleModel.objects.all(), label=_("Vehicle model"))
    production_batch = django_filters.CharFilter(label=_("Production batch"))
    selling_dealer = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label=_("Selling dealer"))
    servicing_dealer = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(),
                                                        label=_("Servicing dealer"))
    sold_from = django_filters.DateFilter(field_name="sale_date", lookup_expr="gte", label=_("Sold from"))
    sold_to = django_filters.DateFilter(field_name="sale_date", lookup_expr="lte", label=_("Sold until"))
    first_service_due = yes_no_filter(_("First service (首保) due within 30 days"), method="filter_service_due")
    service_due = yes_no_filter(_("Scheduled service (定保) due within 30 days"), method="filter_service_due")
    without_key_parts = yes_no_filter(_("Key-part lots missing"), method="filter_without_key_parts")

    class Meta:
        model = Vehicle
        fields = ["q", "vehicle_model", "production_batch", "selling_dealer", "servicing_dealer", "sold_from",
                  "sold_to", "first_service_due", "service_due", "without_key_parts", "is_active"]

    def filter_service_due(self, queryset, name, value):
        if value is None:
            return queryset
        q = service_due_q(first=name == "first_service_due")
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_without_key_parts(self, queryset, name, value):
        if value is None:
            return queryset
        missing = vehicles_without_key_parts(user=None, within=queryset)
        return queryset.filter(pk__in=missing.values("pk")) if value else queryset.exclude(pk__in=missing.values("pk"))

    def search(self, queryset, name, value):
        """VIN, plate or the owner's name / phone tail, through the lookup index (issue 8 item 7)."""
        value = value.strip()
        if not value:
            return queryset
        keys = matching_keys(value)
        if keys is None:
            return queryset.none()
        vehicles = matching_ids(keys, "vehicle_id")
        owners = matching_ids(keys.filter(vehicle_id__isnull=True), "customer_id")
        if vehicles is not None and owners is not None:
            # one list of vehicle ids: "id IN (…) OR owner_id IN (…)" made PostgreSQL scan every vehicle
            # ids only, then intersected with ``queryset`` (the user's restricted vehicles)
            owned = matching_ids(Vehicle.objects.unscoped(reason="ids intersected with the restricted queryset")
                                 .filter(owner_id__in=owners), "pk")
            if owned is not None:
                return queryset.filter(pk__in=set(vehicles) | set(owned))
        return queryset.filter(
            Q(pk__in=vehicles if vehicles is not None else keys.filter(vehicle_id__isnull=False).values("vehicle_id"))
            | Q(owner_id__in=owners if owners is not None
                else keys.filter(vehicle_id__isnull=True).values("customer_id")))


class VehicleModelFilterSet(StyledFilterSet):
    is_active = active_filter()
    q = django_filters.CharFilter(method="search", label=_("Search"))
    energy_type = django_filters.ChoiceFilter(choices=EnergyType.choices, label=_("Energy type"))

    class Meta:
        model = VehicleModel
        fields = ["q", "energy_type", "is_active"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(series__icontains=value)) \
            if value else queryset


class DocumentFilterSet(ScopedChoicesMixin, StyledFilterSet):
    scoped_filters = ("organisation",)
    q = django_filters.CharFilter(method="search", label=_("Search title, number or content"))
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices, label=_("Document type"))
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label=_("Organisation"))
    date_from = django_filters.DateFilter(field_name="document_date", lookup_expr="gte", label=_("Dated from"))
    date_to = django_filters.DateFilter(field_name="document_date", lookup_expr="lte", label=_("Dated until"))

    class Meta:
        model = CustomerDocument
        fields = ["q", "kind", "organisation", "date_from", "date_to"]

    def search(self, queryset, name, value):
        return document_search(queryset, value)


class IncompleteArchiveFilterSet(ScopedChoicesMixin, StyledFilterSet):
    scoped_filters = ("owning_dealer",)
    owning_dealer = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label=_("Owning dealer"))
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices, label=_("Customer type"))
    late = django_filters.BooleanFilter(field_name="is_late", label=_("Overdue only"),
                                        method="only_late")

    class Meta:
        model = Customer
        fields = ["owning_dealer", "kind", "late"]

    def only_late(self, queryset, name, value):
        return queryset.filter(is_late=True) if value else queryset
