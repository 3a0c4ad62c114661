"""Ticket pages: queues and list, intake with the duplicate guard, detail with clocks, actions and
timeline, edit, state changes and transfer (R-TKT-1, R-TKT-3, R-TKT-5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from aftersales.core.exceptions import ServiceError
from aftersales.core.timelines import actor_name
from aftersales.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedObjectMixin,
    add_errors,
    add_service_error,
)
from aftersales.core.views.transitions import ObjectTransitionView

from . import filtersets, forms, queues, selectors, services, sla, tables
from .choices import CHANGE, OPEN_STATUSES
from .models import Ticket


class TicketListView(ObjectListView):
    model = Ticket
    selector = selectors.ticket_list
    filterset_class = filtersets.TicketFilterSet
    table_class = tables.TicketTable
    template_name = "tickets/ticket_list.html"
    title = gettext_lazy("Service tickets")
    empty_hint = gettext_lazy("A ticket is opened from the customer's page (New ticket) when a customer calls.")

    def get_queryset(self):
        qs = super().get_queryset()
        self.queues = queues.ticket_queues(user=self.request.user)
        self.current = self.queues.selected(self.request.GET.get("queue"))
        return self.current.filter(qs) if self.current else qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(queues=self.queues, current=self.current)
        return ctx


class TicketDetailView(ObjectDetailView):
    model = Ticket
    selector = selectors.ticket_detail
    template_name = "tickets/ticket_detail.html"
    edit_url_name = "tickets:ticket_edit"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ticket = ctx["object"]
        user = self.request.user
        may_transfer = (ticket.status in OPEN_STATUSES and user.has_perm(CHANGE)
                        and services.owner_or_lead(ticket, user) is None)
        ctx.update(
            clocks=sla.clock_rows(ticket),
            owner_name=actor_name(ticket.owner),
            transfer_form=forms.TicketTransferForm(ticket=ticket) if may_transfer else None,
            edit_url_name=ctx["edit_url_name"] if ticket.status in OPEN_STATUSES else None,
        )
        return ctx


class TicketEditView(ObjectEditView):
    """New ticket (``?customer=<pk>``) or edit.  Before a second open ticket of the same customer is
    created, the open ones are offered first (the duplicate guard)."""

    model = Ticket
    selector = selectors.ticket_detail
    template_name = "tickets/ticket_edit.html"
    form_class = forms.TicketEditForm  # the edit (and the stale-edit panel); intake has its own form
    create_service = services.ticket_create
    update_service = services.ticket_update

    def get_form(self, instance):
        kwargs = self.get_form_kwargs(instance)
        if instance is not None:
            return forms.TicketEditForm(**kwargs)
        return forms.TicketIntakeForm(customer_id=self.request.GET.get("customer"), **kwargs)

    def post(self, request, *args, **kwargs):
        if "pk" in self.kwargs:
            return super().post(request, *args, **kwargs)
        form = self.get_form(None)
        if form.is_valid():
            data, m2m = form.service_data()
            try:
                ticket = services.ticket_create(actor=request.user, data=data, m2m=m2m)
            except services.DuplicateTicket as exc:
                # Offered first: open one of these, or confirm and create another.
                return self.render_to_response(self.context(form, None, duplicates=exc.tickets))
            except ValidationError as exc:
                add_errors(form, exc)
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Created %(object)s.") % {"object": ticket})
                return HttpResponseRedirect(ticket.get_absolute_url())
        return self.render_to_response(self.context(form, None), status=400)

    def context(self, form, instance, *, stale=None, duplicates=None):
        ctx = super().context(form, instance, stale=stale)
        customer = form.cleaned_data.get("customer") if instance is None and form.is_bound and hasattr(
            form, "cleaned_data") else None
        if instance is None and customer is None:
            customer = form.fields["customer"].queryset.filter(pk=form.initial.get("customer") or 0).first() \
                if str(form.initial.get("customer") or "").isdigit() else None
        ctx.update(customer=customer if instance is None else instance.customer, duplicates=duplicates)
        if instance is None and customer is not None and duplicates is None:
            ctx["open_tickets"] = list(selectors.open_tickets_for_customer(user=self.request.user,
                                                                           customer=customer)[:5])
        return ctx


class TicketTransitionView(ObjectTransitionView):
    model = Ticket
    selector = selectors.ticket_list


class TicketTransferView(ScopedObjectMixin, PermissionRequiredMixin, View):
    """POST: hand the ticket to another agent, with a reason (``services.ticket_transfer``)."""

    model = Ticket
    selector = selectors.ticket_list
    permission_required = CHANGE
    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = self.get_object()
        form = forms.TicketTransferForm(request.POST, ticket=ticket)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(ticket.get_absolute_url())
        try:
            services.ticket_transfer(actor=request.user, ticket=ticket, to_user=form.cleaned_data["to_user"],
                                     reason=form.cleaned_data["reason"],
                                     expected_version=form.cleaned_data.get("version"))
        except ServiceError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The ticket now belongs to %(name)s.") % {
                "name": actor_name(form.cleaned_data["to_user"])})
        return HttpResponseRedirect(ticket.get_absolute_url())
