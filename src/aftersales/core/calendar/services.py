"""Writes to the working calendar: import a year's State Council schedule (R-SYS-7, ADR 0008).

An import is all or nothing: every line is checked first (date, kind, a date only once) and any
error refuses the whole file with one translated message per line. The years in the file replace
what the table held for them and become known years.
"""

from __future__ import annotations

import csv
import datetime
import io

from django.db import transaction
from django.utils.translation import gettext as _

from ..audit import record
from ..events import CALENDAR_SCHEDULE_IMPORTED
from ..exceptions import ServiceError
from . import worktime
from .choices import KIND_ALIASES, DayKind, YearSource
from .models import CalendarDay, CalendarYear

ACTION_IMPORTED = CALENDAR_SCHEDULE_IMPORTED


class ScheduleInvalid(ServiceError):
    """A schedule file with errors; ``errors`` lists (line number, message)."""

    code = "schedule_invalid"

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__(_("The schedule was not imported: %(count)s line(s) have errors.") % {"count": len(errors)},
                         field="file")


def parse_schedule(text: str) -> list[tuple[datetime.date, str, str]]:
    """``date,kind,name`` lines (a header line is allowed) → rows; raises ``ScheduleInvalid``."""
    errors: list[tuple[int, str]] = []
    rows: list[tuple[datetime.date, str, str]] = []
    seen: dict[datetime.date, int] = {}
    for number, cells in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), 1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in ("date", "日期"):
            continue
        if len(cells) < 2 or len(cells) > 3:
            errors.append((number, _("Expected date,kind,name.")))
            continue
        raw_date, raw_kind, name = cells[0], cells[1], cells[2] if len(cells) > 2 else ""
        try:
            day = datetime.date.fromisoformat(raw_date)
        except ValueError:
            errors.append((number, _("%(value)s is not a date like 2027-01-01.") % {"value": raw_date}))
            continue
        kind = KIND_ALIASES.get(raw_kind.lower())
        if kind is None:
            errors.append((number, _("Unknown kind %(value)s: use holiday, makeup or working.") % {"value": raw_kind}))
            continue
        if day in seen:
            errors.append((number, _("%(date)s is listed twice (also on line %(line)s).")
                           % {"date": day.isoformat(), "line": seen[day]}))
            continue
        if len(name) > 40:
            errors.append((number, _("The holiday name is longer than 40 characters.")))
            continue
        if kind == DayKind.HOLIDAY and not name:
            errors.append((number, _("A holiday needs its name (e.g. 春节).")))
            continue
        seen[day] = number
        rows.append((day, str(kind), name))
    if errors:
        raise ScheduleInvalid(errors)
    if not rows:
        raise ScheduleInvalid([(0, _("The file has no lines."))])
    return rows


@transaction.atomic
def import_schedule(*, actor, text: str, source: str = YearSource.IMPORT) -> list[int]:
    """Replace the national days of every year in ``text`` and mark those years known."""
    rows = parse_schedule(text)
    years = sorted({d.year for d, _k, _n in rows})
    before = {y: CalendarDay.objects.filter(date__year=y).count() for y in years}
    CalendarDay.objects.filter(date__year__in=years).delete()
    CalendarDay.objects.bulk_create([CalendarDay(date=d, kind=k, name=n) for d, k, n in rows])
    for year in years:
        CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
        record(actor=actor, action=ACTION_IMPORTED, obj=CalendarYear.objects.get(year=year),
               changes={"days": [before[year], sum(1 for d, _k, _n in rows if d.year == year)]})
    worktime.invalidate()
    transaction.on_commit(worktime.invalidate)
    return years
