"""Administrators edit the working calendar (issue 6 item 2): one national day, a calendar's weekday
windows, an organisation's calendar — audited, stale forms refused, bad input changes nothing, and
the due times follow the edit at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.core.calendar import editing
from aftersales.core.calendar.models import CalendarDay, CalendarWindow, OrganisationCalendar, WorkingCalendar
from aftersales.core.calendar.selectors import calendar_for_organisation
from aftersales.core.calendar.worktime import add_working_time
from aftersales.core.exceptions import ServiceError, StaleVersionError
from aftersales.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def windows_of(code: str) -> list[str]:
    return [str(w) for w in CalendarWindow.objects.filter(calendar__code=code).order_by("weekday", "start")]


# --- one day --------------------------------------------------------------------------------------

def test_a_day_made_a_holiday_moves_the_due_time_and_is_audited(world):
    admin = world.user("admin")
    # 2025-03-03 is a Monday: 8 h from 09:00 on head-office ends Tuesday 09:30 (7 h on Monday + 1 h)
    assert local(add_working_time("head-office", at("2025-03-03 09:00"), dt.timedelta(hours=8))) == "2025-03-04 09:30"
    editing.set_calendar_day(actor=admin, day=dt.date(2025, 3, 4), kind="holiday", name="厂庆日",
                             expected_state="|")
    assert local(add_working_time("head-office", at("2025-03-03 09:00"), dt.timedelta(hours=8))) == "2025-03-05 09:30"
    event = AuditEvent.objects.get(action="core.calendar.day_changed")
    assert event.actor == admin and event.changes["kind"] == ["", "holiday"] and event.changes["name"] == ["", "厂庆日"]
    # …and back to an ordinary Tuesday: the row goes, the due time comes back
    editing.set_calendar_day(actor=admin, day=dt.date(2025, 3, 4), kind="", expected_state="holiday|厂庆日")
    assert not CalendarDay.objects.filter(date=dt.date(2025, 3, 4)).exists()
    assert local(add_working_time("head-office", at("2025-03-03 09:00"), dt.timedelta(hours=8))) == "2025-03-04 09:30"


def test_a_stale_day_form_is_refused_and_changes_nothing(world):
    admin = world.user("admin")
    opened = editing.day_state(dt.date(2025, 3, 8))  # a Saturday, no row
    editing.set_calendar_day(actor=admin, day=dt.date(2025, 3, 8), kind="makeup", expected_state=opened)
    with pytest.raises(StaleVersionError):
        editing.set_calendar_day(actor=admin, day=dt.date(2025, 3, 8), kind="holiday", name="妇女节",
                                 expected_state=opened)
    assert CalendarDay.objects.get(date=dt.date(2025, 3, 8)).kind == "makeup"
    assert AuditEvent.objects.filter(action="core.calendar.day_changed").count() == 1


@pytest.mark.parametrize(("kind", "name", "field"), [
    ("holiday", "", "name"), ("vacation", "", "kind"), ("makeup", "春节", "name"), ("holiday", "节" * 41, "name")])
def test_bad_day_input_names_the_field_and_changes_nothing(world, kind, name, field):
    before = list(CalendarDay.objects.filter(date__year=2025).values_list("date", "kind", "name"))
    with pytest.raises(ServiceError) as caught:
        editing.set_calendar_day(actor=world.user("admin"), day=dt.date(2025, 3, 4), kind=kind, name=name)
    assert field in caught.value.fields
    assert list(CalendarDay.objects.filter(date__year=2025).values_list("date", "kind", "name")) == before
    assert not AuditEvent.objects.filter(action="core.calendar.day_changed").exists()


def test_a_day_of_a_year_not_entered_is_refused(world):
    with pytest.raises(ServiceError) as caught:
        editing.set_calendar_day(actor=world.user("admin"), day=dt.date(2031, 5, 1), kind="holiday", name="劳动节")
    assert caught.value.code == "calendar_year_missing" and "2031" in str(caught.value.message)
    assert not CalendarDay.objects.filter(date__year=2031).exists()


def test_day_page_saves_and_a_stale_page_answers_409(world, client):
    client.force_login(world.user("admin"))
    url = reverse("core:calendar_day", args=["2025-03-04"])
    page = client.get(url).content.decode()
    assert "2025-03-04" in page and "星期二" in page
    response = client.post(url, {"kind": "holiday", "name": "厂庆日", "state": "|"})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=dt.date(2025, 3, 4)).name == "厂庆日"
    stale = client.post(url, {"kind": "makeup", "name": "", "state": "|"})
    assert stale.status_code == 409 and "其他人" in stale.content.decode()
    bad = client.post(url, {"kind": "holiday", "name": "", "state": "holiday|厂庆日"})
    assert bad.status_code == 400 and 'data-testid="error-name"' in bad.content.decode()
    assert CalendarDay.objects.get(date=dt.date(2025, 3, 4)).name == "厂庆日"


# --- a calendar's windows ------------------------------------------------------------------------

def test_windows_are_replaced_audited_and_used_at_once(world):
    cal = WorkingCalendar.objects.get(code="head-office")
    nine_to_five = (dt.time(9, 0), dt.time(17, 0))
    editing.set_calendar_windows(actor=world.user("admin"), calendar=cal, expected_version=cal.version,
                                 windows={d: [nine_to_five] for d in range(5)})
    assert windows_of("head-office")[:1] == ["星期一 09:00–17:00"]
    assert len(windows_of("head-office")) == 5
    # Monday 2025-03-03 09:00 + 10 h → Tuesday 11:00 (8 h a day now)
    assert local(add_working_time("head-office", at("2025-03-03 09:00"), dt.timedelta(hours=10))) == "2025-03-04 11:00"
    event = AuditEvent.objects.get(action="core.calendar.windows_changed")
    assert event.changes["星期一"] == ["08:30-12:00, 13:30-17:30", "09:00-17:00"]


@pytest.mark.parametrize(("windows", "field"), [
    ({0: [(dt.time(12, 0), dt.time(8, 30))]}, "weekday_0"),
    ({2: [(dt.time(8, 0), dt.time(12, 0)), (dt.time(11, 0), dt.time(14, 0))]}, "weekday_2"),
    ({}, "__all__"),
])
def test_bad_windows_are_refused_beside_the_weekday_and_nothing_is_saved(world, windows, field):
    cal = WorkingCalendar.objects.get(code="head-office")
    before = windows_of("head-office")
    with pytest.raises(ServiceError) as caught:
        editing.set_calendar_windows(actor=world.user("admin"), calendar=cal, windows=windows,
                                     expected_version=cal.version)
    assert list(caught.value.fields) == [field]
    assert windows_of("head-office") == before
    assert WorkingCalendar.objects.get(code="head-office").version == cal.version


def test_whole_day_and_touching_windows_are_fine_a_stale_version_is_not(world):
    cal = WorkingCalendar.objects.get(code="roadside")
    editing.set_calendar_windows(actor=world.user("admin"), calendar=cal, expected_version=cal.version,
                                 windows={d: [(dt.time(0, 0), dt.time(12, 0)), (dt.time(12, 0), dt.time(0, 0))]
                                          for d in range(7)})
    assert local(add_working_time("roadside", at("2025-03-03 23:00"), dt.timedelta(hours=2))) == "2025-03-04 01:00"
    with pytest.raises(StaleVersionError):
        editing.set_calendar_windows(actor=world.user("admin"), calendar=cal, expected_version=1,
                                     windows={0: [(dt.time(8, 0), dt.time(9, 0))]})
    assert len(windows_of("roadside")) == 14


def test_windows_page_shows_errors_beside_the_weekday_and_saves_nothing(world, client):
    client.force_login(world.user("admin"))
    cal = WorkingCalendar.objects.get(code="store")
    url = reverse("core:calendar_windows", args=["store"])
    page = client.get(url).content.decode()
    assert "08:00-12:00, 13:00-18:00" in page
    before = windows_of("store")
    data = {"version": cal.version, **{f"weekday_{d}": "08:00-12:00, 13:00-18:00" for d in range(7)}}
    response = client.post(url, {**data, "weekday_1": "08:00-12:00, 11:30-18:00", "weekday_3": "8点到12点"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-weekday_1"' in html and "重叠" in html
    assert 'data-testid="error-weekday_3"' in html
    assert windows_of("store") == before
    response = client.post(url, {**data, "weekday_6": ""})
    assert response.status_code == 302
    assert not [w for w in windows_of("store") if w.startswith("星期日")]


def test_calendar_pages_are_for_administrators_only(world, client):
    client.force_login(world.user("manager"))
    assert client.get(reverse("core:calendar_day", args=["2025-03-04"])).status_code == 403
    assert client.post(reverse("core:calendar_windows", args=["store"]), {"version": 1}).status_code == 403
    assert client.get(reverse("org:organisation_calendars")).status_code == 403


# --- an organisation's calendar -----------------------------------------------------------------

def test_assigning_a_calendar_to_a_dealer_through_the_page(world, client):
    admin = world.user("admin")
    client.force_login(admin)
    dealer = world.dealer_a
    listing = client.get(reverse("org:organisation_calendars")).content.decode()
    assert dealer.name in listing and "默认" in listing
    roadside = WorkingCalendar.objects.get(code="roadside")
    url = reverse("org:organisation_calendar", args=[dealer.pk])
    response = client.post(url, {"calendar": roadside.pk, "state": ""})
    assert response.status_code == 302
    assert calendar_for_organisation(dealer.pk) == roadside
    event = AuditEvent.objects.get(action="core.calendar.assigned")
    assert event.organisation_id == dealer.pk and event.changes["calendar"] == [None, "roadside"]
    # A second admin's form opened before that change is stale.
    stale = client.post(url, {"calendar": "", "state": ""})
    assert stale.status_code == 409
    assert calendar_for_organisation(dealer.pk) == roadside
    # Back to the default.
    assert client.post(url, {"calendar": "", "state": "roadside"}).status_code == 302
    assert not OrganisationCalendar.objects.filter(organisation_id=dealer.pk).exists()


def test_an_inactive_calendar_cannot_be_assigned(world):
    cal = WorkingCalendar.objects.create(code="old", name="旧日历", is_active=False)
    with pytest.raises(ServiceError):
        editing.assign_calendar(actor=world.user("admin"), organisation_id=world.dealer_a.pk, calendar=cal)
    assert not OrganisationCalendar.objects.exists()
