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

One module per stage: ``start``, ``checking`` (the dry run), ``applying``, ``housekeeping`` (cancel,
resume), ``downloads``, and ``jobs`` (what they share).  This package is the import write API, as
``notifications.services`` is: callers import from here.
"""

from ...exceptions import ServiceError
from .applying import import_apply, run_apply, valid_frames
from .checking import FORMULA_TEXT_START, run_validation
from .downloads import import_file_download
from .housekeeping import import_cancel, resume_stale
from .jobs import FIRST_ERRORS, MAX_ATTEMPTS, REPORT_HEADER, STALE_AFTER, job_dir
from .start import import_start

__all__ = [
    "FIRST_ERRORS", "FORMULA_TEXT_START", "MAX_ATTEMPTS", "REPORT_HEADER", "STALE_AFTER", "ServiceError",
    "import_apply", "import_cancel", "import_file_download", "import_start", "job_dir", "resume_stale",
    "run_apply", "run_validation", "valid_frames",
]
