"""The national table from ``chinese-calendar`` and the three standard calendars.

Used by the data migration (with historical models) and by ``aftersales seed`` (idempotent: rows
that exist are left as administrators edited them). The codes ``head-office``, ``store`` and
``roadside`` are relied on by checks and by other apps.
"""

from __future__ import annotations

import datetime

from .choices import DayRule, YearSource
from .national import library_days, library_years

T = datetime.time
STANDARD_CALENDARS = (
    # code, name, day rule, closed on holidays, default, {weekday: windows}
    ("head-office", "总部工作日历", DayRule.NATIONAL, "", False,
     {d: ((T(8, 30), T(12, 0)), (T(13, 30), T(17, 30))) for d in range(5)}),
    ("store", "4S店营业日历", DayRule.OWN_WEEK, "春节", True,
     {d: ((T(8, 0), T(12, 0)), (T(13, 0), T(18, 0))) for d in range(7)}),
    ("roadside", "道路救援 7×24", DayRule.OWN_WEEK, "", False,
     {d: ((T(0, 0), T(0, 0)),) for d in range(7)}),
)


def seed_national(CalendarDay, CalendarYear) -> int:
    """Every year the library knows that is not in the table yet; returns the years added."""
    known = set(CalendarYear.objects.values_list("year", flat=True))
    added = 0
    for year in library_years():
        if year in known:
            continue
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, kind=k, name=n) for d, k, n in library_days(year)], ignore_conflicts=True)
        CalendarYear.objects.create(year=year, source=YearSource.LIBRARY)
        added += 1
    return added


def seed_standard_calendars(WorkingCalendar, CalendarWindow) -> int:
    added = 0
    for code, name, rule, closed, default, windows in STANDARD_CALENDARS:
        if WorkingCalendar.objects.filter(code=code).exists():
            continue
        cal = WorkingCalendar.objects.create(code=code, name=name, day_rule=rule, closed_holidays=closed,
                                             is_default=default)
        CalendarWindow.objects.bulk_create([CalendarWindow(calendar=cal, weekday=d, start=a, end=b)
                                            for d, spans in windows.items() for a, b in spans])
        added += 1
    return added
