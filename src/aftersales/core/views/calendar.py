"""Working-calendar pages for administrators (/system/calendar/): calendars, known years, the
national days of a year, and the import of a year's State Council schedule (ADR 0008). Editing a
day or a calendar's hours is in ``calendar_edit``; which calendar an organisation works by, in
the org app (linked from here)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from ..calendar import services
from ..calendar.hooks import MANAGE_PERMISSION, next_year_missing
from ..calendar.models import WEEKDAY_NAMES, CalendarDay, CalendarYear, WorkingCalendar

MAX_FILE_BYTES = 1_000_000


class ScheduleImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file (date,kind,name)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
    text = forms.CharField(label=gettext_lazy("…or paste the lines"), required=False,
                           widget=forms.Textarea(attrs={"rows": 8, "class": "form-control", "placeholder": gettext_lazy("2027-01-01,holiday,New Year's Day")}))

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(_("The file is larger than 1 MB."))
            raw = upload.read()
            try:
                data["text"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    data["text"] = raw.decode("gb18030")
                except UnicodeDecodeError:
                    raise forms.ValidationError(_("The file is neither UTF-8 nor GB18030 text.")) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the schedule's lines."))
        return data


def week_summary(windows) -> list[tuple[str, str]]:
    """Windows as one line per weekday (“星期一 08:30–12:00、13:30–17:30”); 00:00 as an end reads 24:00."""
    by_day: dict[int, list[str]] = {}
    for w in sorted(windows, key=lambda w: (w.weekday, w.start)):
        end = "24:00" if w.end.hour == 0 and w.end.minute == 0 else f"{w.end:%H:%M}"
        by_day.setdefault(w.weekday, []).append(f"{w.start:%H:%M}–{end}")
    return [(str(WEEKDAY_NAMES[d]), "、".join(spans)) for d, spans in sorted(by_day.items())]


class CalendarListView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    template_name = "core/calendar.html"
    permission_required = MANAGE_PERMISSION
    form_class = ScheduleImportForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        years = list(CalendarYear.objects.order_by("-year"))
        shown = self.request.GET.get("year") or (str(years[0].year) if years else "")
        days = CalendarDay.objects.filter(date__year=int(shown)) if shown.isdigit() else CalendarDay.objects.none()
        calendars = list(WorkingCalendar.objects.prefetch_related("windows")
                         .annotate(assignment_count=Count("assignments")))
        for cal in calendars:
            cal.week = week_summary(cal.windows.all())
        try:  # the organisations' side lives in the org app, above core
            assignments_url = reverse("org:organisation_calendars")
        except NoReverseMatch:
            assignments_url = None
        ctx.update(title=_("Working calendar"), calendars=calendars, assignments_url=assignments_url,
                   years=years, shown_year=shown, days=days, missing_year=next_year_missing(),
                   errors=getattr(self, "line_errors", []), today=timezone.localdate())
        return ctx

    def form_valid(self, form):
        try:
            years = services.import_schedule(actor=self.request.user, text=form.cleaned_data["text"])
        except services.ScheduleInvalid as exc:
            self.line_errors = exc.errors
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Imported the schedule for %(years)s.") % {
            "years": "、".join(str(y) for y in years)})
        return redirect(f"{self.request.path}?year={years[-1]}")
