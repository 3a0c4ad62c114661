"""``aftersales import customers|vehicles|parts FILE [--apply all|valid-only] [--actor USERNAME]``.

Runs the same services as the page, synchronously in this process: check every row (dry run),
print a progress bar, the first 20 errors and the path of the full report; with ``--apply`` write
the rows in one transaction.  Exit code 0 when the check (and apply) succeeded, 1 when rows have
errors and nothing was applied, or the job failed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aftersales.core.exceptions import ServiceError
from aftersales.core.imports import services
from aftersales.core.imports.models import ImportJob
from aftersales.core.imports.registry import importers


class ProgressBar:
    def __init__(self, stream, width: int = 30):
        self.stream, self.width, self.start = stream, width, time.monotonic()

    def __call__(self, job: ImportJob) -> None:
        total = max(job.total_rows, job.rows_processed, 1)
        done = min(job.rows_processed, total)
        filled = int(self.width * done / total)
        label = job.get_status_display()
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done:>9,}/{total:,} "
                          f"{label} {time.monotonic() - self.start:6.1f}s", ending="")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import customers, vehicles or parts from .xlsx or CSV: check every row first, then apply."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importers()))
        parser.add_argument("file")
        parser.add_argument("--apply", choices=["all", "valid-only"], help="write the rows after the check")
        parser.add_argument("--actor", help="username the import is recorded for (permissions are checked)")
        parser.add_argument("--quiet-progress", action="store_true")
        parser.add_argument("--update-existing", action="store_true",
                            help="rows matching an existing record (customers: by phone) update it instead of being "
                                 "reported as duplicates")

    def handle(self, *args, kind, file, apply, actor, quiet_progress, update_existing=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        user = None
        if actor:
            try:
                user = get_user_model().objects.get(username=actor)
            except get_user_model().DoesNotExist:
                raise CommandError(f"no such user: {actor}") from None
        mode = {"all": ImportJob.Mode.ALL, "valid-only": ImportJob.Mode.VALID_ONLY}.get(apply or "", "")
        bar = None if quiet_progress else ProgressBar(self.stdout)
        try:
            with open(path, "rb") as fh:
                job = services.import_start(actor=user, kind=kind, file=fh, filename=path.name, dry_run=not mode,
                                            mode=mode, match_existing=update_existing, enqueue=False)
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from None
        job = services.run_validation(job.pk, progress=bar)
        self.stdout.write("")
        self.stdout.write(f"job #{job.pk}: {job.get_status_display()} · encoding {job.encoding or '—'} · "
                          f"rows {job.total_rows:,} · valid {job.valid_rows:,} · rows with errors {job.error_rows:,} "
                          f"· errors {job.error_count:,}")
        if (job.options or {}).get("match_existing") and "will_update" in (job.result or {}):
            self.stdout.write(f"will update {job.result['will_update']:,} existing · "
                              f"create {job.result['will_create']:,} new")
        if job.message:
            self.stderr.write(job.message)
        errors = (job.result or {}).get("first_errors", [])
        if errors:
            self.stdout.write("行号\t列\t值\t原因")
            for e in errors[:20]:
                self.stdout.write(f"{e['row']}\t{e['column']}\t{e['value']}\t{e['reason']}")
            if job.error_count > 20:
                self.stdout.write(f"… {job.error_count - 20:,} more")
        if job.error_report:
            self.stdout.write(f"error report: {Path(job.error_report.path)}")
        if job.status == ImportJob.Status.DONE:
            counts = {k: v for k, v in (job.result or {}).items() if isinstance(v, int)}
            summary = ", ".join(f"{k} {v}" for k, v in counts.items()) or job.get_status_display()
            self.stdout.write(self.style.SUCCESS(f"imported: {summary}"))
            return
        if job.status == ImportJob.Status.FAILED or job.error_rows:
            if job.status == ImportJob.Status.VALIDATED and mode == ImportJob.Mode.ALL:
                self.stderr.write("rows have errors: nothing was imported (use --apply valid-only to skip them)")
            elif job.status == ImportJob.Status.VALIDATED:
                self.stderr.write("dry run: nothing was imported")
            sys.exit(1)
        self.stdout.write("dry run: nothing was imported (add --apply all to import)")
