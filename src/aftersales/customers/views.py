"""Pages of the customer archive.  Thin: reads via selectors (scoped), writes via services."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aftersales.core.attachments.views import serve_attachment
from aftersales.core.charts import Chart
from aftersales.core.exceptions import ServiceError
from aftersales.core.fonts import CjkFontMissing
from aftersales.core.masking import can_see_personal_data, person_unmasked
from aftersales.core.pdf import PDF_CONTENT_TYPE, render_pdf
from aftersales.core.selectors import change_log, timeline_for_customer, timeline_for_vehicle
from aftersales.core.views.generic import (
    ObjectDeactivateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedObjectMixin,
    add_errors,
)

from . import filtersets, forms, presenters, selectors, services, tables
from .models import Customer, CustomerAddress, CustomerDocument, CustomerPhone, Vehicle, VehicleModel
from .services import REVEAL_PERMISSION
from .warranty import coverage

# --------------------------------------------------------------------------------------------
# customers
# --------------------------------------------------------------------------------------------


class CustomerListView(ObjectListView):
    model = Customer
    selector = selectors.customer_list
    filterset_class = filtersets.CustomerFilterSet
    table_class = tables.CustomerTable
    add_url_name = "customers:customer_add"
    export_kind = "customers"
    empty_hint = gettext_lazy("Customers are created at the first visit or imported from the sales system.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        services.log_personal_data_list_view(actor=self.request.user, rows=len(ctx["table"].page.object_list))
        return ctx


def _create_customer(*, actor, data, m2m):
    data = dict(data)
    phones, addresses = data.pop("phones", []), data.pop("addresses", [])
    try:
        return services.customer_create(actor=actor, data=data, phones=phones, addresses=addresses)
    except ValidationError as exc:
        # Service field names -> form field names, so the error shows beside its input.
        rename = {"phones": "phone", "address_detail": "address_detail"}
        raise ValidationError({rename.get(k, k): v for k, v in exc.error_dict.items()}
                              if hasattr(exc, "error_dict") else exc.messages) from None


class CustomerEditView(ObjectEditView):
    model = Customer
    selector = selectors.customer_list
    form_class = forms.CustomerForm
    create_service = staticmethod(_create_customer)
    update_service = staticmethod(services.customer_update)


class CustomerDeactivateView(ObjectDeactivateView):
    model = Customer
    selector = selectors.customer_list


class CustomerDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Customer 360 (R-CUS-4): contact, consent, vehicles with warranty and next service, documents,
    change history and the whole timeline — a fixed number of queries."""

    template_name = "customers/customer_detail.html"
    permission_required = "customers.view_customer"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        customer = selectors.customer_detail_360(user=user, pk=self.kwargs["pk"])
        today = timezone.localdate()
        if can_see_personal_data(user):
            services.log_personal_data_view(actor=user, customer=customer)
        # Two tabs (issue 8 item 2): the service history in sentences, and the field-by-field change log.
        tab = "changes" if self.request.GET.get("tab") == "changes" else "story"
        history = change_log(selectors.customer_change_history(customer.pk), user) if tab == "changes" else []
        ctx.update(
            object=customer, title=str(customer), model_meta=Customer._meta,
            contact=presenters.customer_contact(customer, user),
            can_reveal=user.has_perm(REVEAL_PERMISSION) and not can_see_personal_data(user),
            reveal_form=forms.RevealForm(),
            can_change=user.has_perm("customers.change_customer"),
            can_export=user.has_perm(services.EXPORT_PERMISSION),
            vehicles=[{"vehicle": v, "coverage": coverage(v, today)} for v in customer.vehicles.all()],
            documents=list(customer.documents.all()),
            ownerships=list(customer.ownerships.all()),
            consents=selectors.contact_consents(customer.pk),
            history=history, tab=tab,
            timeline=timeline_for_customer(customer, user=user),
            phone_form=forms.PhoneForm(), address_form=forms.AddressForm(user=user),
        )
        return ctx


class CustomerRevealView(LoginRequiredMixin, View):
    """htmx POST with a reason: shows the unmasked contact data and logs a "reveal" row."""

    def post(self, request, pk):
        customer = selectors.customer_detail_360(user=request.user, pk=pk)
        form = forms.RevealForm(request.POST)
        revealed = False
        if form.is_valid():
            try:
                services.reveal_personal_data(actor=request.user, customer=customer,
                                              reason=form.cleaned_data["reason"])
                revealed = True
            except ValidationError as exc:
                add_errors(form, exc)
        if not revealed and not request.user.has_perm(REVEAL_PERMISSION):
            raise PermissionDenied
        from django.template.response import TemplateResponse

        return TemplateResponse(request, "customers/_contact.html", {
            "object": customer, "contact": presenters.customer_contact(customer, request.user, revealed=revealed),
            "can_reveal": not revealed, "reveal_form": form, "revealed": revealed,
        }, status=200 if revealed else 400)


class CustomerExportView(LoginRequiredMixin, View):
    """One customer's data as JSON (PIPL right of access); managers only, logged as an export."""

    def get(self, request, pk):
        customer = selectors.customer_detail_360(user=request.user, pk=pk)
        data = services.export_customer_data(actor=request.user, customer=customer)
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2, default=str),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="customer-{customer.code}.json"'
        return response


class CustomerArchivePdfView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The printable "客户档案" sheet (R-CUS-4): what the 360 page shows, as a PDF with Chinese text
    embedded; personal data masked per role exactly as on the page, and an unmasked print is logged."""

    permission_required = "customers.view_customer"

    def get(self, request, pk):
        user = request.user
        customer = selectors.customer_detail_360(user=user, pk=pk)
        today = timezone.localdate()
        context = {
            "object": customer, "contact": presenters.customer_contact(customer, user),
            "vehicles": [{"vehicle": v, "coverage": coverage(v, today)} for v in customer.vehicles.all()],
            "documents": list(customer.documents.all()),
        }
        try:
            pdf = render_pdf("customers/customer_archive_pdf.html", context, request=request,
                             title=_("Customer archive"), organisation_name=str(customer.owning_dealer),
                             signatures=[_("Customer"), _("Service advisor")])
        except CjkFontMissing as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(customer.get_absolute_url())
        if can_see_personal_data(user):
            services.log_personal_data_view(actor=user, customer=customer)
        response = HttpResponse(pdf, content_type=PDF_CONTENT_TYPE)
        response["Content-Disposition"] = f'inline; filename="customer-{customer.code}.pdf"'
        return response


class _CustomerChildView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "customers.change_customer"

    def customer(self):
        return get_object_or_404(selectors.customer_list(user=self.request.user), pk=self.kwargs["pk"])

    def done(self, customer, error=None):
        if error:
            messages.error(self.request, error)
        return HttpResponseRedirect(customer.get_absolute_url())


def _first_error(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class PhoneAddView(_CustomerChildView):
    def post(self, request, pk):
        customer = self.customer()
        form = forms.PhoneForm(request.POST)
        if not form.is_valid():
            return self.done(customer, _("Enter a phone number."))
        try:
            services.phone_add(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            return self.done(customer, _first_error(exc))
        messages.success(request, _("Phone number added."))
        return self.done(customer)


class PhoneRemoveView(_CustomerChildView):
    def post(self, request, pk, phone_pk):
        customer = self.customer()
        phone = get_object_or_404(CustomerPhone, pk=phone_pk, customer=customer)
        try:
            services.phone_remove(actor=request.user, phone=phone)
        except ServiceError as exc:
            return self.done(customer, str(exc.message))
        return self.done(customer)


class PhoneSetPrimaryView(_CustomerChildView):
    def post(self, request, pk, phone_pk):
        customer = self.customer()
        services.phone_set_primary(actor=request.user, phone=get_object_or_404(CustomerPhone, pk=phone_pk,
                                                                               customer=customer))
        return self.done(customer)


class AddressAddView(_CustomerChildView):
    def post(self, request, pk):
        customer = self.customer()
        form = forms.AddressForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.done(customer, _("Enter the street address."))
        data, _m2m = form.service_data()
        try:
            services.address_add(actor=request.user, customer=customer, data=data,
                                 make_primary=form.cleaned_data.get("make_primary", False))
        except ValidationError as exc:
            return self.done(customer, _first_error(exc))
        return self.done(customer)


class AddressEditView(ObjectEditView):
    model = CustomerAddress
    form_class = forms.AddressForm
    update_service = staticmethod(services.address_update)

    def get_queryset(self):
        return CustomerAddress.objects.restrict(self.request.user).select_related("customer")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_permission_required(self):
        return ["customers.change_customer"]

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302:
            return HttpResponseRedirect(self.get_object().customer.get_absolute_url())
        return response


class IncompleteArchiveListView(ObjectListView):
    """档案待完善 (R-CUS-3): overdue ones (first visit over 2 days ago) highlighted."""

    model = Customer
    selector = selectors.incomplete_archives
    filterset_class = filtersets.IncompleteArchiveFilterSet
    table_class = tables.IncompleteArchiveTable
    title = gettext_lazy("Incomplete archives")
    empty_hint = gettext_lazy("Every archive is complete.")

    def get_permission_required(self):
        return ["customers.change_customer"]


# --------------------------------------------------------------------------------------------
# vehicles
# --------------------------------------------------------------------------------------------


class VehicleListView(ObjectListView):
    model = Vehicle
    selector = selectors.vehicle_list
    filterset_class = filtersets.VehicleFilterSet
    table_class = tables.VehicleTable
    add_url_name = "customers:vehicle_add"
    export_kind = "vehicles"


class VehicleDetailView(ObjectDetailView):
    model = Vehicle
    selector = selectors.vehicle_detail
    template_name = "customers/vehicle_detail.html"
    edit_url_name = "customers:vehicle_edit"
    deactivate_url_name = "customers:vehicle_deactivate"
    forms_override: dict = {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        vehicle = ctx["object"]
        user = self.request.user
        ctx.update(
            coverage=coverage(vehicle, timezone.localdate()),
            readings=sorted(vehicle.mileage_readings.all(), key=lambda r: (r.read_on, r.pk), reverse=True),
            # Masking follows the row: an owner who moved to another dealer is masked here.
            owner_phone=presenters.phone(vehicle.owner.primary_phone, user,
                                         unmasked=person_unmasked(user, vehicle.owner_id))
            if vehicle.owner_id else "",
            can_change=user.has_perm("customers.change_vehicle"),
            mileage_form=kwargs.get("mileage_form") or forms.MileageForm(),
            owner_form=kwargs.get("owner_form") or forms.ChangeOwnerForm(user=user),
            keypart_form=kwargs.get("keypart_form") or forms.KeyPartLotForm(),
            timeline=timeline_for_vehicle(vehicle, user=user),
        )
        return ctx


class _VehicleActionView(VehicleDetailView):
    """POST one small form of the vehicle page; errors re-render the page beside the field (400)."""

    form_name = ""

    def get_permission_required(self):
        return ["customers.change_vehicle"]

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.get_object().get_absolute_url())

    def post(self, request, *args, **kwargs):
        vehicle = self.get_object()
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                self.apply(vehicle, form.cleaned_data)
                return HttpResponseRedirect(vehicle.get_absolute_url())
            except ValidationError as exc:
                add_errors(form, exc)
        return self.render_to_response(self.get_context_data(**{self.form_name: form}), status=400)


class VehicleMileageView(_VehicleActionView):
    form_name = "mileage_form"

    def make_form(self, data):
        return forms.MileageForm(data)

    def apply(self, vehicle, cd):
        services.record_mileage(actor=self.request.user, vehicle=vehicle, reading_km=cd["reading_km"],
                                read_on=cd.get("read_on"), source=cd["source"], reason=cd.get("reason", ""))
        messages.success(self.request, _("Mileage recorded."))


class VehicleChangeOwnerView(_VehicleActionView):
    form_name = "owner_form"

    def make_form(self, data):
        return forms.ChangeOwnerForm(data, user=self.request.user)

    def apply(self, vehicle, cd):
        services.change_owner(actor=self.request.user, vehicle=vehicle, new_owner=cd["new_owner"], on=cd.get("on"),
                              reason=cd.get("reason", ""))
        messages.success(self.request, _("Owner changed."))


class VehicleKeyPartView(_VehicleActionView):
    form_name = "keypart_form"

    def make_form(self, data):
        return forms.KeyPartLotForm(data)

    def apply(self, vehicle, cd):
        services.set_key_part_lot(actor=self.request.user, vehicle=vehicle, **cd)


class VehicleEditView(ObjectEditView):
    model = Vehicle
    selector = selectors.vehicle_list
    form_class = forms.VehicleForm
    create_service = staticmethod(services.vehicle_create)
    update_service = staticmethod(services.vehicle_update)

    def get_form(self, instance):
        form = super().get_form(instance)
        owner = self.request.GET.get("owner")
        if instance is None and owner and not form.is_bound:
            form.fields["owner"].initial = owner
        return form


class VehicleDeactivateView(ObjectDeactivateView):
    model = Vehicle
    selector = selectors.vehicle_list


# --------------------------------------------------------------------------------------------
# vehicle models (master data)
# --------------------------------------------------------------------------------------------


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

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        model = kwargs.get("object") or self.model()
        user = self.request.user
        ctx.update(
            object=model, title=_("Warranty and maintenance of %(model)s") % {"model": model},
            policy_form=kwargs.get("policy_form") or forms.WarrantyPolicyForm(instance=model.warranty_policy, user=user,
                                                                              prefix="policy"),
            plan_form=kwargs.get("plan_form") or forms.MaintenancePlanForm(instance=model.maintenance_plan, user=user,
                                                                           prefix="plan"),
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
                    services.part_term_set(actor=user, policy=model.warranty_policy, category=cd["category"],
                                           months=cd["months"], km=cd["km"])
                    return HttpResponseRedirect(model.get_absolute_url())
                except ValidationError as exc:
                    add_errors(form, exc)
            return self.render_to_response(self.get_context_data(object=model, term_form=form), status=400)
        if which == "plan":
            form = forms.MaintenancePlanForm(request.POST, instance=model.maintenance_plan, user=user, prefix="plan")
            service, key = services.maintenance_plan_update, "plan_form"
        else:
            form = forms.WarrantyPolicyForm(request.POST, instance=model.warranty_policy, user=user, prefix="policy")
            service, key = services.warranty_policy_update, "policy_form"
        if form.is_valid():
            data, _m2m = form.service_data()
            try:
                service(form.instance, actor=user, data=data, expected_version=form.cleaned_data.get("version"))
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(model.get_absolute_url())
            except ValidationError as exc:
                add_errors(form, exc)
            except ServiceError as exc:
                form.add_error(None, str(exc.message))
        return self.render_to_response(self.get_context_data(object=model, **{key: form}), status=400)


# --------------------------------------------------------------------------------------------
# documents (R-CUS-6)
# --------------------------------------------------------------------------------------------


class DocumentListView(ObjectListView):
    model = CustomerDocument
    selector = selectors.document_list
    filterset_class = filtersets.DocumentFilterSet
    table_class = tables.DocumentTable
    add_url_name = "customers:document_add"
    template_name = "customers/document_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = ctx["filterset"]
        qs = self.get_queryset()
        if filterset is not None and filterset.is_bound and filterset.is_valid():
            qs = filterset.qs
        ctx["summary"] = selectors.document_summary(qs)
        from .choices import DocumentKind

        labels = dict(DocumentKind.choices)
        for row in ctx["summary"]["by_kind"] + ctx["summary"]["by_month"]:
            row["label"] = labels.get(row["kind"], row["kind"])
        ctx["chart"] = documents_by_month_chart(ctx["summary"]["by_month"], labels)
        return ctx


def _month_index(day) -> int:
    return day.year * 12 + day.month - 1


def documents_by_month_chart(by_month: list[dict], labels: dict) -> Chart | None:
    """Returned documents per month, stacked by kind (R-CUS-6): the last 12 months that have
    documents, with the empty months between them shown as empty (a gap is information); None if
    there is nothing to chart."""
    if not by_month:
        return None
    last = max(r["month"] for r in by_month)
    first_index = max(_month_index(min(r["month"] for r in by_month)), _month_index(last) - 11)
    months = [date(i // 12, i % 12 + 1, 1) for i in range(first_index, _month_index(last) + 1)]
    kinds = sorted({r["kind"] for r in by_month if _month_index(r["month"]) >= first_index})
    counts = {(date(r["month"].year, r["month"].month, 1), r["kind"]): r["count"] for r in by_month}
    return Chart("stacked_bar", _("Returned documents by month"), [m.strftime("%Y-%m") for m in months],
                 {str(labels.get(k, k)): [counts.get((m, k), 0) for m in months] for k in kinds},
                 y_label=_("Count"))


class DocumentDetailView(ObjectDetailView):
    model = CustomerDocument
    selector = selectors.document_list
    template_name = "customers/document_detail.html"
    edit_url_name = "customers:document_edit"


class DocumentFileView(ScopedObjectMixin, PermissionRequiredMixin, View):
    """The latest scan of a returned document, only to users who may see the document (never a
    public /media/ URL: customer documents are personal data); served and logged like every
    attachment (``core.attachments.views``)."""

    model = CustomerDocument
    selector = selectors.document_list
    permission_required = "customers.view_customerdocument"

    def get(self, request, pk):
        document = self.get_object()
        scans = list(document.attachments.all())
        if not scans:
            raise Http404
        return serve_attachment(request, scans[-1], document)


class DocumentEditView(ObjectEditView):
    model = CustomerDocument
    selector = selectors.document_list
    form_class = forms.DocumentForm
    create_service = staticmethod(services.document_create)
    update_service = staticmethod(services.document_update)
    template_name = "customers/document_edit.html"

    def get_form(self, instance):
        form = super().get_form(instance)
        customer = self.request.GET.get("customer")
        if instance is None and customer and not form.is_bound:
            form.fields["customer"].initial = customer
        return form
