"""Which working calendar an organisation works by (ADR 0008): the list of organisations with
their calendar, and the change of one. ``core`` keeps the assignment by organisation id; this app
checks the organisation is in the user's scope, then calls ``core.calendar.editing``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from aftersales.core.calendar import editing
from aftersales.core.calendar.models import OrganisationCalendar, WorkingCalendar
from aftersales.core.calendar.selectors import default_calendar
from aftersales.core.exceptions import ServiceError, StaleVersionError
from aftersales.core.forms import style_form
from aftersales.core.views.generic import add_service_error

from . import selectors

ASSIGN_PERMISSION = "core.change_organisationcalendar"
SHOWN = 200


class OrganisationCalendarListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    template_name = "org/organisation_calendars.html"
    permission_required = ASSIGN_PERMISSION

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        q = (self.request.GET.get("q") or "").strip()
        qs = selectors.organisation_list(user=self.request.user).filter(is_active=True).order_by("code")
        if q:
            qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(short_name__icontains=q))
        total = qs.count()
        rows = list(qs[:SHOWN])
        own = dict(OrganisationCalendar.objects.filter(organisation_id__in=[o.pk for o in rows])
                   .values_list("organisation_id", "calendar__name"))
        ctx.update(title=_("Calendars of organisations"), q=q, total=total, shown=SHOWN,
                   rows=[(o, own.get(o.pk)) for o in rows], default=default_calendar())
        return ctx


class AssignCalendarForm(forms.Form):
    calendar = forms.ModelChoiceField(label=gettext_lazy("Working calendar"), required=False,
                                      queryset=WorkingCalendar.objects.filter(is_active=True),
                                      empty_label=gettext_lazy("— the default calendar —"))
    state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class OrganisationCalendarEditView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    template_name = "org/organisation_calendar_edit.html"
    permission_required = ASSIGN_PERMISSION
    form_class = AssignCalendarForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organisation = get_object_or_404(selectors.organisation_list(user=request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        row = OrganisationCalendar.objects.filter(organisation_id=self.organisation.pk).first()
        return {"calendar": row.calendar_id if row else None, "state": editing.assignment_state(self.organisation.pk)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("Working calendar of %(organisation)s") % {"organisation": self.organisation},
                   organisation=self.organisation, default=default_calendar())
        return ctx

    def form_valid(self, form):
        try:
            editing.assign_calendar(actor=self.request.user, organisation_id=self.organisation.pk,
                                    calendar=form.cleaned_data["calendar"], expected_state=form.cleaned_data["state"],
                                    organisation_repr=str(self.organisation))
        except StaleVersionError as exc:
            form.add_error(None, str(exc.message))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ServiceError as exc:
            add_service_error(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, _("%(organisation)s now works by %(calendar)s.") % {
            "organisation": self.organisation,
            "calendar": form.cleaned_data["calendar"] or default_calendar() or "—"})
        return redirect("org:organisation_calendars")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
