"""Generic import/export jobs (R-CUS-7): each app registers importers; the kernel runs them as jobs."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from aftersales.core.registry import PeriodicJob, register_job_labels, register_periodic, register_work_items

register_job_labels({
    "aftersales.core.imports.tasks.validate_import": _("Check an import (dry run)"),
    "aftersales.core.imports.tasks.apply_import": _("Apply an import"),
    "aftersales.core.imports.tasks.run_export": _("Export to Excel"),
    "aftersales.core.imports.tasks.resume_stale_imports": _("Resume interrupted imports"),
    "aftersales.core.imports.approvals.export_requests_housekeeping": _("Tidy export requests and old export files"),
})

register_periodic(PeriodicJob(
    name="core.imports.resume_stale",
    task_path="aftersales.core.imports.tasks.resume_stale_imports",
    every=timedelta(minutes=5),
    description="Run again import jobs whose worker stopped (heartbeat older than 10 minutes).",
))

register_periodic(PeriodicJob(
    name="core.imports.export_requests",
    task_path="aftersales.core.imports.approvals.export_requests_housekeeping",
    every=timedelta(hours=1),
    description="Expire undecided export requests and old export files; settle requests whose export job ended.",
))


def _resume_lost_import(task_result) -> None:
    """A "check" or "import" task whose worker died (core.reaper): the job resumes — or fails with
    its translated reason after ``MAX_ATTEMPTS`` — through the import kernel, at once."""
    from .services import resume_stale

    args = (task_result.args_kwargs or {}).get("args") or []
    if args:
        resume_stale(older_than=timedelta(0), job_ids=[int(args[0])])


def _register_lost_task_handlers():
    from aftersales.core.reaper import register_lost_task_handler

    for name in ("validate_import", "apply_import"):
        register_lost_task_handler(f"aftersales.core.imports.tasks.{name}", _resume_lost_import)


_register_lost_task_handlers()


def _export_request_work_items(user):
    # Imported when asked: this package is loaded while the core models are (no audit imports yet).
    from .approval_selectors import export_request_work_items

    return export_request_work_items(user)


register_work_items(_export_request_work_items)


def _checked_imports_work_items(user):
    """The user's own imports whose dry run is done and that wait for them to apply (issue 8 item 13)."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from aftersales.core.registry import WorkItem

    from .choices import ImportJobStatus
    from .models import ImportJob

    if not getattr(user, "is_authenticated", False):
        return []
    count = ImportJob.objects.restrict(user).filter(created_by=user, status=ImportJobStatus.VALIDATED).count()
    return [WorkItem("core.imports.checked", gettext("Imports checked, waiting for you to apply"), count,
                     reverse("imports:list"), severity="warning",
                     hint=gettext("Open the dry run's result and apply the import, or discard it."))]


register_work_items(_checked_imports_work_items)
