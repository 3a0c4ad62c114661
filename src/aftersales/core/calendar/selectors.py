"""Reads of the working calendar: which calendar an organisation works by, and working-day
deadlines as query conditions (the 2-day archive rule, R-CUS-3)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from .models import OrganisationCalendar, WorkingCalendar
from .worktime import UnknownCalendarYear, is_working_day


def default_calendar() -> WorkingCalendar | None:
    return WorkingCalendar.objects.filter(is_default=True, is_active=True).order_by("code").first()


def calendar_for_organisation(organisation_id: int | None) -> WorkingCalendar | None:
    """The organisation's own calendar, else the default one (``store``)."""
    if organisation_id is not None:
        row = OrganisationCalendar.objects.select_related("calendar").filter(organisation_id=organisation_id).first()
        if row is not None:
            return row.calendar
    return default_calendar()


def working_days_back(calendar, today: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day before ``today`` (today itself not counted)."""
    day, found = today, 0
    for _i in range(366 * 2):
        day -= datetime.timedelta(days=1)
        if is_working_day(calendar, day):
            found += 1
            if found == days:
                return day
    return day


def _cutoff(calendar, now: datetime.datetime, days: int) -> datetime.datetime:
    """Moments before this are more than ``days`` working days ago: a first visit on day f is late
    once ``days`` whole working days of the calendar have passed after f (and before today).
    A year nobody entered counts calendar days (the earlier rule) — administrators already see the
    missing year on their home page."""
    today = timezone.localtime(now).date()
    if calendar is None:
        return now - datetime.timedelta(days=days)
    try:
        day = working_days_back(calendar, today, days)
    except UnknownCalendarYear:
        return now - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def working_days_overdue_q(*, organisation_field: str, time_field: str, days: int,
                           now: datetime.datetime | None = None) -> Q:
    """A condition true for rows whose ``time_field`` is over ``days`` working days ago on the
    calendar of the organisation in ``organisation_field``: one cutoff per calendar in use, so the
    query stays set-based (a handful of OR-ed ranges, never a per-row computation)."""
    now = now or timezone.now()
    by_calendar: dict[int, list[int]] = {}
    calendars: dict[int, WorkingCalendar] = {}
    for row in OrganisationCalendar.objects.select_related("calendar"):
        by_calendar.setdefault(row.calendar_id, []).append(row.organisation_id)
        calendars[row.calendar_id] = row.calendar
    assigned = [org for orgs in by_calendar.values() for org in orgs]
    q = Q(**{f"{organisation_field}__isnull": False}) & ~Q(**{f"{organisation_field}__in": assigned}) & Q(
        **{f"{time_field}__lt": _cutoff(default_calendar(), now, days)})
    for calendar_id, orgs in by_calendar.items():
        q |= Q(**{f"{organisation_field}__in": orgs, f"{time_field}__lt": _cutoff(calendars[calendar_id], now, days)})
    return q
