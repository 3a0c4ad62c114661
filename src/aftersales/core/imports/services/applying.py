"""Applying a checked import in ONE transaction (DESIGN.md rule 8): never half an import.  The
request claims the job (a double click applies once); the run writes the valid rows, one summary
audit event and one personal-data access log entry, with progress on a second connection on
PostgreSQL; follow-ups (the search index) run after the commit, durably."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ... import audit
from ...exceptions import ServiceError, TransitionNotAllowed
from .. import followups, sql
from ..models import ImportJob
from ..registry import get_importer
from .jobs import (
    Progress,
    _check_permission,
    _fail,
    _move,
    _save,
    job_dir,
    log,
)


def import_apply(*, actor, job: ImportJob, mode: str = ImportJob.Mode.ALL, enqueue: bool = True,
                 check_permission: bool = True) -> ImportJob:
    """Ask for the checked rows to be written: "all" only when no row has errors, "valid_only" to
    skip the bad rows.  Claims the job (checked → importing) so a double click applies once."""
    importer = get_importer(job.kind)
    if check_permission:
        _check_permission(actor, importer)
    if mode not in ImportJob.Mode.values:
        raise ServiceError(_("Choose “all” or “valid rows only”."), field="mode")
    job.refresh_from_db()
    if job.status != ImportJob.Status.VALIDATED:
        raise TransitionNotAllowed(_("This import cannot be applied now (status: %(status)s).")
                                   % {"status": job.get_status_display()})
    if mode == ImportJob.Mode.ALL and job.error_rows:
        raise ServiceError(
            _("%(count)d rows have errors, so “import all” is not possible. Correct the file and upload it "
              "again, or import only the %(valid)d valid rows.") % {"count": job.error_rows, "valid": job.valid_rows},
            code="has_errors")
    if not job.valid_rows:
        raise ServiceError(_("There are no valid rows to import."), code="no_valid_rows")
    _check_sqlite_size(job, mode)
    with transaction.atomic():
        try:
            _move(job, "apply", actor=actor, check_permission=check_permission, mode=mode, phase="apply",
                  rows_processed=0, heartbeat_at=timezone.now(), attempts=0)
        except TransitionNotAllowed:
            raise TransitionNotAllowed(_("This import is already being applied.")) from None
        if enqueue:
            from ..tasks import apply_import

            transaction.on_commit(lambda: apply_import.enqueue(job.pk))
    job.refresh_from_db()
    return job


def _check_sqlite_size(job: ImportJob, mode: str) -> None:
    """On SQLite the apply holds the one write lock for its whole transaction; above
    ``AFTERSALES_SQLITE_IMPORT_MAX_ROWS`` rows that would lock logins and every other write out
    for longer than the 30 s busy timeout (figures: bench/sqlite_import_lock.py, README), so the
    import is refused with what to do instead.  0 = no limit; PostgreSQL has none."""
    limit = int(getattr(settings, "AFTERSALES_SQLITE_IMPORT_MAX_ROWS", 0) or 0)
    rows = job.valid_rows if mode == ImportJob.Mode.VALID_ONLY else job.total_rows
    if limit and connection.vendor == "sqlite" and rows > limit:
        raise ServiceError(
            _("This file has %(rows)s rows to import; the embedded SQLite database takes at most %(limit)s at a "
              "time, because a larger import would lock everybody else out (logins included) while it runs. "
              "Split the file into parts of at most %(limit)s rows, or run the platform on PostgreSQL "
              "(AFTERSALES_DATABASE_URL) for large imports.") % {"rows": f"{rows:,}", "limit": f"{limit:,}"},
            code="too_large_for_sqlite")


def valid_frames(job: ImportJob) -> Iterator[pl.DataFrame]:
    for path in sorted(job_dir(job).glob("valid-*.arrow")):
        yield pl.read_ipc(path)


class _ProgressChannel:
    """Progress of a running apply, visible to the page while the import transaction is open.

    On PostgreSQL a second connection (autocommit) writes the counter; on SQLite a second writer
    would wait for the import's lock, so progress is only shown at the end there."""

    def __init__(self, job: ImportJob, progress: Progress | None):
        self.job, self.progress, self.conn = job, progress, None
        if connection.vendor == "postgresql":
            try:
                self.conn = connections.create_connection("default")
                with self.conn.cursor() as cur:  # never let progress wait on a lock for long
                    cur.execute("SET lock_timeout = '2s'")
            except Exception:  # progress is a nicety; never fail the import for it
                self.conn = None

    def __call__(self, rows_done: int) -> None:
        self.job.rows_processed = rows_done
        self.job.heartbeat_at = timezone.now()
        if self.conn is not None:
            try:
                with self.conn.cursor() as cur:
                    cur.execute(f"UPDATE {ImportJob._meta.db_table} SET rows_processed = %s, heartbeat_at = %s "  # noqa: S608
                                "WHERE id = %s", [rows_done, self.job.heartbeat_at, self.job.pk])
            except Exception:  # progress is a nicety; never fail the import for it
                log.warning("import %s: progress not recorded", self.job.pk, exc_info=True)
        if self.progress:
            self.progress(self.job)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


_APPLY_LOCK_CLASS = 0x1A7B  # the advisory-lock namespace of import applies (PostgreSQL)


def _exclusive_apply(job: ImportJob) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_APPLY_LOCK_CLASS, job.pk])
    else:  # SQLite's IMMEDIATE transaction already serialises writers; other engines lock the row
        ImportJob.objects.select_for_update().filter(pk=job.pk).exists()


def run_apply(job_id: int, *, progress: Progress | None = None) -> ImportJob:
    """Write the valid rows in ONE transaction; idempotent (a done job is left alone, a crashed
    one was rolled back and simply runs again; importers upsert by natural key)."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.APPLYING:
        return job
    if job.phase == followups.PHASE:  # the rows committed; a worker died in the follow-ups (ADR 0013)
        _save(job, attempts=job.attempts + 1, heartbeat_at=timezone.now())
        return _finish(job, progress)
    importer = get_importer(job.kind)
    _save(job, attempts=job.attempts + 1, heartbeat_at=timezone.now(), rows_processed=0)
    channel = _ProgressChannel(job, progress)
    pending: list[str] = []
    try:
        with (followups.collecting() as pending, translation.override(job.language or settings.LANGUAGE_CODE),
              transaction.atomic()):
            # Two workers running the same task: the second waits here, then finds the job done.
            # On PostgreSQL an advisory lock, not the job's row lock: the progress channel updates
            # that row from its own connection while this transaction runs, and a row lock held
            # here made it wait for the end of the import — a deadlock between the two.
            _exclusive_apply(job)
            if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.APPLYING).exists():
                return job
            job.refresh_from_db(fields=["result"])
            result = importer.apply(job, valid_frames(job), mode=job.mode, connection=connection, progress=channel)
            written_models = getattr(importer, "written_models", ())
            if written_models:  # fresh rows need fresh planner statistics, after commit (issue 8.7)
                transaction.on_commit(lambda: sql.refresh_statistics(connection, written_models))
            written = int(result.get("created", 0)) + int(result.get("updated", 0))
            audit.record(actor=job.created_by, action=f"imports.{job.kind}.applied", obj=job,
                         organisation_id=job.organisation_id,
                         note=_("Imported %(rows)d rows of %(file)s (%(mode)s); %(errors)d rows with errors skipped.")
                         % {"rows": written, "file": job.original_filename, "mode": job.get_mode_display(),
                            "errors": job.error_rows if job.mode == ImportJob.Mode.VALID_ONLY else 0},
                         changes={"result": [None, result]})
            audit.log_personal_data_access(
                actor=job.created_by, action="import", obj=job, row_count=written,
                fields=[c.name for c in importer.columns],
                reason=_("Import of %(kind)s from %(file)s") % {"kind": importer.label, "file": job.original_filename})
            now = timezone.now()
            full = dict(job.result or {}, **result)
            if pending:
                # Durable: the follow-ups are written with the rows; the job is done only after them.
                _save(job, phase=followups.PHASE, result=dict(full, followups=list(pending)),
                      rows_processed=job.valid_rows, heartbeat_at=now)
            else:
                _move(job, "done", phase="done", result=full, rows_processed=job.valid_rows, finished_at=now,
                      heartbeat_at=now, message="")
    except Exception as exc:
        log.exception("import %s: apply failed", job.pk)
        message = str(getattr(exc, "message", "")) or _(
            "The import stopped because of an error (%(error)s); nothing was written.") % {"error": type(exc).__name__}
        _fail(job, message)
    finally:
        channel.close()
    job.refresh_from_db()
    if job.status == ImportJob.Status.APPLYING and job.phase == followups.PHASE:
        return _finish(job, progress)
    if progress:
        progress(job)
    return job


def _finish(job: ImportJob, progress: Progress | None) -> ImportJob:
    """Run the job's follow-ups (e.g. the search-index rebuild) and mark it done, atomically."""
    def complete():
        now = timezone.now()
        _move(job, "done", phase="done", finished_at=now, heartbeat_at=now, message="")

    followups.finish(job, complete)
    job.refresh_from_db()
    if progress:
        progress(job)
    return job
