"""Runs periodic jobs: one row per (job, period) so a restart or a second scheduler never repeats one."""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
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
