from django.utils.translation import gettext_lazy as _

from aftersales.core.views.generic import (
    ObjectDeactivateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)

from . import filtersets, forms, selectors, services, tables
from .models import Part, Supplier

SUPPLIER_DETAIL_PARTS = 200


class SupplierListView(ObjectListView):
    model = Supplier
    selector = selectors.supplier_list
    filterset_class = filtersets.SupplierFilterSet
    table_class = tables.SupplierTable
    add_url_name = "parts:supplier_add"
    export_kind = "suppliers"
    empty_hint = _("Suppliers deliver the parts of the catalogue; their quality contact receives parts-quality feedback.")


class SupplierDetailView(ObjectDetailView):
    model = Supplier
    selector = selectors.supplier_list
    template_name = "parts/supplier_detail.html"
    edit_url_name = "parts:supplier_edit"
    deactivate_url_name = "parts:supplier_deactivate"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        if user.has_perm("parts.view_part"):
            ctx["parts"] = selectors.part_list(user=user).filter(supplier=ctx["object"])[:SUPPLIER_DETAIL_PARTS]
            ctx["parts_limit"] = SUPPLIER_DETAIL_PARTS
        return ctx


class SupplierEditView(ObjectEditView):
    model = Supplier
    selector = selectors.supplier_list
    form_class = forms.SupplierForm
    create_service = services.supplier_create
    update_service = services.supplier_update


class SupplierDeactivateView(ObjectDeactivateView):
    model = Supplier
    selector = selectors.supplier_list
    deactivate_service = services.supplier_set_active


class PartListView(ObjectListView):
    model = Part
    selector = selectors.part_list
    filterset_class = filtersets.PartFilterSet
    table_class = tables.PartTable
    add_url_name = "parts:part_add"
    export_kind = "parts"
    title = _("Parts catalogue")
    empty_hint = _("The catalogue lists every part with its number, category, unit price and supplier.")


class PartDetailView(ObjectDetailView):
    model = Part
    selector = selectors.part_list
    template_name = "parts/part_detail.html"
    edit_url_name = "parts:part_edit"
    deactivate_url_name = "parts:part_deactivate"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["category_monitored"] = selectors.is_monitored_category(ctx["object"].category)
        return ctx


class PartEditView(ObjectEditView):
    model = Part
    selector = selectors.part_list
    form_class = forms.PartForm
    create_service = services.part_create
    update_service = services.part_update


class PartDeactivateView(ObjectDeactivateView):
    model = Part
    selector = selectors.part_list
    deactivate_service = services.part_set_active
