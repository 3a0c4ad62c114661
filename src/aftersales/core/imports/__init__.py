"""Generic import/export jobs (R-CUS-7): each app registers importers; the kernel runs them as jobs."""

from datetime import timedelta

from aftersales.core.registry import PeriodicJob, register_periodic

register_periodic(PeriodicJob(
    name="core.imports.resume_stale",
    task_path="aftersales.core.imports.tasks.resume_stale_imports",
    every=timedelta(minutes=5),
    description="Run again import jobs whose worker stopped (heartbeat older than 10 minutes).",
))
