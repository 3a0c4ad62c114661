"""Downloads of an import's error report or output file, logged as a view of personal data
(ADR 0010)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ... import audit
from ...exceptions import NotFoundError
from ..models import ImportJob


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
