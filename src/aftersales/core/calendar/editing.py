"""Administrators' edits of the working calendar (R-SYS-7, ADR 0008): one national day, a named
calendar's weekday windows, which calendar an organisation works by.

Every edit locks what it changes, refuses a stale form (someone saved in between) with
``StaleVersionError``, writes one audit event and bumps the working-time cache generation after
commit, so every process computes due times from the new table. Bad input is refused with the
messages tied to the fields and nothing is written.

The stale check of a day and of an assignment compares the state the form was opened with (a day's
kind and name, an organisation's calendar): a day row comes and goes (a day that follows the week
has none, an import replaces a year's rows), so a row counter could start again at 1 and let a
stale form through; the state itself cannot. Calendars have a real ``version``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ..audit import record
from ..events import CALENDAR_ASSIGNED, CALENDAR_DAY_CHANGED, CALENDAR_WINDOWS_CHANGED
from ..exceptions import ServiceError, StaleVersionError
from . import worktime
from .choices import DayKind
from .models import (
    WEEKDAY_NAMES,
    CalendarDay,
    CalendarWindow,
    CalendarYear,
    OrganisationCalendar,
    WorkingCalendar,
)

FOLLOWS_WEEK = ""  # the kind of a day without a row: Monday–Friday work, the weekend rests
MIDNIGHT = datetime.time(0, 0)


def _invalidate() -> None:
    worktime.invalidate()
    transaction.on_commit(worktime.invalidate)


# --- one national day ------------------------------------------------------------------------------

def day_state(day: datetime.date) -> str:
    """The token a day form carries to detect a concurrent change: ``kind|name`` of the day now."""
    row = CalendarDay.objects.filter(date=day).first()
    return f"{row.kind}|{row.name}" if row else f"{FOLLOWS_WEEK}|"


@transaction.atomic
def set_calendar_day(*, actor, day: datetime.date, kind: str, name: str = "", expected_state: str | None = None
                     ) -> CalendarDay | None:
    """Make ``day`` a holiday (with its name), a make-up working day, an extra working day, or — with
    ``kind=""`` — an ordinary day of the week again. Only days of an entered year may be edited: a
    single day does not make a year known."""
    name = " ".join((name or "").split())
    errors: dict[str, list[str]] = {}
    if kind not in (FOLLOWS_WEEK, *DayKind.values):
        errors["kind"] = [_("Choose holiday, make-up working day, working day or “follows the week”.")]
    if kind == DayKind.HOLIDAY and not name:
        errors["name"] = [_("A holiday needs its name (e.g. 春节).")]
    if len(name) > 40:
        errors["name"] = [_("The holiday name is longer than 40 characters.")]
    if kind != DayKind.HOLIDAY and name and not errors.get("kind"):
        errors["name"] = [_("Only a holiday has a name; leave it empty for this kind of day.")]
    if errors:
        raise ServiceError(next(iter(errors.values()))[0], code="invalid", fields=errors)
    if not CalendarYear.objects.select_for_update().filter(year=day.year).exists():
        raise ServiceError(_("The schedule for %(year)s has not been entered yet: import that year's State Council "
                             "schedule first, then adjust single days.") % {"year": day.year},
                           code="calendar_year_missing", field="date")
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = (row.kind, row.name) if row else (FOLLOWS_WEEK, "")
    if expected_state is not None and expected_state != f"{before[0]}|{before[1]}":
        raise StaleVersionError()
    if before == (kind, name):
        return row
    if kind == FOLLOWS_WEEK:
        row.delete()
        row = None
    elif row is None:
        row = CalendarDay.objects.create(date=day, kind=kind, name=name)
    else:
        row.kind, row.name = kind, name
        row.save(update_fields=["kind", "name"])
    year = CalendarYear.objects.get(year=day.year)
    record(actor=actor, action=CALENDAR_DAY_CHANGED, obj=year, note=day.isoformat(),
           changes={"date": [day.isoformat(), day.isoformat()], "kind": [before[0], kind], "name": [before[1], name]})
    _invalidate()
    return row


# --- a calendar's weekday windows ------------------------------------------------------------------

def _seconds(t: datetime.time, *, end: bool) -> int:
    value = t.hour * 3600 + t.minute * 60 + t.second
    return 86400 if end and value == 0 else value


def window_field(weekday: int) -> str:
    return f"weekday_{weekday}"


def check_windows(windows: dict[int, list[tuple[datetime.time, datetime.time]]]) -> dict[str, list[str]]:
    """Per weekday field: a window must end after it starts (00:00 as an end is midnight) and the
    windows of a day must not overlap."""
    errors: dict[str, list[str]] = {}
    for weekday, spans in windows.items():
        messages = []
        ordered = sorted(spans, key=lambda w: _seconds(w[0], end=False))
        for start, end in ordered:
            if _seconds(end, end=True) <= _seconds(start, end=False):
                messages.append(_("%(start)s–%(end)s ends before it starts (00:00 as an end means midnight).")
                                % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"})
        for (s1, e1), (s2, e2) in zip(ordered, ordered[1:], strict=False):
            if _seconds(s2, end=False) < _seconds(e1, end=True):
                messages.append(_("%(first)s and %(second)s overlap.") % {
                    "first": f"{s1:%H:%M}–{e1:%H:%M}", "second": f"{s2:%H:%M}–{e2:%H:%M}"})
        if messages:
            errors[window_field(weekday)] = messages
    if not errors and not any(windows.values()):
        errors["__all__"] = [_("A calendar needs at least one working window.")]
    return errors


def windows_text(windows) -> str:
    return ", ".join(f"{w.start:%H:%M}-{w.end:%H:%M}" for w in windows)


@transaction.atomic
def set_calendar_windows(*, actor, calendar: WorkingCalendar,
                         windows: dict[int, list[tuple[datetime.time, datetime.time]]],
                         expected_version: int | None = None) -> WorkingCalendar:
    """Replace the calendar's windows (weekday 0 = Monday → list of (start, end)); weekdays not in
    ``windows`` have none."""
    windows = {d: list(windows.get(d, [])) for d in range(7)}
    errors = check_windows(windows)
    if errors:
        raise ServiceError(next(iter(errors.values()))[0], code="invalid", fields=errors)
    current = WorkingCalendar.objects.select_for_update().get(pk=calendar.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersionError()
    old = {d: windows_text(current.windows.filter(weekday=d).order_by("start")) for d in range(7)}
    new_rows = [CalendarWindow(calendar=current, weekday=d, start=s, end=e)
                for d in range(7) for s, e in sorted(windows[d], key=lambda w: _seconds(w[0], end=False))]
    new = {d: windows_text([w for w in new_rows if w.weekday == d]) for d in range(7)}
    if old == new:
        return current
    current.windows.all().delete()
    CalendarWindow.objects.bulk_create(new_rows)
    WorkingCalendar.objects.filter(pk=current.pk).update(version=F("version") + 1)
    current.refresh_from_db()
    record(actor=actor, action=CALENDAR_WINDOWS_CHANGED, obj=current,
           changes={str(WEEKDAY_NAMES[d]): [old[d], new[d]] for d in range(7) if old[d] != new[d]})
    _invalidate()
    calendar.__dict__.update(current.__dict__)
    return current


# --- which calendar an organisation works by --------------------------------------------------------

def assignment_state(organisation_id: int) -> str:
    """The token an assignment form carries: the code of the organisation's own calendar, or empty."""
    row = OrganisationCalendar.objects.select_related("calendar").filter(organisation_id=organisation_id).first()
    return row.calendar.code if row else ""


@transaction.atomic
def assign_calendar(*, actor, organisation_id: int, calendar: WorkingCalendar | None,
                    expected_state: str | None = None, organisation_repr: str = "") -> OrganisationCalendar | None:
    """Let an organisation work by ``calendar`` (``None``: by the default calendar again). The caller
    has checked the organisation is in the actor's scope (``core`` does not know organisations)."""
    if calendar is not None and not calendar.is_active:
        raise ServiceError(_("The calendar “%(name)s” is inactive.") % {"name": calendar.name}, field="calendar")
    row = OrganisationCalendar.objects.select_for_update().select_related("calendar").filter(
        organisation_id=organisation_id).first()
    before = row.calendar.code if row else ""
    if expected_state is not None and expected_state != before:
        raise StaleVersionError()
    after = calendar.code if calendar is not None else ""
    if before == after:
        return row
    if calendar is None:
        row.delete()
        row = None
    elif row is None:
        row = OrganisationCalendar.objects.create(organisation_id=organisation_id, calendar=calendar)
    else:
        row.calendar = calendar
        row.save(update_fields=["calendar"])
    record(actor=actor, action=CALENDAR_ASSIGNED, obj=calendar or WorkingCalendar.objects.get(code=before),
           organisation_id=organisation_id, note=organisation_repr,
           changes={"calendar": [before or None, after or None]})
    _invalidate()
    return row
