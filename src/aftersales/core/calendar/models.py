"""Working-calendar tables (R-SYS-7, ADR 0008).

The national table (``CalendarDay``) lists only the days that differ from the plain week: holidays
(weekend days inside a holiday included, so the holiday's name is known) and make-up working days.
A year counts as known only when a ``CalendarYear`` row says it was entered; a question about an
unknown year is an error, never a silent Monday–Friday guess.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..scoping import ScopedQuerySet
from .choices import DayKind, DayRule, YearSource

WEEKDAY_NAMES = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))
ALL_HOLIDAYS = "*"


class CalendarYear(models.Model):
    """One row per year whose national schedule has been entered (seeded, imported or typed)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=20, choices=YearSource.choices)
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A national day that is not what the week says: a holiday or a make-up working day (调休)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("holiday name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class WorkingCalendar(models.Model):
    """A named calendar: which days it works (``day_rule``) and its windows per weekday."""

    code = models.SlugField(_("calendar code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    day_rule = models.CharField(_("working days"), max_length=10, choices=DayRule.choices, default=DayRule.NATIONAL)
    closed_holidays = models.CharField(
        _("closed on holidays"), max_length=200, blank=True,
        help_text=_("For calendars with their own week: holiday names (comma-separated) on which it is closed, "
                    "or * for every holiday."))
    is_default = models.BooleanField(_("default for organisations without a calendar"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = None  # reference data shared by every organisation

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:calendar_windows", args=[self.code])

    def closed_holiday_names(self) -> frozenset[str]:
        raw = self.closed_holidays.replace("，", ",").replace("、", ",")
        return frozenset(n.strip() for n in raw.split(",") if n.strip())


class CalendarWindow(models.Model):
    """One working window on one weekday; several per day (lunch breaks). An end of 00:00 means midnight
    at the end of the day, so 00:00–00:00 is a whole day (24×7 calendars)."""

    calendar = models.ForeignKey(WorkingCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE,
                                 related_name="windows")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=list(enumerate(WEEKDAY_NAMES)))
    start = models.TimeField(_("window from"))
    end = models.TimeField(_("window until"))

    class Meta:
        verbose_name = _("working window")
        verbose_name_plural = _("working windows")
        ordering = ["calendar", "weekday", "start"]

    def __str__(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {self.start:%H:%M}–{self.end:%H:%M}"

    def seconds(self) -> tuple[int, int]:
        start = self.start.hour * 3600 + self.start.minute * 60 + self.start.second
        end = self.end.hour * 3600 + self.end.minute * 60 + self.end.second
        return start, end or 86400

    def clean(self):
        start, end = self.seconds()
        if end <= start:
            raise ValidationError({"end": _("A window must end after it starts (00:00 means midnight).")})


class OrganisationCalendar(models.Model):
    """Which calendar an organisation works by (a plain id: ``core`` sits below ``org``)."""

    organisation_id = models.BigIntegerField(_("organisation"), unique=True)
    calendar = models.ForeignKey(WorkingCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT,
                                 related_name="assignments")

    class Meta:
        verbose_name = _("organisation calendar")
        verbose_name_plural = _("organisation calendars")

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.calendar_id}"
