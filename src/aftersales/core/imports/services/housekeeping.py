"""Cancelling an import and resuming jobs whose worker died (periodic), with a limit on attempts."""

from __future__ import annotations

import shutil
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from ...exceptions import TransitionNotAllowed
from .. import followups
from ..models import ImportJob
from .jobs import (
    MAX_ATTEMPTS,
    STALE_AFTER,
    _fail,
    _move,
    job_dir,
)


def import_cancel(*, actor, job: ImportJob) -> ImportJob:
    try:
        _move(job, "cancel", actor=actor, check_permission=actor is not None, finished_at=timezone.now())
    except TransitionNotAllowed:
        raise TransitionNotAllowed(_("Only an import that is not running can be cancelled.")) from None
    shutil.rmtree(job_dir(job) / "tmp", ignore_errors=True)
    return job


def resume_stale(*, older_than: timedelta = STALE_AFTER, enqueue: bool = True,
                 job_ids: list[int] | None = None) -> list[int]:
    """Jobs whose worker died (heartbeat too old while checking/importing) run again; after
    ``MAX_ATTEMPTS`` they fail with a message instead of looping.  ``job_ids``: only these (the
    task reaper, ``core.reaper``, knows which job's worker died and asks with ``older_than=0``)."""
    cutoff = timezone.now() - older_than
    resumed = []
    stale = ImportJob.objects.filter(status__in=ImportJob.ACTIVE, heartbeat_at__lte=cutoff).exclude(
        kind__startswith="export:")
    if job_ids is not None:
        stale = stale.filter(pk__in=job_ids)
    for job in stale:
        if job.attempts >= MAX_ATTEMPTS and job.phase == followups.PHASE:
            # The rows are in; only the follow-ups kept failing: done, with what to run by hand.
            _move(job, "done", phase="done", finished_at=timezone.now(), message=_(
                "The rows were imported, but the steps after the import (search index) failed %(n)d times; "
                "an administrator can run “aftersales repair_search_index”.") % {"n": job.attempts})
            continue
        if job.attempts >= MAX_ATTEMPTS:
            _fail(job, _("The job stopped %(n)d times and was given up; nothing was written. Upload the file again.")
                  % {"n": job.attempts})
            continue
        from ..tasks import apply_import, validate_import

        if job.status == ImportJob.Status.VALIDATING:
            _move(job, "restart", heartbeat_at=timezone.now())
            task = validate_import
        else:
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
            task = apply_import
        if enqueue:
            task.enqueue(job.pk)
        resumed.append(job.pk)
    return resumed
