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
    n = args.clocks
    SlaEscalation.objects.all().delete()
    SlaClock.objects.all().delete()
    ladder, _ = EscalationLadder.objects.get_or_create(code="bench", defaults={"name": "bench"})
    EscalationLevel.objects.get_or_create(ladder=ladder, fraction=0.5, defaults={"severity": "warning"})
    EscalationLevel.objects.get_or_create(ladder=ladder, fraction=1, defaults={"severity": "breach"})
    user, _ = get_user_model().objects.get_or_create(username="bench-sla")
    ct = ContentType.objects.get_for_model(user)
    started = timezone.make_aware(dt.datetime(2025, 3, 3, 9, 0))
    template = clocks.start_clock(obj=user, name="template", calendar="head-office", target=dt.timedelta(hours=8),
                                  ladder=ladder, at=started)
    log(f"creating {n} running clocks …")
    rows = [SlaClock(content_type=ct, object_id=i + 10, name="resolve", calendar_id=template.calendar_id,
                     ladder=ladder, target_seconds=8 * 3600, started_at=started, segment_started_at=started,
                     due_at=template.due_at, next_check_at=template.next_check_at) for i in range(n)]
    with transaction.atomic():
        SlaClock.objects.bulk_create(rows, batch_size=5000)
    nothing_due = started + dt.timedelta(minutes=30)
    t0 = time.perf_counter()
    assert clocks.escalate_due(now=nothing_due) == 0
    idle = time.perf_counter() - t0
    t0 = time.perf_counter()
    with transaction.atomic():
        SlaClock.objects.filter(name="resolve").update(version=2)
    update_base = time.perf_counter() - t0
    all_due = template.next_check_at + dt.timedelta(minutes=1)
    t0 = time.perf_counter()
    evaluated = clocks.escalate_due(now=all_due)
    busy = time.perf_counter() - t0
    fired = SlaEscalation.objects.count()
    t0 = time.perf_counter()
    again = clocks.escalate_due(now=all_due)
    rerun = time.perf_counter() - t0
    print(f"SLA job, {n} running clocks, nothing due: {idle * 1000:.1f} ms")
    print(f"SLA job, {n} clocks crossing a level: {busy:.1f} s ({evaluated} evaluated, {fired} escalations), "
          f"baseline plain UPDATE of the rows {update_base:.2f} s, ratio {busy / max(update_base, 1e-9):.1f}; "
          f"goal ≤ 60 s: {'ok' if busy <= 60 else 'MISSED'}")
    print(f"SLA job run again at the same moment: {rerun * 1000:.1f} ms, {again} evaluated, "
          f"{SlaEscalation.objects.count() - fired} further escalations (never twice)")
    SlaEscalation.objects.all().delete()
    SlaClock.objects.all().delete()


if __name__ == "__main__":
    main()
