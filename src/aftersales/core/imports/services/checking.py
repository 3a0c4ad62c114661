"""The dry run (R-CUS-7): the file is streamed in chunks (memory bounded), the importer validates
whole columns, formula cells and formula-like text are refused, the error report (行号, 列, 值, 原因)
and the normalised valid rows (Arrow IPC files) are written, counting as it goes."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ...exceptions import ServiceError
from .. import exports
from ..models import ImportJob
from ..reading import (
    DEFAULT_CHUNK_ROWS,
    ERRORS,
    MATCH,
    MATCH_LABEL,
    ROW,
    ImportFileError,
    open_table,
)
from ..registry import get_importer
from .applying import import_apply, run_apply
from .jobs import (
    FIRST_ERRORS,
    FIRST_MATCHES,
    REPORT_HEADER,
    Progress,
    _fail,
    _move,
    _rel,
    _save,
    job_dir,
    log,
)


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
    matches: list[dict] = []
    processed = valid = error_rows = error_count = will_update = 0
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
            if MATCH in good.columns:  # the preview of "update existing": which rows update whom
                matched = good.filter(pl.col(MATCH).is_not_null())
                will_update += matched.height
                label = pl.col(MATCH_LABEL) if MATCH_LABEL in good.columns else pl.lit("")
                for row, match, name in matched.select(ROW, MATCH, label.fill_null("")).head(
                        max(FIRST_MATCHES - len(matches), 0)).iter_rows():
                    matches.append({"row": row, "match": match, "label": name})
                good = good.drop([c for c in (MATCH, MATCH_LABEL) if c in good.columns])
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
    result = dict(job.result or {}, first_errors=first_errors, will_update=will_update,
                  will_create=valid - will_update, matches=matches)
    _move(job, "validated", total_rows=processed, error_report=_rel(report_path),
          result=result, phase="validated", heartbeat_at=timezone.now())
