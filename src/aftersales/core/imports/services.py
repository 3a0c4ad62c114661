"""Import jobs (R-CUS-7, DESIGN.md rule 8): dry run first, per-row error report, then apply all
rows or only the valid ones in ONE transaction — never half an import.

Flow: ``import_start`` stores the upload and enqueues ``validate_import``; ``run_validation``
streams the file in chunks (memory bounded), lets the importer validate whole columns, writes the
error report (CSV: 行号, 列, 值, 原因) and the normalised valid rows (Arrow IPC files), counting as it
goes.  ``import_apply`` checks the request and enqueues ``apply_import``; ``run_apply`` hands the
valid rows to the importer inside one ``transaction.atomic()`` that also marks the job done,
writes one summary audit event and one personal-data access log entry.  A crash rolls the whole
apply back; importers upsert by natural key, so running apply again never duplicates.
``resume_stale`` (periodic) re-runs jobs whose heartbeat stopped.
"""

from __future__ import annotations

import csv
import logging
import shutil
import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.files.base import File
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import audit
from ..exceptions import NotFoundError, PermissionDeniedError, ServiceError, TransitionNotAllowed
from . import exports, followups, sql
from .choices import IMPORT_JOB_MACHINE
from .models import ImportJob
from .reading import (
    DEFAULT_CHUNK_ROWS,
    ERRORS,
    ROW,
    ImportFileError,
    check_archive,
    check_size,
    file_format,
    open_table,
)
from .registry import get_importer

log = logging.getLogger("aftersales.imports")

Progress = Callable[[ImportJob], None]
FIRST_ERRORS = 200
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


# ---------------------------------------------------------------------------------------------
# start
# ---------------------------------------------------------------------------------------------

def import_start(*, actor, kind: str, file, filename: str, dry_run: bool = True, mode: str = "",
                 enqueue: bool = True) -> ImportJob:
    """Store the upload and create the job; validation runs in the background (or inline when
    ``enqueue`` is False: the CLI calls :func:`run_validation` itself).

    ``dry_run=False`` with ``mode`` applies right after a successful check ("all" only when every
    row is valid).  Raises ``ServiceError`` for an unknown kind, a missing permission, a file that
    is too large or of the wrong type — before anything is stored.
    """
    importer = get_importer(kind)
    if importer is None:
        raise ServiceError(_("Unknown import type “%(kind)s”.") % {"kind": kind}, field="kind")
    _check_permission(actor, importer)
    try:
        file_format(filename)
        size = getattr(file, "size", None)
        if size is None:
            file.seek(0, 2)
            size = file.tell()
            file.seek(0)
        check_size(size)
        if file_format(filename) == "xlsx" and hasattr(file, "seek") and zipfile.is_zipfile(file):
            # A decompression bomb is refused at the upload, nothing stored (ADR 0017); a damaged
            # file is stored and reported by the check, as before.
            check_archive(file)
    except ImportFileError as exc:
        raise ServiceError(exc.message, field="file") from None
    if mode and mode not in ImportJob.Mode.values:
        raise ServiceError(_("Choose “all” or “valid rows only”."), field="mode")

    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind, created_by=actor if getattr(actor, "pk", None) else None,
            organisation_id=_organisation_of(actor), original_filename=Path(filename).name[:255],
            file_size=size, language=translation.get_language() or settings.LANGUAGE_CODE,
            options={"auto_apply": "" if dry_run else (mode or ImportJob.Mode.ALL)},
        )
        suffix = Path(filename).suffix.lower()
        job.file.save(f"job-{job.pk}-source{suffix}", File(file), save=False)
        ImportJob.objects.filter(pk=job.pk).update(file=job.file.name)
        if enqueue:
            from .tasks import validate_import

            transaction.on_commit(lambda: validate_import.enqueue(job.pk))
    return job


# ---------------------------------------------------------------------------------------------
# validation (dry run)
# ---------------------------------------------------------------------------------------------

def _formula_errors(df: pl.DataFrame, importer) -> pl.DataFrame:
    marks = [c for c in df.columns if c.startswith("__formula_")]
    if not marks:
        return df
    reason = _("Formula cells are not allowed; paste the values instead (Paste Special → Values).")
    extra = pl.concat_list(
        pl.when(pl.col(m)).then(pl.struct(column=pl.lit(m.removeprefix("__formula_")), value=pl.col(
            m.removeprefix("__formula_")).fill_null(""), reason=pl.lit(reason)))
        for m in marks
    ).list.drop_nulls()
    return df.with_columns(pl.concat_list(pl.col(ERRORS), extra).alias(ERRORS)).drop(marks)


# Decision (ADR 0009): imported text that a spreadsheet would run as a formula is refused, not
# stored: no customer, vehicle or part legitimately starts with "=" or "@", and a row refused with
# a reason is easier to fix than a value silently changed. "+" and "-" stay allowed (phones are
# "+86…", amounts may be negative); exports neutralise every trigger anyway.
FORMULA_TEXT_START = ("=", "@")


def _formula_text_errors(chunk: pl.DataFrame, importer) -> pl.DataFrame | None:
    """Per row of the raw chunk, the errors for text cells that start like a formula, or None."""
    names = [c.name for c in importer.columns if c.name in chunk.columns]
    reason = _("Text may not start with “=” or “@”: a spreadsheet would run it as a formula.")
    hits = [pl.col(n).str.strip_chars_start().str.starts_with(s).fill_null(False) for n in names
            for s in FORMULA_TEXT_START]
    if not names or not chunk.select(pl.any_horizontal(hits).any()).item():
        return None
    structs = [pl.when(pl.any_horizontal(pl.col(n).str.strip_chars_start().str.starts_with(s).fill_null(False)
                                         for s in FORMULA_TEXT_START))
               .then(pl.struct(column=pl.lit(n), value=pl.col(n), reason=pl.lit(reason))) for n in names]
    return chunk.select(pl.col(ROW), pl.concat_list(structs).list.drop_nulls().alias("__formula_text"))


def _with_formula_text_errors(checked: pl.DataFrame, found: pl.DataFrame | None) -> pl.DataFrame:
    if found is None:
        return checked
    joined = checked.join(found, on=ROW, how="left")
    return joined.with_columns(
        pl.concat_list(pl.col(ERRORS), pl.col("__formula_text").fill_null([])).alias(ERRORS)).drop("__formula_text")


def run_validation(job_id: int, *, progress: Progress | None = None) -> ImportJob:
    """Validate every row of the job's file; idempotent (a re-run starts the check again)."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING):
        return job
    importer = get_importer(job.kind)
    now = timezone.now()
    _move(job, "validate", phase="validate", started_at=now, heartbeat_at=now,
          attempts=job.attempts + 1, rows_processed=0, total_rows=0, valid_rows=0, error_rows=0,
          error_count=0, message="")
    workdir = job_dir(job)
    for old in workdir.glob("valid-*.arrow"):
        old.unlink()
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _validate(job, importer, workdir, progress)
    except ImportFileError as exc:
        _fail(job, exc.message)
    except Exception as exc:  # the job reports instead of crashing the worker
        log.exception("import %s: validation crashed", job.pk)
        _fail(job, _("The check stopped because of an internal error (%(error)s). Nothing was imported.")
              % {"error": type(exc).__name__})
    if progress:
        progress(job)
    auto = (job.options or {}).get("auto_apply")
    if job.status == ImportJob.Status.VALIDATED and auto:
        if auto == ImportJob.Mode.ALL and job.error_rows:
            return job
        try:
            import_apply(actor=job.created_by, job=job, mode=auto, enqueue=False, check_permission=False)
        except ServiceError as exc:
            _save(job, message=str(exc.message))
            return job
        return run_apply(job.pk, progress=progress)
    return job


def _validate(job: ImportJob, importer, workdir: Path, progress: Progress | None) -> None:
    reader = open_table(Path(job.file.path), job.original_filename, importer.columns, workdir=workdir,
                        chunk_rows=int(getattr(settings, "AFTERSALES_IMPORT_CHUNK_ROWS", DEFAULT_CHUNK_ROWS)))
    _save(job, encoding=reader.encoding, total_rows=reader.estimated_rows)
    headers = {c.name: c.header for c in importer.columns}
    ctx = importer.prepare(job)
    report_path = workdir / "errors.csv"
    first_errors: list[dict] = []
    processed = valid = error_rows = error_count = 0
    with open(report_path, "w", encoding="utf-8-sig", newline="") as report:
        writer = csv.writer(report)
        writer.writerow(REPORT_HEADER)
        for n, chunk in enumerate(reader.chunks()):
            formula_text = _formula_text_errors(chunk, importer)
            checked = importer.validate(chunk, ctx)
            checked = _formula_errors(checked, importer)
            checked = _with_formula_text_errors(checked, formula_text)
            bad_mask = checked[ERRORS].list.len() > 0
            good = checked.filter(~bad_mask).drop(ERRORS)
            if good.height:
                good.write_ipc(workdir / f"valid-{n:05d}.arrow")
            errs = (checked.filter(bad_mask).select(ROW, ERRORS).explode(ERRORS).unnest(ERRORS)
                    .with_columns(pl.col("column").replace_strict(headers, default=pl.col("column")))
                    .sort(ROW, maintain_order=True))
            for row in errs.iter_rows():
                writer.writerow([exports.csv_text(v) for v in row])  # the value column is the user's text
                if len(first_errors) < FIRST_ERRORS:
                    first_errors.append({"row": row[0], "column": row[1], "value": row[2], "reason": row[3]})
            processed += checked.height
            valid += good.height
            error_rows += checked.height - good.height
            error_count += errs.height
            _save(job, rows_processed=processed, valid_rows=valid, error_rows=error_rows, error_count=error_count,
                  total_rows=max(job.total_rows, processed), heartbeat_at=timezone.now())
            if progress:
                progress(job)
    if processed == 0:
        raise ImportFileError(_("The file has headers but no data rows."))
    result = dict(job.result or {}, first_errors=first_errors)
    _move(job, "validated", total_rows=processed, error_report=_rel(report_path),
          result=result, phase="validated", heartbeat_at=timezone.now())


# ---------------------------------------------------------------------------------------------
# apply
# ---------------------------------------------------------------------------------------------

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
            from .tasks import apply_import

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


# ---------------------------------------------------------------------------------------------
# housekeeping
# ---------------------------------------------------------------------------------------------

def import_cancel(*, actor, job: ImportJob) -> ImportJob:
    try:
        _move(job, "cancel", actor=actor, check_permission=actor is not None, finished_at=timezone.now())
    except TransitionNotAllowed:
        raise TransitionNotAllowed(_("Only an import that is not running can be cancelled.")) from None
    shutil.rmtree(job_dir(job) / "tmp", ignore_errors=True)
    return job


def resume_stale(*, older_than: timedelta = STALE_AFTER, enqueue: bool = True) -> list[int]:
    """Jobs whose worker died (heartbeat too old while checking/importing) run again; after
    ``MAX_ATTEMPTS`` they fail with a message instead of looping."""
    cutoff = timezone.now() - older_than
    resumed = []
    stale = ImportJob.objects.filter(status__in=ImportJob.ACTIVE, heartbeat_at__lt=cutoff).exclude(
        kind__startswith="export:")
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
        from .tasks import apply_import, validate_import

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


# ---------------------------------------------------------------------------------------------
# downloads of a job's files (ADR 0010)
# ---------------------------------------------------------------------------------------------

def import_file_download(*, actor, job: ImportJob, which: str, ip_address=None):
    """The error report (``which="errors"``) or the output file (``"output"``) of an import, for
    a user who may see the job; both hold the uploader's personal data, so each download is
    logged like any other view of it (R-SYS-2). Returns the ``FieldFile``; exports have their own
    rule (``exports.export_download``: only the requester)."""
    field = {"output": job.output_file, "errors": job.error_report}.get(which)
    if job.is_export or not field:
        raise NotFoundError(_("This file is not available (any more)."))
    reason = (_("Downloaded the error report of import %(name)s") if which == "errors"
              else _("Downloaded the result file of import %(name)s")) % {"name": job.original_filename}
    with transaction.atomic():
        audit.log_personal_data_access(actor=actor, action="view", obj=job, row_count=job.total_rows,
                                       ip_address=ip_address, reason=reason[:300])
    return field
