"""Exports of any filtered list to CSV (UTF-8 with BOM, so Excel shows Chinese) or .xlsx
(openpyxl write-only), streamed row by row from ``.iterator()`` so memory stays flat.

The app's exporter gives the queryset (its selector + FilterSet from the request's GET
parameters) and the columns, already masked for the user through the same masking helpers the
pages use.  Every export is logged in the personal-data access log with its row count; so is every
download of an export file (only the user who asked for the export may download it).

Above the exporter's approval threshold a user without the approval permission asks for an
approval instead (``core.imports.approvals``: an ``ExportRequest``); once a manager approves, the
export runs as a job with ``approved_rows`` and is re-counted: if the filter now gives more than
``APPROVAL_TOLERANCE_PERCENT`` % more rows than were approved, the job refuses (a new request is
needed), so an approval can never cover a much bigger export than the manager saw.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import audit
from ..exceptions import NotFoundError, PermissionDeniedError, ServiceError, TransitionNotAllowed
from .choices import IMPORT_JOB_MACHINE
from .models import ImportJob
from .registry import Exporter, get_exporter

FORMATS = ("csv", "xlsx")
# Exports up to this many rows stream straight to the browser; larger ones run as a job.
INLINE_EXPORT_ROWS = 5000
# An approved export may grow by at most this much (new rows matching the filter) before it runs.
APPROVAL_TOLERANCE_PERCENT = 10


def filtered_queryset(selector, filterset_class, user, params: dict):
    """The rows a list page shows for ``params``: the app's selector (scoped) narrowed by its FilterSet."""
    from types import SimpleNamespace

    qs = selector(user=user)
    fs = filterset_class(params or None, queryset=qs, request=SimpleNamespace(user=user))
    if fs.is_bound:
        if not fs.is_valid():
            raise ServiceError(_("The filter is not valid: %(errors)s") % {"errors": fs.errors.as_text()})
        qs = fs.qs
    return qs


def _exporter(kind: str) -> Exporter:
    exporter = get_exporter(kind)
    if exporter is None:
        raise ServiceError(_("Unknown export type “%(kind)s”.") % {"kind": kind})
    return exporter


def export_count(*, actor, kind: str, params: dict, fmt: str = "csv"):
    """(exporter, queryset, row count) after the format and permission checks, before the approval check."""
    if fmt not in FORMATS:
        raise ServiceError(_("Choose CSV or Excel (.xlsx)."), field="format")
    exporter = _exporter(kind)
    if actor is None or not actor.has_perm(exporter.permission):
        raise PermissionDeniedError(_("You may not export %(kind)s.") % {"kind": exporter.label})
    qs = exporter.queryset(actor, params)
    return exporter, qs, qs.count()


def needs_approval(exporter: Exporter, actor, count: int) -> bool:
    """More rows than the exporter's threshold, and the user may not approve such exports."""
    limit = exporter.approval_threshold
    return limit is not None and count > limit and not actor.has_perm(exporter.approval_permission)


def within_approval(count: int, approved_rows: int) -> bool:
    """At most ``APPROVAL_TOLERANCE_PERCENT`` % more rows than were approved."""
    return count * 100 <= approved_rows * (100 + APPROVAL_TOLERANCE_PERCENT)


def export_prepare(*, actor, kind: str, params: dict, fmt: str = "csv", approved_rows: int | None = None):
    """(exporter, queryset, row count) after the permission and approval checks.

    ``approved_rows``: the row count of an approved export request; the export may then exceed the
    threshold, but not the approved count by more than ``APPROVAL_TOLERANCE_PERCENT`` %.
    """
    exporter, qs, count = export_count(actor=actor, kind=kind, params=params, fmt=fmt)
    if approved_rows is not None:
        if not within_approval(count, approved_rows):
            raise ServiceError(
                _("The filter now gives %(count)d rows, more than %(pct)d%% above the %(approved)d rows that were "
                  "approved. Ask for a new approval.")
                % {"count": count, "pct": APPROVAL_TOLERANCE_PERCENT, "approved": approved_rows},
                code="approval_exceeded")
    elif needs_approval(exporter, actor, count):
        raise ServiceError(
            _("This export has %(count)d rows. Exports of more than %(limit)d %(kind)s need a manager's approval: "
              "narrow the filter, or ask for an approval.")
            % {"count": count, "limit": exporter.approval_threshold, "kind": exporter.label}, code="approval_required")
    return exporter, qs, count


def rows_for(exporter: Exporter, actor, qs) -> tuple[list[str], Iterator[list]]:
    columns = exporter.columns(actor)
    headers = [str(h) for h, _getter in columns]

    getters = [getter for _h, getter in columns]
    source = qs.values(*exporter.values).iterator(chunk_size=5000) if exporter.values else qs.iterator(chunk_size=2000)

    def gen():
        for obj in source:
            yield [_cell(getter(obj)) for getter in getters]

    return headers, gen()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


class _Echo:
    def write(self, value):
        return value


def csv_stream(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """CSV bytes with a UTF-8 BOM so Excel opens Chinese text correctly; every text cell is
    neutralised against formula injection (R-SYS-2, see :func:`csv_text`)."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow([csv_text(h) for h in headers])).encode("utf-8")
    for row in rows:
        yield writer.writerow([csv_text(v) for v in row]).encode("utf-8")


# A spreadsheet evaluates a CSV cell that starts with one of these, whatever follows: "=1+1",
# "+86 138…" and "-2" are all formulas to Excel, "@SUM(…)" is Lotus syntax, and a leading tab or
# carriage return is skipped before the check (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """A CSV cell that no spreadsheet evaluates: text starting with a formula trigger is prefixed
    with an apostrophe, which Excel and WPS hide and treat as "this is text". Numbers stay numbers
    (a negative Decimal is not text and cannot carry a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def xlsx_cells(ws, row: Iterable) -> list:
    """One row for an openpyxl sheet in which every string is a text cell: openpyxl would store a
    string starting with "=" as a formula, so its type is forced to string and the value is kept
    exactly as it is (in .xlsx a text cell is never evaluated, unlike CSV)."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in row:
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def write_file(path: Path, fmt: str, headers: list[str], rows: Iterable[list],
               progress: Callable[[int], None] | None = None) -> int:
    count = 0
    if fmt == "csv":
        with open(path, "wb") as fh:
            for count, chunk in enumerate(csv_stream(headers, rows)):
                fh.write(chunk)
                if progress and count % 5000 == 0:
                    progress(count)
        return count
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="data")
    ws.append(xlsx_cells(ws, headers))
    for count, row in enumerate(rows, start=1):
        ws.append(xlsx_cells(ws, row))
        if progress and count % 5000 == 0:
            progress(count)
    wb.save(path)
    return count


def log_export(*, actor, exporter: Exporter, count: int, params: dict, fmt: str, obj=None, why: str = "") -> None:
    reason = (_("Export of %(kind)s (%(format)s) with filter %(filter)s")
              % {"kind": exporter.label, "format": fmt, "filter": params or "—"})
    if why:
        reason = f"{reason}; {why}"
    audit.log_personal_data_access(
        actor=actor, action="export", obj=obj, row_count=count,
        fields=[str(h) for h, _g in exporter.columns(actor)], reason=reason[:300])


def export_download(*, actor, job: ImportJob, obj=None, ip_address=None):
    """Open a finished export job's file for its owner, logging the download (PIPL); the caller
    streams the returned file object."""
    if not job.is_export or job.status != ImportJob.Status.DONE or not job.output_file:
        raise NotFoundError(_("This file is not available (any more)."))
    if actor is None or job.created_by_id != actor.pk:
        raise PermissionDeniedError(_("Only the person who asked for the export may download the file."))
    exporter = get_exporter(job.kind.removeprefix("export:"))
    with transaction.atomic():
        audit.log_personal_data_access(
            actor=actor, action="export", obj=obj or job, row_count=job.total_rows, ip_address=ip_address,
            fields=[str(h) for h, _g in exporter.columns(actor)] if exporter else [],
            reason=(_("Downloaded the export file %(name)s") % {"name": job.original_filename})[:300])
    return job.output_file.open("rb")


def export_to_path(*, actor, kind: str, params: dict, fmt: str, path: Path,
                   progress: Callable[[int], None] | None = None) -> int:
    """Synchronous export (CLI, job): checks, writes the file, logs; returns the row count."""
    exporter, qs, _count = export_prepare(actor=actor, kind=kind, params=params, fmt=fmt)
    headers, rows = rows_for(exporter, actor, qs)
    written = write_file(path, fmt, headers, rows, progress)
    with transaction.atomic():
        log_export(actor=actor, exporter=exporter, count=written, params=params, fmt=fmt)
    return written


def export_start(*, actor, kind: str, params: dict, fmt: str = "csv", enqueue: bool = True) -> ImportJob:
    """A large export as a job (kind ``export:<kind>``) producing a file to download."""
    export_prepare(actor=actor, kind=kind, params=params, fmt=fmt)
    return create_export_job(owner=actor, kind=kind, params=params, fmt=fmt, enqueue=enqueue)


def create_export_job(*, owner, kind: str, params: dict, fmt: str, options: dict | None = None,
                      organisation_id: int | None = None, language: str = "", enqueue: bool = True) -> ImportJob:
    """The job row (run as ``owner``: their permissions and masking) and, after commit, its task."""
    with transaction.atomic():
        if organisation_id is None:
            organisation_id = getattr(getattr(owner, "staff_profile", None), "organisation_id", None)
        job = ImportJob.objects.create(
            kind=f"export:{kind}", created_by=owner, organisation_id=organisation_id,
            options={"params": params, "format": fmt, **(options or {})},
            language=language or translation.get_language() or settings.LANGUAGE_CODE,
            original_filename=f"{kind}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}")
        if enqueue:
            from .tasks import run_export

            transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job


def run_export_job(job_id: int) -> ImportJob:
    job = ImportJob.objects.unscoped(reason="the worker runs a job by its id; no user is asking").get(pk=job_id)
    if job.status in (ImportJob.Status.UPLOADED, ImportJob.Status.APPLYING):
        _run_export(job)
        job.refresh_from_db()
    if job.options.get("export_request"):
        # Idempotent: moves the request on only while it is still "approved".
        from .approvals import export_request_job_finished

        export_request_job_finished(job=job)
    return job


def _run_export(job: ImportJob) -> None:
    kind = job.kind.removeprefix("export:")
    fmt = job.options.get("format", "csv")
    params = job.options.get("params", {})
    approved_rows = job.options.get("approved_rows")
    now = timezone.now()
    IMPORT_JOB_MACHINE.fire(job, "export", actor=None, fields={"phase": "export", "started_at": now,
                                                              "heartbeat_at": now, "attempts": job.attempts + 1})
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            exporter, qs, count = export_prepare(actor=job.created_by, kind=kind, params=params, fmt=fmt,
                                                 approved_rows=approved_rows)
            ImportJob.objects.filter(pk=job.pk).update(total_rows=count)
            headers, rows = rows_for(exporter, job.created_by, qs)
            buffer_path = Path(settings.MEDIA_ROOT) / "exports"
            buffer_path.mkdir(parents=True, exist_ok=True)
            target = buffer_path / f"job-{job.pk}.{fmt}"

            def progress(n):
                ImportJob.objects.filter(pk=job.pk).update(rows_processed=n, heartbeat_at=timezone.now())

            written = write_file(target, fmt, headers, rows, progress)
            why, obj = "", job
            if job.options.get("export_request"):
                from .models import ExportRequest

                obj = ExportRequest.objects.unscoped(reason="the worker runs a job by its id; no user is asking").select_related("decided_by").filter(
                    pk=job.options["export_request"]).first() or job
                if obj is not job:
                    why = (_("request #%(id)s approved by %(manager)s: %(reason)s")
                           % {"id": obj.pk, "manager": obj.decided_by or "—", "reason": obj.reason})
            with transaction.atomic():
                log_export(actor=job.created_by, exporter=exporter, count=written, params=params, fmt=fmt, obj=obj,
                           why=why)
                IMPORT_JOB_MACHINE.fire(job, "done", actor=None, fields={
                    "output_file": str(target.relative_to(Path(settings.MEDIA_ROOT))), "rows_processed": written,
                    "total_rows": written, "valid_rows": written, "finished_at": timezone.now(),
                    "result": {"rows": written}})
    except ServiceError as exc:
        _export_failed(job, str(exc.message))
    except Exception as exc:
        _export_failed(job, _("The export stopped because of an internal error (%(error)s).")
                       % {"error": type(exc).__name__})


def _export_failed(job: ImportJob, message: str) -> None:
    with contextlib.suppress(TransitionNotAllowed):  # finished meanwhile: leave it
        IMPORT_JOB_MACHINE.fire(job, "fail", actor=None, note=message,
                                fields={"message": message, "finished_at": timezone.now()})


def csv_bytes(headers: list[str], rows: Iterable[list]) -> bytes:
    out = io.BytesIO()
    for chunk in csv_stream(headers, rows):
        out.write(chunk)
    return out.getvalue()



