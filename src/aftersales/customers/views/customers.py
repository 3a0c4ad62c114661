"""Customer pages: list, 360 detail, edit, reveal, export, printable archive, phones and
addresses, incomplete archives (R-CUS-1, R-CUS-3, R-CUS-4, R-SYS-2).  Thin: reads via selectors
(scoped), writes via services."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aftersales.core.exceptions import ServiceError
from aftersales.core.fonts import CjkFontMissing
from aftersales.core.masking import can_see_personal_data
from aftersales.core.pdf import PDF_CONTENT_TYPE, render_pdf
from aftersales.core.registry import page_actions_for
from aftersales.core.selectors import change_log, timeline_for_customer
from aftersales.core.views.generic import (
    ObjectDeactivateView,
    ObjectEditView,
    ObjectListView,
    add_errors,
)

from .. import filtersets, forms, presenters, selectors, services, tables
from ..models import Customer, CustomerAddress, CustomerPhone
from ..services import REVEAL_PERMISSION
from ..warranty import coverage


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
            page_actions=page_actions_for("customers.customer", user, customer),
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
