"""Runs periodic jobs: one row per (job, period) so a restart or a second scheduler never repeats one."""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicRun
from .registry import PeriodicJob, periodic_jobs

log = logging.getLogger("aftersales.scheduler")


def due_jobs(now: datetime.datetime) -> list[tuple[PeriodicJob, str]]:
    local = timezone.localtime(now)
    out = []
    for job in periodic_jobs():
        key = job.period_key(local)
        if key is not None:
            out.append((job, key))
    return out


def run_due(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job whose current period has no run yet; returns the names enqueued."""
    now = now or timezone.now()
    started = []
    for job, key in due_jobs(now):
        if PeriodicRun.objects.filter(job=job.name, period_key=key).exists():
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, period_key=key, enqueued_at=now)
                result = import_string(job.task_path).enqueue()
                run.task_result_id = str(getattr(result, "id", ""))
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            # Another scheduler claimed this period first.
            continue
        log.info("enqueued %s for period %s", job.name, key)
        started.append(job.name)
    return started


def run_forever(*, interval: float = 20.0, sleep=None, should_stop=lambda: False,
                max_loops: int | None = None, backoff=None) -> int:
    """The scheduler's loop: ``run_due()`` every ``interval`` seconds until ``should_stop()``.

    A database fault (unreachable, or SQLite locked past its busy timeout) is logged and backed off
    (1, 2, 4 … 60 s) instead of ending the process — before this, one outage stopped every
    periodic job until someone restarted the scheduler (ADR 0013).  A period missed during the
    outage is caught up on the next turn, because ``period_key`` stays the same for the whole
    period.  ``sleep`` and ``max_loops`` let tests drive it without waiting; returns the number of
    faults ridden out."""
    import time

    from .faults import DB_FAULTS, Backoff, drop_connections
    from .reaper import REAP_EVERY, reap_lost_tasks

    sleep = sleep or time.sleep
    backoff = backoff or Backoff()
    loops = faults = 0
    reaped_at = None
    while not should_stop():
        loops += 1
        if max_loops is not None and loops > max_loops:
            break
        try:
            close_old_connections()
            run_due()  # each enqueued run is logged by aftersales.scheduler
            if reaped_at is None or time.monotonic() - reaped_at >= REAP_EVERY:
                reap_lost_tasks()  # tasks whose worker died (core.reaper)
                reaped_at = time.monotonic()
        except DB_FAULTS as exc:
            faults += 1
            delay = backoff.next_delay()
            log.warning("scheduler: database fault (%s: %s); retrying in %.0f s", type(exc).__name__, exc, delay)
            drop_connections()
            sleep(delay)
            continue
        if backoff.failures:
            log.info("scheduler: database reachable again after %d faults", backoff.failures)
            backoff.reset()
        sleep(interval)
    return faults
