"""Administrators' calendar edits (/system/calendar/…, ADR 0008): one national day, and a named
calendar's weekday windows. Thin: the forms read the input, ``calendar.editing`` decides; a refusal
is shown beside the field it names and nothing is saved, a stale form answers 409."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import FormView, View

from ..calendar import editing
from ..calendar.choices import DayKind
from ..calendar.hooks import MANAGE_PERMISSION
from ..calendar.models import WEEKDAY_NAMES, CalendarDay, WorkingCalendar
from ..exceptions import ServiceError, StaleVersionError
from ..forms import style_form
from .generic import add_service_error

KIND_CHOICES = [(editing.FOLLOWS_WEEK, gettext_lazy("Follows the week (Mon–Fri working, weekend rest)")),
                *DayKind.choices]


class CalendarDayForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("calendar day", "Kind"), choices=KIND_CHOICES, required=False)
    name = forms.CharField(label=gettext_lazy("Holiday name"), required=False, max_length=40,
                           help_text=gettext_lazy("Only for a holiday, e.g. 春节, 国庆节."))
    state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class CalendarDayJumpView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The calendar page's "edit a date" box (GET ?date=YYYY-MM-DD) → that day's form."""

    permission_required = MANAGE_PERMISSION

    def get(self, request):
        try:
            day = datetime.date.fromisoformat((request.GET.get("date") or "").strip())
        except ValueError:
            messages.error(request, _("Enter a date like 2027-01-01."))
            return redirect("core:calendar_list")
        return redirect("core:calendar_day", date=day.isoformat())


class CalendarDayEditView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    template_name = "core/calendar_day.html"
    permission_required = MANAGE_PERMISSION
    form_class = CalendarDayForm

    def dispatch(self, request, *args, **kwargs):
        try:
            self.day = datetime.date.fromisoformat(kwargs["date"])
        except ValueError:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        row = CalendarDay.objects.filter(date=self.day).first()
        return {"kind": row.kind if row else editing.FOLLOWS_WEEK, "name": row.name if row else "",
                "state": editing.day_state(self.day)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("Edit %(date)s") % {"date": f"{self.day:%Y-%m-%d}"}, day=self.day,
                   weekday=WEEKDAY_NAMES[self.day.weekday()], back=self._back())
        return ctx

    def _back(self) -> str:
        return f"{reverse('core:calendar_list')}?year={self.day.year}"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            editing.set_calendar_day(actor=self.request.user, day=self.day, kind=data["kind"], name=data["name"],
                                     expected_state=data["state"])
        except StaleVersionError as exc:
            form.add_error(None, str(exc.message))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ServiceError as exc:
            add_service_error(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, _("Saved %(date)s.") % {"date": f"{self.day:%Y-%m-%d}"})
        return redirect(self._back())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–~～至到]\s*(\d{1,2}):(\d{2})$")


def parse_windows(text: str) -> list[tuple[datetime.time, datetime.time]]:
    """``08:30-12:00, 13:30-17:30`` → windows; 24:00 as an end is midnight (stored 00:00)."""
    spans = []
    for part in re.split(r"[,，、;；\s]+(?=\d)", (text or "").strip()):
        part = part.strip().strip(",，、;；")
        if not part:
            continue
        m = _SPAN.match(part)
        if not m:
            raise forms.ValidationError(_("“%(value)s” is not a window like 08:30-12:00.") % {"value": part})
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h2 == 24 and m2 == 0:
            h2 = 0
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise forms.ValidationError(_("“%(value)s” is not a time of day.") % {"value": part})
        spans.append((datetime.time(h1, m1), datetime.time(h2, m2)))
    return spans


class CalendarWindowsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day in range(7):
            self.fields[editing.window_field(day)] = forms.CharField(
                label=WEEKDAY_NAMES[day], required=False, max_length=200,
                widget=forms.TextInput(attrs={"placeholder": "08:30-12:00, 13:30-17:30"}))
        style_form(self)

    def weekday_fields(self):
        return [self[editing.window_field(day)] for day in range(7)]

    def clean(self):
        data = super().clean()
        windows, unreadable = {}, False
        for day in range(7):
            name = editing.window_field(day)
            try:
                windows[day] = parse_windows(data.get(name, ""))
            except forms.ValidationError as exc:
                self.add_error(name, exc)
                unreadable = True
        if unreadable:  # nothing is saved; still say now what the service would refuse in the readable days
            for name, messages_ in editing.check_windows(windows).items():
                if name in self.fields:
                    for message in messages_:
                        self.add_error(name, message)
        data["windows"] = windows
        return data


class CalendarWindowsEditView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    template_name = "core/calendar_windows.html"
    permission_required = "core.change_workingcalendar"
    form_class = CalendarWindowsForm

    def dispatch(self, request, *args, **kwargs):
        self.calendar = get_object_or_404(WorkingCalendar, code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {"version": self.calendar.version}
        for day in range(7):
            initial[editing.window_field(day)] = editing.windows_text(
                self.calendar.windows.filter(weekday=day).order_by("start"))
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("Working hours of %(calendar)s") % {"calendar": self.calendar.name},
                   calendar=self.calendar, back=reverse("core:calendar_list"))
        return ctx

    def form_valid(self, form):
        try:
            editing.set_calendar_windows(actor=self.request.user, calendar=self.calendar,
                                         windows=form.cleaned_data["windows"],
                                         expected_version=form.cleaned_data["version"])
        except StaleVersionError as exc:
            form.add_error(None, str(exc.message))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ServiceError as exc:
            add_service_error(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, _("Saved the working hours of %(calendar)s.") % {"calendar": self.calendar.name})
        return redirect("core:calendar_list")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
