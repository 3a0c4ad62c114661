"""Working-time arithmetic: ``add_working_time`` and ``working_time_between`` (R-SYS-7, ADR 0008).

Each (calendar, year) is turned once into sorted working intervals in local seconds (Asia/Shanghai
has had no daylight saving since 1991, so local wall-clock seconds are a uniform scale) with the
working seconds accumulated before each interval. A question is then two binary searches, a few
microseconds, whatever the span. Built years are cached in the process; every edit bumps a
generation number in Django's cache, which each call reads once, so other processes rebuild too.

A year the national table does not know raises ``UnknownCalendarYear`` naming the year: a clock
never guesses Monday–Friday.
"""

from __future__ import annotations

import datetime
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..exceptions import ServiceError
from .choices import DayKind, DayRule
from .models import ALL_HOLIDAYS, CalendarDay, CalendarYear, WorkingCalendar

GENERATION_KEY = "core.calendar.generation"
EPOCH = datetime.datetime(1970, 1, 1)
DAY = 86400
MAX_YEARS_AHEAD = 10  # a duration that finds no working time within ten years is refused


class UnknownCalendarYear(ServiceError):
    """A working-time question needs a year whose national schedule was never entered."""

    code = "calendar_year_missing"

    def __init__(self, year: int, calendar: str = ""):
        self.year = year
        self.calendar = calendar
        super().__init__(_("The working calendar has no schedule for %(year)s yet: an administrator must enter or "
                           "import that year's State Council holiday schedule.") % {"year": year})


@dataclass(frozen=True)
class CalendarSpec:
    """What a calendar's intervals depend on, read once from the database."""

    pk: int
    code: str
    day_rule: str
    windows: tuple[tuple[tuple[int, int], ...], ...]  # per weekday 0–6: ((start, end) seconds, …)
    closed: frozenset[str]

    @property
    def needs_national_table(self) -> bool:
        return self.day_rule == DayRule.NATIONAL or bool(self.closed)

    def windows_on(self, day: datetime.date, kind: str | None, name: str) -> tuple[tuple[int, int], ...]:
        weekday = day.weekday()
        if self.day_rule == DayRule.NATIONAL:
            working = kind in (DayKind.WORKING, DayKind.MAKEUP) or (kind is None and weekday < 5)
            if not working:
                return ()
            # A make-up Saturday works the hours of an ordinary working day (Monday's, or the first set).
            return self.windows[weekday] or next((w for w in self.windows[:5] if w), ())
        if kind == DayKind.HOLIDAY and (ALL_HOLIDAYS in self.closed or name in self.closed):
            return ()
        return self.windows[weekday]


@dataclass(frozen=True)
class YearSchedule:
    """Working intervals of one calendar in one year, in local seconds since 1970-01-01."""

    year: int
    start: int  # first second of the year
    end: int  # first second of the next year
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    before: tuple[int, ...]  # working seconds of the year before interval i
    total: int

    def position(self, t: int) -> int:
        """Working seconds of this year before local second ``t`` (inside the year)."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        return self.before[i] + min(t, self.ends[i]) - self.starts[i]

    def at(self, target: int) -> int:
        """The local second at which ``target`` (0 < target ≤ total) working seconds are used up."""
        i = bisect_left(self.before, target) - 1
        return self.starts[i] + target - self.before[i]

    def next_working(self, t: int) -> int | None:
        """``t`` itself when it is working time, else the start of the next interval this year."""
        i = bisect_right(self.ends, t)
        if i >= len(self.starts):
            return None
        return max(t, self.starts[i])


def build_year(spec: CalendarSpec, year: int, days: dict[datetime.date, tuple[str, str]]) -> YearSchedule:
    start = _seconds(datetime.datetime(year, 1, 1))
    end = _seconds(datetime.datetime(year + 1, 1, 1))
    starts: list[int] = []
    ends: list[int] = []
    day = datetime.date(year, 1, 1)
    base = start
    while base < end:
        kind, name = days.get(day, (None, ""))
        for a, b in spec.windows_on(day, kind, name):
            if ends and ends[-1] == base + a:
                ends[-1] = base + b  # touching windows (24×7, midnight) become one interval
            else:
                starts.append(base + a)
                ends.append(base + b)
        day += datetime.timedelta(days=1)
        base += DAY
    before, acc = [], 0
    for a, b in zip(starts, ends, strict=True):
        before.append(acc)
        acc += b - a
    return YearSchedule(year, start, end, tuple(starts), tuple(ends), tuple(before), acc)


# --- cache ---------------------------------------------------------------------------------------

_lock = threading.Lock()
_state: dict = {"generation": None, "specs": {}, "years": {}}


def invalidate() -> None:
    """Call after any change to calendars, windows or national days (services do, also on commit)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)
    clear_local_cache()


def clear_local_cache() -> None:
    with _lock:
        _state["generation"] = None
        _state["specs"] = {}
        _state["years"] = {}


def _check_generation() -> None:
    generation = cache.get(GENERATION_KEY, 0)
    if generation != _state["generation"]:
        with _lock:
            _state["generation"] = generation
            _state["specs"] = {}
            _state["years"] = {}


def load_spec(calendar: WorkingCalendar | str | int) -> CalendarSpec:
    key = calendar.pk if isinstance(calendar, WorkingCalendar) else calendar
    spec = _state["specs"].get(key)
    if spec is not None:
        return spec
    if isinstance(calendar, WorkingCalendar):
        cal = calendar
    elif isinstance(calendar, int):
        cal = WorkingCalendar.objects.get(pk=calendar)
    else:
        try:
            cal = WorkingCalendar.objects.get(code=calendar)
        except WorkingCalendar.DoesNotExist:
            raise ServiceError(_("There is no working calendar with the code %(code)s.") % {"code": calendar},
                               code="calendar_unknown", field="calendar") from None
    windows: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for w in cal.windows.order_by("weekday", "start"):
        windows[w.weekday].append(w.seconds())
    spec = CalendarSpec(cal.pk, cal.code, cal.day_rule, tuple(tuple(w) for w in windows),
                        cal.closed_holiday_names())
    with _lock:
        _state["specs"][key] = spec
        _state["specs"][cal.pk] = spec
    return spec


def year_schedule(spec: CalendarSpec, year: int) -> YearSchedule:
    key = (spec.pk, year)
    sched = _state["years"].get(key)
    if sched is not None:
        return sched
    days: dict[datetime.date, tuple[str, str]] = {}
    if spec.needs_national_table:
        if not CalendarYear.objects.filter(year=year).exists():
            raise UnknownCalendarYear(year, spec.code)
        days = {d: (k, n) for d, k, n in CalendarDay.objects.filter(date__year=year).values_list("date", "kind", "name")}
    sched = build_year(spec, year, days)
    with _lock:
        _state["years"][key] = sched
    return sched


# --- public API ----------------------------------------------------------------------------------

def _seconds(naive: datetime.datetime) -> int:
    return int((naive - EPOCH).total_seconds())


def _local_seconds(moment: datetime.datetime) -> int:
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment).replace(tzinfo=None)
    return _seconds(moment)


def _aware(seconds: int) -> datetime.datetime:
    return timezone.make_aware(EPOCH + datetime.timedelta(seconds=seconds))


def _duration_seconds(duration: datetime.timedelta) -> int:
    seconds = round(duration.total_seconds())
    if seconds < 0:
        raise ServiceError(_("A working time cannot be negative."), code="negative_duration", field="duration")
    return seconds


def _add(spec: CalendarSpec, t: int, remaining: int) -> int:
    """Local second at which ``remaining`` working seconds after local second ``t`` are used up."""
    sched = year_schedule(spec, (EPOCH + datetime.timedelta(seconds=t)).year)
    if remaining == 0:
        for _i in range(MAX_YEARS_AHEAD):
            found = sched.next_working(t)
            if found is not None:
                return found
            sched = year_schedule(spec, sched.year + 1)
            t = sched.start
        raise _no_working_time()
    target = sched.position(t) + remaining
    for _i in range(MAX_YEARS_AHEAD):
        if target <= sched.total:
            return sched.at(target)
        target -= sched.total
        sched = year_schedule(spec, sched.year + 1)
    raise _no_working_time()


def _between(spec: CalendarSpec, ta: int, tb: int) -> int:
    """Working seconds from local second ``ta`` to ``tb`` (``ta`` ≤ ``tb``)."""
    year_a = (EPOCH + datetime.timedelta(seconds=ta)).year
    year_b = (EPOCH + datetime.timedelta(seconds=tb)).year
    first = year_schedule(spec, year_a)
    if year_a == year_b:
        return first.position(tb) - first.position(ta)
    total = first.total - first.position(ta)
    for year in range(year_a + 1, year_b):
        total += year_schedule(spec, year).total
    return total + year_schedule(spec, year_b).position(tb)


def add_working_time(calendar, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
    """The moment ``duration`` of working time after ``start`` (a start outside working time counts
    from the next working moment; a duration ending exactly at a window's end ends there)."""
    _check_generation()
    return _aware(_add(load_spec(calendar), _local_seconds(start), _duration_seconds(duration)))


def working_time_between(calendar, a: datetime.datetime, b: datetime.datetime) -> datetime.timedelta:
    """Working time from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
    if b < a:
        return -working_time_between(calendar, b, a)
    _check_generation()
    return datetime.timedelta(seconds=_between(load_spec(calendar), _local_seconds(a), _local_seconds(b)))


class Batch:
    """Many working-time questions in one go (the SLA job's thousands of clocks): the cache
    generation is read once, each calendar's spec is looked up once, and the questions are asked
    in local seconds, so a clock costs a few binary searches and no cache round trip."""

    def __init__(self) -> None:
        _check_generation()
        self._specs: dict[int, CalendarSpec] = {}

    def _spec(self, calendar_id: int) -> CalendarSpec:
        spec = self._specs.get(calendar_id)
        if spec is None:
            spec = self._specs[calendar_id] = load_spec(calendar_id)
        return spec

    @staticmethod
    def local(moment: datetime.datetime) -> int:
        return _local_seconds(moment)

    @staticmethod
    def aware(seconds: int) -> datetime.datetime:
        return _aware(seconds)

    def add(self, calendar_id: int, t: int, seconds: int) -> int:
        """``add_working_time`` in local seconds."""
        return _add(self._spec(calendar_id), t, max(seconds, 0))

    def between(self, calendar_id: int, ta: int, tb: int) -> int:
        """``working_time_between`` in local seconds (0 when ``tb`` is not after ``ta``)."""
        return _between(self._spec(calendar_id), ta, tb) if tb > ta else 0


def is_working_time(calendar, moment: datetime.datetime) -> bool:
    _check_generation()
    spec = load_spec(calendar)
    t = _local_seconds(moment)
    sched = year_schedule(spec, (EPOCH + datetime.timedelta(seconds=t)).year)
    return sched.next_working(t) == t


def _no_working_time() -> ServiceError:
    return ServiceError(_("This calendar has no working time within the next ten years."), code="no_working_time")


def is_working_day(calendar, day: datetime.date) -> bool:
    """Whether the calendar has any working time on ``day``."""
    _check_generation()
    spec = load_spec(calendar)
    sched = year_schedule(spec, day.year)
    start = _seconds(datetime.datetime.combine(day, datetime.time.min))
    found = sched.next_working(start)
    return found is not None and found < start + DAY
