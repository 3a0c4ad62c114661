"""SLA clocks and the escalation ladder (R-TKT-4, issue 6 item 2): due times by hand, pause and
resume, each level notifying once through the inbox and the outbox, unknown years blocking."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from aftersales.core.calendar import clocks, services
from aftersales.core.calendar.hooks import calendar_work_items, next_year_missing
from aftersales.core.calendar.sla_models import ClockState, EscalationLadder, EscalationLevel, SlaEscalation
from aftersales.core.models import CalendarYear
from aftersales.notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def ladder():
    lad = EscalationLadder.objects.create(code="std", name="standard")
    EscalationLevel.objects.create(ladder=lad, fraction=Decimal("0.5"), severity="warning")
    EscalationLevel.objects.create(ladder=lad, fraction=Decimal("1"), severity="breach")
    return lad


@pytest.fixture
def owner():
    return get_user_model().objects.create_user("sla-owner", password="x", email="owner@example.com")


def test_due_time_and_pause_resume_by_hand(ladder, owner):
    clock = clocks.start_clock(obj=owner, name="resolve", calendar="head-office", target=timedelta(hours=16),
                               ladder=ladder, owner=owner, at=at("2025-09-30 16:00"))
    assert local(clock.due_at) == "2025-10-10 17:00"
    # 50 %: 1.5 h on 09-30, then 6.5 h on 10-09 (3.5 h to 12:00, 3 h from 13:30) → 16:30
    assert local(clock.next_check_at) == "2025-10-09 16:30"
    clock = clocks.pause_clock(clock, at=at("2025-10-09 09:30"))  # used 1.5 h + 1 h
    assert clock.used_seconds == 2.5 * 3600
    assert clocks.remaining(clock) == timedelta(hours=13.5)
    clock = clocks.resume_clock(clock, at=at("2025-10-09 13:30"))
    # 13.5 h left: 4 h on 10-09, 7.5 h on 10-10, 10-11 is a make-up Saturday: 08:30 + 2 h
    assert local(clock.due_at) == "2025-10-11 10:30"
    with pytest.raises(clocks.TransitionNotAllowed):
        clocks.resume_clock(clock, at=at("2025-10-09 14:00"))


def test_each_level_notifies_once_never_twice(ladder, owner):
    watchers = Group.objects.create(name="sla-watchers")
    EscalationLevel.objects.filter(ladder=ladder, severity="breach").update(notify_group=watchers)
    boss = owner.__class__.objects.create_user("sla-boss", password="x", email="boss@example.com")
    boss.groups.add(watchers)
    clocks.start_clock(obj=owner, name="resolve", calendar="head-office", target=timedelta(hours=16),
                       ladder=ladder, owner=owner, at=at("2025-09-30 16:00"))
    assert clocks.escalate_due(now=at("2025-10-09 16:00")) == 0
    assert not Notification.objects.exists()
    clocks.escalate_due(now=at("2025-10-09 16:31"))
    clocks.escalate_due(now=at("2025-10-09 16:45"))
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert OutboxMessage.objects.filter(to="owner@example.com").count() == 1
    clocks.escalate_due(now=at("2025-10-10 17:00"))
    clocks.escalate_due(now=at("2025-10-10 18:00"))
    assert Notification.objects.filter(recipient=owner).count() == 2
    assert Notification.objects.filter(recipient=boss).count() == 1
    assert OutboxMessage.objects.count() == 3
    assert list(SlaEscalation.objects.order_by("fired_at").values_list("severity", flat=True)) == ["warning", "breach"]


def test_a_paused_or_stopped_clock_does_not_escalate(ladder, owner):
    clock = clocks.start_clock(obj=owner, name="resolve", calendar="head-office", target=timedelta(hours=16),
                               ladder=ladder, owner=owner, at=at("2025-09-30 16:00"))
    clocks.pause_clock(clock, at=at("2025-09-30 17:00"))
    assert clocks.escalate_due(now=at("2025-12-01 09:00")) == 0
    clock.refresh_from_db()
    clocks.resume_clock(clock, at=at("2025-12-01 09:00"))
    clocks.stop_clock(clock, at=at("2025-12-01 10:00"))
    assert clocks.escalate_due(now=at("2025-12-31 09:00")) == 0
    assert not SlaEscalation.objects.exists()


def test_clock_reaching_an_unknown_year_stops_with_an_error_and_an_admin_work_item(ladder, owner):
    clock = clocks.start_clock(obj=owner, name="resolve", calendar="head-office", target=timedelta(hours=8),
                               ladder=ladder, owner=owner, at=at("2026-12-31 09:00"))
    assert clock.state == ClockState.BLOCKED
    assert "2027" in clock.error
    admin = get_user_model().objects.create_superuser("cal-admin", password="x")
    keys = {i.key: i.count for i in calendar_work_items(admin)}
    assert keys["core.sla_clocks_blocked"] == 1
    services.import_schedule(actor=admin, text="2027-01-01,holiday,元旦\n")
    clocks.escalate_due(now=at("2026-12-31 12:00"))
    clock.refresh_from_db()
    # 09:00–12:00 3 h, 13:30–17:30 4 h, 01-01 holiday, weekend, 2027-01-04 08:30 + 1 h
    assert clock.state == ClockState.RUNNING
    assert local(clock.due_at) == "2027-01-04 09:30"


def test_december_warning_while_next_year_is_missing(owner):
    assert next_year_missing(dt.date(2026, 11, 30)) is None
    assert next_year_missing(dt.date(2026, 12, 1)) == 2027
    CalendarYear.objects.create(year=2027, source="manual")
    assert next_year_missing(dt.date(2026, 12, 1)) is None
    assert not calendar_work_items(owner)  # only administrators see it


def test_a_run_that_read_the_clock_before_another_committed_fires_nothing_twice(ladder, owner):
    """Two overlapping job runs: the second read the clock before the first wrote its new state.
    The (clock, level) constraint keeps the level — and its inbox line and e-mail — to one."""
    clock = clocks.start_clock(obj=owner, name="resolve", calendar="head-office", target=timedelta(hours=16),
                               ladder=ladder, owner=owner, at=at("2025-09-30 16:00"))
    stale = {"next_level": clock.next_level, "next_check_at": clock.next_check_at, "reached": clock.reached}
    assert clocks.escalate_due(now=at("2025-10-09 16:31")) == 1
    clock.__class__.objects.filter(pk=clock.pk).update(**stale)  # what the overlapping run saw
    assert clocks.escalate_due(now=at("2025-10-09 16:40")) == 1
    assert SlaEscalation.objects.count() == 1
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert OutboxMessage.objects.filter(to="owner@example.com").count() == 1
    clock.refresh_from_db()
    assert (clock.next_level, clock.reached, local(clock.next_check_at)) == (1, "warning", "2025-10-10 17:00")


def test_many_clocks_in_one_run_each_fire_their_own_levels(ladder, owner, monkeypatch):
    """A run spanning several batches: every clock's levels fire once, the due time stays right."""
    monkeypatch.setattr(clocks, "BATCH", 2)
    other = get_user_model().objects.create_user("sla-other", password="x", email="other@example.com")
    for i in range(5):
        clocks.start_clock(obj=other if i % 2 else owner, name=f"c{i}", calendar="head-office",
                           target=timedelta(hours=4 * (i + 1)), ladder=ladder, owner=other if i % 2 else owner,
                           at=at("2025-09-30 09:00"))
    # By 2025-10-09 12:00: 7 h on 09-30 (09:00–12:00, 13:30–17:30), 10-01…08 holiday, 3.5 h on 10-09 → 10.5 h.
    # Targets 4, 8, 12, 16, 20 h: 50 % levels at 2, 4, 6, 8, 10 h all reached; 100 % reached for 4 and 8 h.
    assert clocks.escalate_due(now=at("2025-10-09 12:00")) == 5
    assert SlaEscalation.objects.filter(severity="warning").count() == 5
    assert SlaEscalation.objects.filter(severity="breach").count() == 2
    assert OutboxMessage.objects.count() == 7
    assert Notification.objects.filter(recipient=owner).count() == 3 + 1  # clocks 0, 2, 4 warn; clock 0 breaches
    due = {c.name: local(c.due_at) for c in clocks.SlaClock.objects.all()}
    assert due["c0"] == "2025-09-30 14:30"  # 3 h to 12:00, 1 h from 13:30
    assert due["c4"] == "2025-10-10 15:30"  # 7 h + 7.5 h (10-09) + 5.5 h: 08:30–12:00 3.5 h, 13:30 + 2 h


def test_many_levels_for_one_person_in_one_run_arrive_as_one_digest(ladder, owner):
    """Five of one owner's clocks cross the 50 % level in the same run (after a holiday): five escalation
    rows, but one inbox line and one e-mail listing the five, not five of each (ADR 0008, "Digest");
    a run again sends nothing."""
    from django.utils import translation

    other = get_user_model().objects.create_user("sla-single", password="x", email="single@example.com")
    for i in range(5):
        clocks.start_clock(obj=owner, name=f"工单{i}", calendar="head-office", target=timedelta(hours=4),
                           ladder=ladder, owner=owner, at=at("2025-09-30 09:00"))
    clocks.start_clock(obj=other, name="单个", calendar="head-office", target=timedelta(hours=40),
                       ladder=ladder, owner=other, at=at("2025-09-30 09:00"))
    # 10.5 working hours by 10-09 12:00 (see above): the 4 h clocks warn (2 h) and breach (4 h); the 40 h
    # one has not reached its warning (20 h): the other person gets nothing yet.
    with translation.override("zh-hans"):
        clocks.escalate_due(now=at("2025-10-09 12:00"))
    assert SlaEscalation.objects.filter(clock__owner=owner).count() == 10  # 5 warnings + 5 breaches
    lines = list(Notification.objects.filter(recipient=owner))
    assert len(lines) == 1
    assert lines[0].title == "服务时限提醒：10 项需要处理（已超时 5 项，预警 5 项）"
    assert all(f"工单{i}" in lines[0].body for i in range(5))
    assert lines[0].level == "danger"
    assert OutboxMessage.objects.filter(to="owner@example.com").count() == 1
    assert not Notification.objects.filter(recipient=other).exists()
    clocks.escalate_due(now=at("2025-10-09 12:30"))
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert OutboxMessage.objects.filter(to="owner@example.com").count() == 1


def test_three_levels_for_one_person_still_arrive_one_by_one(ladder, owner):
    for i in range(3):
        clocks.start_clock(obj=owner, name=f"c{i}", calendar="head-office", target=timedelta(hours=12),
                           ladder=ladder, owner=owner, at=at("2025-09-30 09:00"))
    clocks.escalate_due(now=at("2025-10-09 12:00"))  # 10.5 h of 12: each clock warns (6 h), none breaches
    assert Notification.objects.filter(recipient=owner).count() == 3
    assert OutboxMessage.objects.filter(to="owner@example.com").count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_job_runs_at_the_same_time_fire_each_level_once():
    """On PostgreSQL two workers run the job at the same moment: the locked clocks are skipped by
    the other (SKIP LOCKED), so every clock's level fires, and mails, exactly once between them."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("two real concurrent transactions need PostgreSQL")
    # Its own 24-hour calendar: a transactional test may run after another one emptied the tables.
    from aftersales.core.calendar.models import CalendarWindow, WorkingCalendar

    cal = WorkingCalendar.objects.create(code="par-24h", name="24 h", day_rule="own_week")
    CalendarWindow.objects.bulk_create([CalendarWindow(calendar=cal, weekday=d, start=dt.time(0), end=dt.time(0))
                                        for d in range(7)])
    lad = EscalationLadder.objects.create(code="par", name="parallel")
    EscalationLevel.objects.create(ladder=lad, fraction=Decimal("0.5"), severity="warning")
    users = [get_user_model().objects.create_user(f"par{i}", password="x", email=f"par{i}@example.com")
             for i in range(40)]
    for user in users:
        clocks.start_clock(obj=user, name="resolve", calendar=cal, target=timedelta(hours=2), ladder=lad,
                           owner=user, at=at("2025-03-03 09:00"))
    start = threading.Barrier(2)
    evaluated: list[int] = []
    errors: list[BaseException] = []

    def run():
        try:
            start.wait()
            evaluated.append(clocks.escalate_due(now=at("2025-03-03 10:30")))
        except BaseException as exc:  # noqa: BLE001 - every failure is the finding
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert SlaEscalation.objects.count() == 40
    assert OutboxMessage.objects.filter(to__startswith="par").count() == 40
    assert Notification.objects.filter(recipient__in=users).count() == 40
    assert sum(evaluated) == 40  # each clock taken by one run or the other, never both
