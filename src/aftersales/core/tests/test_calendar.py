"""Working calendar (R-SYS-7, issue 6 item 2): due times worked out by hand from the State Council
schedules, the CLI, and the schedule import's refusals."""

from __future__ import annotations

import datetime as dt
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from aftersales.core.calendar import services
from aftersales.core.calendar.choices import DayRule
from aftersales.core.calendar.models import CalendarDay, CalendarWindow, CalendarYear, WorkingCalendar
from aftersales.core.calendar.worktime import UnknownCalendarYear, add_working_time, working_time_between

pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def due(code: str, start: str, hours: float) -> str:
    return local(add_working_time(code, at(start), timedelta(hours=hours)))


def cli(*args, stdin: str | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("calendar", "due", *args, stdout=out)
    return out.getvalue()


# --- hand-computed due times ------------------------------------------------------------------------

def test_head_office_national_day_example():
    # 09-30 16:00–17:30 = 1.5 h; 10-01…10-08 National Day; 10-09 7.5 h (9.0); 10-10 08:30–12:00 (12.5),
    # then 3.5 h from 13:30 → 17:00.
    assert due("head-office", "2025-09-30 16:00", 16) == "2025-10-10 17:00"


def test_single_window_calendar_matches_domain_example():
    # DOMAIN.md: 08:30–17:30 without lunch break: 1.5 h + 9 h on 10-09 + 5.5 h from 08:30 → 14:00.
    cal = WorkingCalendar.objects.create(code="office-9h", name="9h", day_rule=DayRule.NATIONAL)
    CalendarWindow.objects.bulk_create([CalendarWindow(calendar=cal, weekday=d, start=dt.time(8, 30),
                                                       end=dt.time(17, 30)) for d in range(5)])
    assert due("office-9h", "2025-09-30 16:00", 16) == "2025-10-10 14:00"


def test_start_outside_working_time_counts_from_next_working_minute():
    assert due("head-office", "2025-09-30 12:15", 0.5) == "2025-09-30 14:00"  # lunch: from 13:30
    assert due("head-office", "2025-09-30 06:00", 1) == "2025-09-30 09:30"
    assert due("head-office", "2025-03-07 18:00", 1) == "2025-03-10 09:30"  # Friday evening → Monday


def test_duration_ending_at_a_window_end_ends_there():
    assert due("head-office", "2025-09-30 08:30", 3.5) == "2025-09-30 12:00"


def test_make_up_sunday_is_a_head_office_working_day():
    # 2025-09-28 (Sunday) is a make-up working day for National Day.
    assert due("head-office", "2025-09-27 10:00", 1) == "2025-09-28 09:30"


def test_store_closes_for_spring_festival_but_opens_weekends():
    # 2026 Spring Festival holiday 02-15…02-23; 02-14 (Saturday) the store is open 17:00–18:00 = 1 h.
    assert due("store", "2026-02-14 17:00", 2) == "2026-02-24 09:00"
    # National Day is no store holiday: 2 h on 09-30, 9 h on 10-01, 4 h + 1 h on 10-02.
    assert due("store", "2025-09-30 16:00", 16) == "2025-10-02 14:00"


def test_roadside_is_24x7_and_needs_no_national_schedule():
    assert due("roadside", "2026-12-31 23:00", 5) == "2027-01-01 04:00"
    assert due("roadside", "2025-10-01 10:00", 48) == "2025-10-03 10:00"


def test_working_time_between():
    assert working_time_between("head-office", at("2025-09-30 16:00"), at("2025-10-10 17:00")) == timedelta(hours=16)
    assert working_time_between("head-office", at("2025-03-07 17:00"), at("2025-03-10 09:00")) == timedelta(hours=1)
    assert working_time_between("head-office", at("2025-03-10 09:00"), at("2025-03-07 17:00")) == -timedelta(hours=1)
    # across years: 2024-12-31 17:00–17:30, 2025-01-01 New Year holiday, 2025-01-02 08:30–09:00
    assert working_time_between("head-office", at("2024-12-31 17:00"), at("2025-01-02 09:00")) == timedelta(hours=1)


# --- unknown years --------------------------------------------------------------------------------

def test_a_year_not_entered_is_an_error_naming_it_never_monday_to_friday():
    with pytest.raises(UnknownCalendarYear) as exc:
        add_working_time("head-office", at("2026-12-31 17:00"), timedelta(hours=1))
    assert exc.value.year == 2027
    assert "2027" in exc.value.message
    with pytest.raises(UnknownCalendarYear):
        add_working_time("store", at("2027-03-01 09:00"), timedelta(hours=1))


def test_import_makes_the_next_year_known():
    years = services.import_schedule(actor=None, text="date,kind,name\n2027-01-01,holiday,元旦\n")
    assert years == [2027]
    # 2026-12-31 17:00–17:30, 2027-01-01 (Fri) holiday, weekend, Monday 01-04 08:30 + 0.5 h.
    assert due("head-office", "2026-12-31 17:00", 1) == "2027-01-04 09:00"


# --- schedule import refusals -------------------------------------------------------------------------

def test_import_with_unknown_kind_or_a_date_twice_changes_nothing():
    days_before = CalendarDay.objects.count()
    text = "2027-01-01,holiday,元旦\n2027-02-06,vacation,春节\n2027-01-01,makeup,\nnot-a-date,holiday,x\n"
    with pytest.raises(services.ScheduleInvalid) as exc:
        services.import_schedule(actor=None, text=text)
    lines = [n for n, _msg in exc.value.errors]
    assert lines == [2, 3, 4]
    assert CalendarDay.objects.count() == days_before
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_import_errors_are_translated():
    with translation.override("zh-hans"), pytest.raises(services.ScheduleInvalid) as exc:
        services.parse_schedule("2027-02-06,vacation,春节\n")
    assert "vacation" in exc.value.errors[0][1]
    assert "未知" in exc.value.errors[0][1]


def test_import_replaces_the_years_it_names():
    services.import_schedule(actor=None, text="2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n")
    services.import_schedule(actor=None, text="2027-01-01,holiday,元旦\n")
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [dt.date(2027, 1, 1)]


# --- command line ---------------------------------------------------------------------------------

def test_cli_prints_the_example():
    assert cli("--calendar", "head-office", "2025-09-30 16:00", "16") == "2025-10-10 17:00\n"


def test_cli_reads_lines_from_stdin(monkeypatch):
    out = cli("--calendar", "head-office", "-", stdin="2025-09-30 16:00,16\n2025-09-30 08:30,3.5\n\n2025-09-30 12:15,0.5\n",
              monkeypatch=monkeypatch)
    assert out.splitlines() == ["2025-10-10 17:00", "2025-09-30 12:00", "2025-09-30 14:00"]


def test_cli_unknown_year_exits_non_zero_naming_it(monkeypatch):
    with pytest.raises(CommandError, match="2027"):
        cli("--calendar", "head-office", "2026-12-31 17:00", "1")
    with pytest.raises(CommandError, match=r"(Line 2|第 2 行).*2027"):
        cli("--calendar", "head-office", "-", stdin="2025-09-30 16:00,16\n2026-12-31 17:00,1\n", monkeypatch=monkeypatch)


def test_cli_refuses_bad_input():
    with pytest.raises(CommandError, match="nope"):
        cli("--calendar", "nope", "2025-09-30 16:00", "1")
    with pytest.raises(CommandError):
        cli("--calendar", "head-office", "yesterday", "1")
    with pytest.raises(CommandError):
        cli("--calendar", "head-office", "2025-09-30 16:00", "-3")
