"""Exports of any filtered list to CSV (UTF-8 with BOM, so Excel shows Chinese) or .xlsx
(openpyxl write-only), streamed row by row from ``.iterator()`` so memory stays flat.

The app's exporter gives the queryset (its selector + FilterSet from the request's GET
parameters) and the columns, already masked for the user through the same masking helpers the
pages use.  Every export is logged in the personal-data access log with its row count; above the
exporter's approval threshold only users with the approval permission may export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import audit
from ..exceptions import ServiceError
from .models import ImportJob
from .registry import Exporter, get_exporter

FORMATS = ("csv", "xlsx")
# Exports up to this many rows stream straight to the browser; larger ones run as a job.
INLINE_EXPORT_ROWS = 5000


def _exporter(kind: str) -> Exporter:
    exporter = get_exporter(kind)
    if exporter is None:
        raise ServiceError(_("Unknown export type “%(kind)s”.") % {"kind": kind})
    return exporter


def export_prepare(*, actor, kind: str, params: dict, fmt: str = "csv"):
    """(exporter, queryset, row count) after the permission and approval checks."""
    if fmt not in FORMATS:
        raise ServiceError(_("Choose CSV or Excel (.xlsx)."), field="format")
    exporter = _exporter(kind)
    if actor is None or not actor.has_perm(exporter.permission):
        raise ServiceError(_("You may not export %(kind)s.") % {"kind": exporter.label}, code="permission_denied")
    qs = exporter.queryset(actor, params)
    count = qs.count()
    limit = exporter.approval_threshold
    if limit is not None and count > limit and not actor.has_perm(exporter.approval_permission):
        raise ServiceError(
            _("This export has %(count)d rows. Exports of more than %(limit)d %(kind)s need a manager's approval: "
              "narrow the filter, or ask a manager (who has the approval permission) to run it.")
            % {"count": count, "limit": limit, "kind": exporter.label}, code="approval_required")
    return exporter, qs, count


def rows_for(exporter: Exporter, actor, qs) -> tuple[list[str], Iterator[list]]:
    columns = exporter.columns(actor)
    headers = [str(h) for h, _getter in columns]

    def gen():
        for obj in qs.iterator(chunk_size=2000):
            yield [_cell(getter(obj)) for _h, getter in columns]

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
    """CSV bytes with a UTF-8 BOM so Excel opens Chinese text correctly."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow(headers)).encode("utf-8")
    for row in rows:
        yield writer.writerow([_safe(v) for v in row]).encode("utf-8")


def _safe(value):
    """Defuse spreadsheet formula injection: text starting with = + - @ is prefixed with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not value[1:2].isdigit():
        return "'" + value
    return value


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
    ws.append(headers)
    for count, row in enumerate(rows, start=1):
        ws.append([_safe(v) for v in row])
        if progress and count % 5000 == 0:
            progress(count)
    wb.save(path)
    return count


def log_export(*, actor, exporter: Exporter, count: int, params: dict, fmt: str, obj=None) -> None:
    audit.log_personal_data_access(
        actor=actor, action="export", obj=obj, row_count=count,
        fields=[str(h) for h, _g in exporter.columns(actor)],
        reason=_("Export of %(kind)s (%(format)s) with filter %(filter)s")
        % {"kind": exporter.label, "format": fmt, "filter": params or "—"})


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
    with transaction.atomic():
        profile = getattr(actor, "staff_profile", None)
        job = ImportJob.objects.create(
            kind=f"export:{kind}", created_by=actor, organisation_id=getattr(profile, "organisation_id", None),
            options={"params": params, "format": fmt}, language=translation.get_language() or settings.LANGUAGE_CODE,
            original_filename=f"{kind}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}")
        if enqueue:
            from .tasks import run_export

            transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job


def run_export_job(job_id: int) -> ImportJob:
    job = ImportJob.objects.get(pk=job_id)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.APPLYING):
        return job
    kind = job.kind.removeprefix("export:")
    fmt = job.options.get("format", "csv")
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING, phase="export", started_at=now,
                                               heartbeat_at=now, attempts=job.attempts + 1)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            exporter, qs, count = export_prepare(actor=job.created_by, kind=kind, params=job.options.get("params", {}),
                                                 fmt=fmt)
            ImportJob.objects.filter(pk=job.pk).update(total_rows=count)
            headers, rows = rows_for(exporter, job.created_by, qs)
            buffer_path = Path(settings.MEDIA_ROOT) / "exports"
            buffer_path.mkdir(parents=True, exist_ok=True)
            target = buffer_path / f"job-{job.pk}.{fmt}"

            def progress(n):
                ImportJob.objects.filter(pk=job.pk).update(rows_processed=n, heartbeat_at=timezone.now())

            written = write_file(target, fmt, headers, rows, progress)
            with transaction.atomic():
                log_export(actor=job.created_by, exporter=exporter, count=written, params=job.options.get("params", {}),
                           fmt=fmt, obj=job)
                ImportJob.objects.filter(pk=job.pk).update(
                    status=ImportJob.Status.DONE, output_file=str(target.relative_to(Path(settings.MEDIA_ROOT))),
                    rows_processed=written, total_rows=written, valid_rows=written, finished_at=timezone.now(),
                    result={"rows": written})
    except ServiceError as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, message=str(exc.message),
                                                   finished_at=timezone.now())
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(),
            message=_("The export stopped because of an internal error (%(error)s).") % {"error": type(exc).__name__})
    job.refresh_from_db()
    return job


def csv_bytes(headers: list[str], rows: Iterable[list]) -> bytes:
    out = io.BytesIO()
    for chunk in csv_stream(headers, rows):
        out.write(chunk)
    return out.getvalue()



