"""SLA clock services and the escalation job (R-TKT-4, ADR 0008).

A clock's state: ``used_seconds`` of working time before the running segment that began at
``segment_started_at``. Start / pause / resume / stop recompute ``due_at`` and ``next_check_at``
(the moment the next unfired ladder level falls due). ``escalate_due`` selects only clocks whose
``next_check_at`` has passed (one indexed query, nothing else when nothing is due), locks them
(``SKIP LOCKED`` on PostgreSQL, so two workers never take the same clock), writes the escalation
rows and the next check times in bulk and hands the notices to ``sla_escalated`` listeners
(the notifications app writes them to inboxes and the outbox in the same transaction).

A clock that needs a calendar year nobody entered stops in state ``blocked`` with the error text;
administrators see it on "我的工作"; the job retries blocked clocks once the year is entered.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from ..bulk import bulk_update_rows, insert_new_rows
from ..exceptions import ServiceError, TransitionNotAllowed
from .models import WorkingCalendar
from .sla_models import ClockState, EscalationLevel, SlaClock, SlaEscalation
from .worktime import Batch, UnknownCalendarYear, add_working_time, working_time_between

# Sent with ``notices``: list of dicts (clock_id, escalation_id, severity, user_ids, title, body,
# organisation_id) in the job's transaction; title and body format themselves when read (``str``).
sla_escalated = Signal()

BATCH = 2000


def _levels(ladder_id: int | None, cache: dict) -> list[EscalationLevel]:
    if ladder_id is None:
        return []
    if ladder_id not in cache:
        cache[ladder_id] = list(EscalationLevel.objects.filter(ladder_id=ladder_id).order_by("fraction"))
    return cache[ladder_id]


def _level_seconds(clock: SlaClock, level: EscalationLevel) -> int:
    return int(Decimal(clock.target_seconds) * level.fraction)


def _plan(clock: SlaClock, levels: list[EscalationLevel]) -> None:
    """Set ``due_at`` and ``next_check_at`` of a running clock (or block it on an unknown year)."""
    start = clock.segment_started_at
    try:
        clock.due_at = add_working_time(clock.calendar_id, start, datetime.timedelta(
            seconds=max(clock.target_seconds - clock.used_seconds, 0)))
        clock.next_check_at = None
        if clock.next_level < len(levels):
            left = max(_level_seconds(clock, levels[clock.next_level]) - clock.used_seconds, 0)
            clock.next_check_at = add_working_time(clock.calendar_id, start, datetime.timedelta(seconds=left))
        clock.state, clock.error = ClockState.RUNNING, ""
    except UnknownCalendarYear as exc:
        clock.state, clock.error, clock.next_check_at = ClockState.BLOCKED, str(exc.message), None


@transaction.atomic
def start_clock(*, obj, name: str, calendar: WorkingCalendar | str, target: datetime.timedelta, ladder=None,
                owner=None, organisation_id: int | None = None, at: datetime.datetime | None = None) -> SlaClock:
    """Start (or restart) the clock ``name`` on ``obj``; the target is working time on ``calendar``."""
    if target.total_seconds() <= 0:
        raise ServiceError(_("An SLA target must be longer than zero."), code="invalid_target", field="target")
    if isinstance(calendar, str):
        calendar = WorkingCalendar.objects.get(code=calendar)
    at = at or timezone.now()
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    SlaClock.objects.filter(content_type=ct, object_id=obj.pk, name=name).delete()
    clock = SlaClock(content_type=ct, object_id=obj.pk, name=name, calendar=calendar, ladder=ladder,
                     target_seconds=int(target.total_seconds()), started_at=at, segment_started_at=at,
                     owner=owner, organisation_id=organisation_id)
    _plan(clock, _levels(clock.ladder_id, {}))
    clock.save()
    return clock


def _locked(clock: SlaClock) -> SlaClock:
    return SlaClock.objects.select_for_update().get(pk=clock.pk)


def _used_until(clock: SlaClock, at: datetime.datetime) -> int:
    if clock.segment_started_at is None or at <= clock.segment_started_at:
        return clock.used_seconds
    return clock.used_seconds + int(working_time_between(clock.calendar_id, clock.segment_started_at, at).total_seconds())


@transaction.atomic
def pause_clock(clock: SlaClock, *, at: datetime.datetime | None = None) -> SlaClock:
    """Stop counting (waiting for the customer, parts on order); the working time used is kept."""
    clock = _locked(clock)
    if clock.state != ClockState.RUNNING:
        raise TransitionNotAllowed(_("Only a running clock can be paused."))
    clock.used_seconds = _used_until(clock, at or timezone.now())
    clock.state, clock.segment_started_at, clock.due_at, clock.next_check_at = ClockState.PAUSED, None, None, None
    clock.version += 1
    clock.save()
    return clock


@transaction.atomic
def resume_clock(clock: SlaClock, *, at: datetime.datetime | None = None) -> SlaClock:
    clock = _locked(clock)
    if clock.state != ClockState.PAUSED:
        raise TransitionNotAllowed(_("Only a paused clock can be resumed."))
    clock.segment_started_at = at or timezone.now()
    _plan(clock, _levels(clock.ladder_id, {}))
    clock.version += 1
    clock.save()
    return clock


@transaction.atomic
def stop_clock(clock: SlaClock, *, at: datetime.datetime | None = None) -> SlaClock:
    """The work is done: keep the working time used, escalate no more."""
    clock = _locked(clock)
    if clock.state == ClockState.STOPPED:
        raise TransitionNotAllowed(_("This clock is already stopped."))
    at = at or timezone.now()
    if clock.state == ClockState.RUNNING:
        clock.used_seconds = _used_until(clock, at)
    clock.state, clock.stopped_at, clock.segment_started_at, clock.next_check_at = ClockState.STOPPED, at, None, None
    clock.version += 1
    clock.save()
    return clock


def remaining(clock: SlaClock, *, at: datetime.datetime | None = None) -> datetime.timedelta:
    """Working time left before the due time (negative once overdue)."""
    used = _used_until(clock, at or timezone.now()) if clock.state == ClockState.RUNNING else clock.used_seconds
    return datetime.timedelta(seconds=clock.target_seconds - used)


# --- the periodic job ------------------------------------------------------------------------------

def _recipients(clock: SlaClock, level: EscalationLevel, group_cache: dict) -> list[int]:
    ids = [clock.owner_id] if level.notify_owner and clock.owner_id else []
    if level.notify_group_id:
        if level.notify_group_id not in group_cache:
            group_cache[level.notify_group_id] = list(get_user_model().objects.filter(
                groups=level.notify_group_id, is_active=True).values_list("pk", flat=True))
        ids += group_cache[level.notify_group_id]
    return sorted(set(ids))


class _Title:
    """A notice's title, written only when a listener reads it: a digest lists 20 of a person's
    thousand notices, and formatting every due time was a tenth of a busy run."""

    __slots__ = ("clock", "level", "text")

    def __init__(self, clock: SlaClock, level: EscalationLevel):
        self.clock, self.level, self.text = clock, level, None

    def __str__(self) -> str:
        if self.text is None:
            clock, level = self.clock, self.level
            due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M") if clock.due_at else "—"
            what = _("SLA breached") if level.severity == "breach" else _("SLA warning")
            self.text = _("%(what)s: %(clock)s (%(share)s of the target), due %(due)s") % {
                "what": what, "clock": str(clock), "share": f"{float(level.fraction):.0%}", "due": due}
        return self.text


def _notice(clock: SlaClock, level: EscalationLevel, escalation_id: int, user_ids: list[int]) -> dict:
    title = _Title(clock, level)
    return {"clock_id": clock.pk, "escalation_id": escalation_id, "severity": level.severity, "user_ids": user_ids,
            "title": title, "body": title, "organisation_id": clock.organisation_id}


def _due_batch(now: datetime.datetime) -> list[SlaClock]:
    """The next due clocks, oldest first, through the partial index on ``next_check_at``."""
    qs = SlaClock.objects.filter(state=ClockState.RUNNING, next_check_at__lte=now).order_by("next_check_at")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs[:BATCH])


def _evaluate(clock: SlaClock, levels: list[EscalationLevel], calc: Batch, now_local: int) -> list[EscalationLevel]:
    """Fire the levels a clock has reached by now and plan its next check, in local seconds (the
    bulk twin of ``_plan``); an unknown year blocks the clock."""
    start = calc.local(clock.segment_started_at)
    cal = clock.calendar_id
    try:
        used = clock.used_seconds + calc.between(cal, start, now_local)
        fired = []
        while clock.next_level < len(levels) and _level_seconds(clock, levels[clock.next_level]) <= used:
            fired.append(levels[clock.next_level])
            clock.reached = levels[clock.next_level].severity
            clock.next_level += 1
        if fired:  # the due time only changes at start / resume; recomputed when a level fires
            clock.due_at = calc.aware(calc.add(cal, start, clock.target_seconds - clock.used_seconds))
        clock.next_check_at = None
        if clock.next_level < len(levels):
            left = _level_seconds(clock, levels[clock.next_level]) - clock.used_seconds
            clock.next_check_at = calc.aware(calc.add(cal, start, left))
        clock.state, clock.error = ClockState.RUNNING, ""
        return fired
    except UnknownCalendarYear as exc:
        clock.state, clock.error, clock.next_check_at = ClockState.BLOCKED, str(exc.message), None
        return []


@transaction.atomic
def _escalate_batch(now: datetime.datetime) -> int:
    clocks = _due_batch(now)
    if not clocks:
        return 0
    ladders: dict = {}
    groups: dict = {}
    calc = Batch()
    now_local = calc.local(now)
    pending = [(clock, level) for clock in clocks
               for level in _evaluate(clock, _levels(clock.ladder_id, ladders), calc, now_local)]
    # A (clock, level) already there — an overlapping run or a clock read stale — is left out by the
    # unique constraint, so each level is fired, and notified, exactly once.
    written = insert_new_rows(SlaEscalation, ("clock", "level", "severity", "fired_at"),
                              [(c.pk, lv.pk, lv.severity, now) for c, lv in pending], unique=("clock", "level"))
    bulk_update_rows(clocks, ["state", "error", "next_level", "next_check_at", "due_at", "reached"])
    notices = [_notice(c, lv, written[(c.pk, lv.pk)], _recipients(c, lv, groups))
               for c, lv in pending if (c.pk, lv.pk) in written]
    if notices:
        sla_escalated.send(sender=SlaClock, notices=notices)
    return len(clocks)


@transaction.atomic
def retry_blocked() -> int:
    """Blocked clocks whose missing year has since been entered run again."""
    clocks = list(SlaClock.objects.select_for_update().filter(state=ClockState.BLOCKED)[:BATCH])
    ladders: dict = {}
    for clock in clocks:
        if clock.segment_started_at is None:
            clock.segment_started_at = clock.started_at
        _plan(clock, _levels(clock.ladder_id, ladders))
    bulk_update_rows(clocks, ["state", "error", "segment_started_at", "next_check_at", "due_at"])
    return sum(1 for c in clocks if c.state == ClockState.RUNNING)


def escalate_due(*, now: datetime.datetime | None = None) -> int:
    """Fire every ladder level that has fallen due; returns the clocks evaluated."""
    now = now or timezone.now()
    if SlaClock.objects.filter(state=ClockState.BLOCKED).exists():
        retry_blocked()
    total = 0
    while True:
        n = _escalate_batch(now)
        total += n
        if n < BATCH:
            return total


def blocked_clock_count() -> int:
    return SlaClock.objects.filter(state=ClockState.BLOCKED).count()
