"""Benchmark: working-time arithmetic and the SLA escalation job (ADR 0008, issue 6 "Speed").

    .venv/bin/python bench/sla_clocks.py                      # PostgreSQL (aftersales_calendar_bench)
    .venv/bin/python bench/sla_clocks.py --sqlite             # SQLite file data/bench_sla.sqlite3
    .venv/bin/python bench/sla_clocks.py --clocks 100000

Measured in the same run, with a baseline each:

- ``add_working_time`` on ``head-office`` for durations spread over a whole year (cache warm), against
  the baseline of one ``datetime + timedelta`` plus ``timezone.localtime`` (the least any due-time
  computation does); goal ≤ 1 ms each;
- the SLA job over N running clocks: once when nothing is due (goal: almost nothing — one indexed
  query), once when every clock crosses a ladder level (goal ≤ 60 s for 100,000 on PostgreSQL),
  against the baseline of a plain ``UPDATE`` of the same N rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from _common import ROOT, ensure_postgres_database, log, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/aftersales_calendar_bench")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    url = f"sqlite:///{ROOT / 'data' / 'bench_sla.sqlite3'}" if args.sqlite else args.database_url
    ensure_postgres_database(url)
    setup_django(url)
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from aftersales.core.calendar import clocks
    from aftersales.core.calendar.sla_models import EscalationLadder, EscalationLevel, SlaClock, SlaEscalation
    from aftersales.core.calendar.worktime import add_working_time

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")

    # --- add_working_time over a year --------------------------------------------------------------
    rng = random.Random(7)
    tz_start = timezone.make_aware(dt.datetime(2025, 1, 2, 9, 0))
    cases = [(tz_start + dt.timedelta(minutes=rng.randrange(0, 200 * 24 * 60)),
              dt.timedelta(hours=rng.randrange(1, 1700))) for _ in range(args.calls)]
    add_working_time("head-office", tz_start, dt.timedelta(hours=1))  # build and cache 2025/2026
    add_working_time("head-office", timezone.make_aware(dt.datetime(2026, 6, 1)), dt.timedelta(hours=1))
    t0 = time.perf_counter()
    for start, duration in cases:
        timezone.localtime(start + duration)
    base = (time.perf_counter() - t0) / len(cases)
    t0 = time.perf_counter()
    for start, duration in cases:
        add_working_time("head-office", start, duration)
    each = (time.perf_counter() - t0) / len(cases)
    print(f"add_working_time: {each * 1e6:.1f} µs per call (durations up to a year of working time), "
          f"baseline datetime+timedelta {base * 1e6:.2f} µs, ratio {each / base:.1f}; goal ≤ 1000 µs: "
          f"{'ok' if each <= 1e-3 else 'MISSED'}")

    # --- the SLA job over N running clocks -------------------------------------------------------
    from aftersales.core.models import AuditEvent
    from aftersales.notifications.models import Notification, OutboxMessage

    def clean_up():
        OutboxMessage.objects.filter(idempotency_key__startswith="sla:").delete()
        Notification.objects.filter(recipient__username__startswith="bench-sla").delete()
        AuditEvent.objects.filter(action="notifications.message.queued", actor=None).delete()
        SlaEscalation.objects.all().delete()
        SlaClock.objects.all().delete()

    n = args.clocks
    clean_up()
    ladder, _ = EscalationLadder.objects.get_or_create(code="bench", defaults={"name": "bench"})
    EscalationLevel.objects.get_or_create(ladder=ladder, fraction=0.5, defaults={"severity": "warning"})
    EscalationLevel.objects.get_or_create(ladder=ladder, fraction=1, defaults={"severity": "breach"})
    User = get_user_model()
    owners = [User.objects.get_or_create(username=f"bench-sla-{i}", defaults={"email": f"sla{i}@example.com"})[0]
              for i in range(200)]
    ct = ContentType.objects.get_for_model(User)
    calendar_id = clocks.WorkingCalendar.objects.get(code="head-office").pk
    # Clocks started at 480 different minutes of one working week, targets of 4, 8 or 16 working hours;
    # due times from the same code the service uses (start_clock), computed once per distinct start.
    monday = timezone.make_aware(dt.datetime(2025, 3, 3, 9, 0))
    starts = [monday + dt.timedelta(days=d, minutes=m) for d in range(4) for m in range(0, 120 * 4, 4)]
    plans = {}
    for start in starts:
        for hours in (4, 8, 16):
            plans[start, hours] = (add_working_time(calendar_id, start, dt.timedelta(hours=hours)),
                                   add_working_time(calendar_id, start, dt.timedelta(hours=hours / 2)))
    log(f"creating {n} running clocks …")
    rows = []
    for i in range(n):
        start, hours = starts[rng.randrange(len(starts))], (4, 8, 16)[i % 3]
        due, check = plans[start, hours]
        rows.append(SlaClock(content_type=ct, object_id=i + 10, name="resolve", calendar_id=calendar_id,
                             ladder=ladder, target_seconds=hours * 3600, started_at=start, segment_started_at=start,
                             due_at=due, next_check_at=check, owner=owners[i % len(owners)]))
    with transaction.atomic():
        SlaClock.objects.bulk_create(rows, batch_size=5000)
    first_check = min(check for _due, check in plans.values())
    last_check = max(check for _due, check in plans.values())
    t0 = time.perf_counter()
    assert clocks.escalate_due(now=first_check - dt.timedelta(minutes=1)) == 0
    idle = time.perf_counter() - t0
    t0 = time.perf_counter()
    with transaction.atomic():
        SlaClock.objects.filter(name="resolve").update(version=2)
    update_base = time.perf_counter() - t0
    all_due = last_check + dt.timedelta(minutes=1)
    t0 = time.perf_counter()
    evaluated = clocks.escalate_due(now=all_due)
    busy = time.perf_counter() - t0
    fired = SlaEscalation.objects.count()
    mails = OutboxMessage.objects.filter(idempotency_key__startswith="sla:").count()
    inbox = Notification.objects.filter(recipient__username__startswith="bench-sla").count()
    t0 = time.perf_counter()
    again = clocks.escalate_due(now=all_due)
    rerun = time.perf_counter() - t0
    further = SlaEscalation.objects.count() - fired
    further_mails = OutboxMessage.objects.filter(idempotency_key__startswith="sla:").count() - mails

    # The floor: only the bulk INSERTs the job cannot avoid (the escalation rows, the e-mails with
    # their audit events, the inbox lines), same row counts, in one transaction rolled back.
    escalations = list(SlaEscalation.objects.values_list("clock_id", "level_id", "severity"))
    level_of = dict(EscalationLevel.objects.filter(ladder=ladder).values_list("severity", "pk"))
    t0 = time.perf_counter()
    with transaction.atomic():
        SlaEscalation.objects.all().delete()
        start_inserts = time.perf_counter()
        SlaEscalation.objects.bulk_create([SlaEscalation(clock_id=c, level_id=level_of[s], severity=s, fired_at=all_due)
                                           for c, _lv, s in escalations], batch_size=1000)
        msgs = OutboxMessage.objects.bulk_create([OutboxMessage(
            channel="email", category="notification", to=f"floor{i}@example.com", subject="SLA", body="SLA",
            idempotency_key=f"floor:{i}", status="pending", next_attempt_at=all_due) for i in range(mails)],
            batch_size=1000)
        AuditEvent.objects.bulk_create([AuditEvent(action="notifications.message.queued", object_id=m.pk,
                                                   object_repr="SLA") for m in msgs], batch_size=1000)
        Notification.objects.bulk_create([Notification(recipient=owners[i % len(owners)], title="SLA", body="SLA")
                                          for i in range(inbox)], batch_size=1000)
        floor = time.perf_counter() - start_inserts
        transaction.set_rollback(True)

    print(f"SLA job, {n} running clocks, nothing due: {idle * 1000:.1f} ms")
    print(f"SLA job, {n} clocks crossing a level: {busy:.1f} s ({evaluated} evaluated, {fired} escalations, "
          f"{inbox} inbox lines, {mails} e-mails queued); goal ≤ 60 s: {'ok' if busy <= 60 else 'MISSED'}")
    print(f"  baseline plain UPDATE of the {n} rows {update_base:.2f} s (job ratio {busy / max(update_base, 1e-9):.1f}); "
          f"floor: bulk INSERT of the same escalations, e-mails, audit events and inbox lines {floor:.1f} s "
          f"(job ratio {busy / max(floor, 1e-9):.1f})")
    print(f"SLA job run again at the same moment: {rerun * 1000:.1f} ms, {again} evaluated, "
          f"{further} further escalations, {further_mails} further e-mails (never twice)")
    clean_up()


if __name__ == "__main__":
    main()
