"""One FilterSet per model: the same filters serve the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.filtersets import SearchFilterSet, yes_no_filter

from .choices import PartCategory, PartUnit
from .models import Part, Supplier


class SupplierFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "short_name", "contact_person", "quality_contact_name")
    category = django_filters.ChoiceFilter(choices=PartCategory.choices, method="supplies", label=_("Supplies"))
    is_active = yes_no_filter(pgettext_lazy("record status", "Active"))

    class Meta:
        model = Supplier
        fields = ["q", "category", "is_active"]

    def supplies(self, queryset, name, value):
        # Categories are a JSON list of codes; matching the quoted code works on SQLite and PostgreSQL
        # alike (JSON ``contains`` does not exist on SQLite).
        return queryset.filter(categories__icontains=f'"{value}"') if value else queryset


class PartFilterSet(SearchFilterSet):
    search_fields = ("part_number", "name", "supplier__code", "supplier__name", "supplier__short_name")
    category = django_filters.ChoiceFilter(choices=PartCategory.choices, label=_("Category"))
    unit = django_filters.ChoiceFilter(choices=PartUnit.choices, label=_("Unit"))
    supplier = django_filters.ModelChoiceFilter(queryset=Supplier.objects.all(), label=_("Supplier"))
    without_supplier = yes_no_filter(_("Without supplier"), field_name="supplier", lookup_expr="isnull")
    is_key_part = yes_no_filter(_("Key part"))
    is_accessory = yes_no_filter(_("Accessory"))
    is_active = yes_no_filter(pgettext_lazy("record status", "Active"))
    price_min = django_filters.NumberFilter(field_name="price", lookup_expr="gte", label=_("Price from"))
    price_max = django_filters.NumberFilter(field_name="price", lookup_expr="lte", label=_("Price up to"))

    class Meta:
        model = Part
        fields = ["q", "category", "supplier", "without_supplier", "is_key_part", "is_accessory", "is_active", "unit",
                  "price_min", "price_max"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["supplier"].queryset = Supplier.objects.order_by("code")
