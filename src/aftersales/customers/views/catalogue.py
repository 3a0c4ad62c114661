"""Vehicle-model pages (master data): models, their warranty policy, maintenance plan and per-part
terms (R-CUS-2, R-WS-5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from aftersales.core.exceptions import ServiceError
from aftersales.core.views.generic import (
    ObjectDeactivateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    add_errors,
)

from .. import filtersets, forms, selectors, services, tables
from ..models import MaintenancePlan, VehicleModel, WarrantyPolicy


class VehicleModelListView(ObjectListView):
    model = VehicleModel
    selector = selectors.vehicle_model_list
    filterset_class = filtersets.VehicleModelFilterSet
    table_class = tables.VehicleModelTable
    add_url_name = "customers:vehiclemodel_add"


class VehicleModelDetailView(ObjectDetailView):
    model = VehicleModel
    selector = selectors.vehicle_model_list
    template_name = "customers/vehiclemodel_detail.html"
    edit_url_name = "customers:vehiclemodel_edit"
    deactivate_url_name = "customers:vehiclemodel_deactivate"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        model = ctx["object"]
        ctx["policy"] = getattr(model, "warranty_policy", None) if hasattr(model, "warranty_policy") else None
        ctx["plan"] = getattr(model, "maintenance_plan", None) if hasattr(model, "maintenance_plan") else None
        ctx["can_change"] = self.request.user.has_perm("customers.change_vehiclemodel")
        return ctx


class VehicleModelEditView(ObjectEditView):
    model = VehicleModel
    selector = selectors.vehicle_model_list
    form_class = forms.VehicleModelForm
    create_service = staticmethod(services.vehicle_model_create)
    update_service = staticmethod(services.vehicle_model_update)


class VehicleModelDeactivateView(ObjectDeactivateView):
    model = VehicleModel
    selector = selectors.vehicle_model_list


class VehicleModelTermsView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Warranty policy, maintenance plan and per-part terms of one model on one page."""

    template_name = "customers/vehiclemodel_terms.html"
    permission_required = "customers.change_vehiclemodel"

    def model(self):
        return get_object_or_404(selectors.vehicle_model_list(user=self.request.user), pk=self.kwargs["pk"])

    @staticmethod
    def terms(model):
        """The model's policy and plan, or unsaved ones with the defaults when a model made outside the
        service lacks them (a missing reverse one-to-one raises an AttributeError subclass); the first
        save creates them."""
        return (getattr(model, "warranty_policy", None) or WarrantyPolicy(vehicle_model=model),
                getattr(model, "maintenance_plan", None) or MaintenancePlan(vehicle_model=model))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        model = kwargs.get("object") or self.model()
        user = self.request.user
        policy, plan = self.terms(model)
        ctx.update(
            object=model, title=_("Warranty and maintenance of %(model)s") % {"model": model},
            policy_form=kwargs.get("policy_form") or forms.WarrantyPolicyForm(instance=policy, user=user, prefix="policy"),
            plan_form=kwargs.get("plan_form") or forms.MaintenancePlanForm(instance=plan, user=user, prefix="plan"),
            term_form=kwargs.get("term_form") or forms.PartWarrantyTermForm(user=user, prefix="term"),
        )
        return ctx

    def post(self, request, pk):
        model = self.model()
        user = request.user
        which = request.POST.get("form")
        if which == "term":
            form = forms.PartWarrantyTermForm(request.POST, user=user, prefix="term")
            if form.is_valid():
                cd = form.cleaned_data
                try:
                    services.vehicle_model_part_term_set(actor=user, model=model, category=cd["category"],
                                                         months=cd["months"], km=cd["km"])
                    return HttpResponseRedirect(model.get_absolute_url())
                except ValidationError as exc:
                    add_errors(form, exc)
            return self.render_to_response(self.get_context_data(object=model, term_form=form), status=400)
        policy, plan = self.terms(model)
        if which == "plan":
            form, key = forms.MaintenancePlanForm(request.POST, instance=plan, user=user, prefix="plan"), "plan_form"
        else:
            which = "policy"
            form, key = forms.WarrantyPolicyForm(request.POST, instance=policy, user=user, prefix="policy"), "policy_form"
        if form.is_valid():
            data, _m2m = form.service_data()
            try:
                services.vehicle_model_terms_save(actor=user, model=model, which=which, data=data,
                                                  expected_version=form.cleaned_data.get("version"))
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(model.get_absolute_url())
            except ValidationError as exc:
                add_errors(form, exc)
            except ServiceError as exc:
                form.add_error(None, str(exc.message))
        return self.render_to_response(self.get_context_data(object=model, **{key: form}), status=400)
