"""What every stage of an import job shares: its working directory, its moves on the job machine
(``choices.IMPORT_JOB_MACHINE``), saving progress columns, the importer's permission check."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ...exceptions import PermissionDeniedError, TransitionNotAllowed
from ..choices import IMPORT_JOB_MACHINE
from ..models import ImportJob

log = logging.getLogger("aftersales.imports")

Progress = Callable[[ImportJob], None]
FIRST_ERRORS = 200
FIRST_MATCHES = 200  # rows shown in the dry run's "will update" preview
STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3
REPORT_HEADER = ("行号", "列", "值", "原因")


def job_dir(job: ImportJob) -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / f"job-{job.pk}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _rel(path: Path) -> str:
    return str(path.relative_to(Path(settings.MEDIA_ROOT)))


def _move(job: ImportJob, name: str, *, actor=None, check_permission: bool = False, **fields) -> None:
    """Fire the job machine's transition ``name`` (``choices.IMPORT_JOB_MACHINE``): locked, versioned,
    the state and ``fields`` written together; ``job`` is refreshed.  The worker's moves pass no actor."""
    IMPORT_JOB_MACHINE.fire(job, name, actor=actor, check_permission=check_permission, fields=fields,
                            note=str(fields.get("message", "")))


def _fail(job: ImportJob, message, **fields) -> None:
    """The job failed (from whatever running state it is in); a job already finished stays as it is."""
    try:
        _move(job, "fail", message=str(message), finished_at=timezone.now(), **fields)
    except TransitionNotAllowed:
        log.warning("import %s: not marked failed, it is already %s", job.pk, job.status)


def _save(job: ImportJob, **fields) -> None:
    """Update some columns now (outside any import transaction) and on the instance."""
    for k, v in fields.items():
        setattr(job, k, v)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _organisation_of(actor) -> int | None:
    profile = getattr(actor, "staff_profile", None) if actor is not None else None
    return getattr(profile, "organisation_id", None)


def _check_permission(actor, importer) -> None:
    if actor is not None and not actor.has_perm(importer.permission):
        raise PermissionDeniedError(_("You may not import %(kind)s.") % {"kind": importer.label})
