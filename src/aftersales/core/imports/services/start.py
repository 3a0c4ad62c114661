"""Starting an import: the upload is checked (type, size, decompression bomb) before anything is
stored, then the job is created and its check enqueued (R-CUS-7)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ...exceptions import ServiceError
from ..models import ImportJob
from ..reading import (
    ImportFileError,
    check_archive,
    check_size,
    file_format,
)
from ..registry import get_importer
from .jobs import (
    _check_permission,
    _organisation_of,
)


def import_start(*, actor, kind: str, file, filename: str, dry_run: bool = True, mode: str = "",
                 match_existing: bool = False, enqueue: bool = True) -> ImportJob:
    """Store the upload and create the job; validation runs in the background (or inline when
    ``enqueue`` is False: the CLI calls :func:`run_validation` itself).

    ``dry_run=False`` with ``mode`` applies right after a successful check ("all" only when every
    row is valid).  ``match_existing`` is the "update existing" mode of importers that offer it
    (``can_match_existing``): rows matching an existing record in the user's scope update it, and
    the dry run says how many will be updated and which (issue 8 item 9); by default they are
    reported as duplicates.  Raises ``ServiceError`` for an unknown kind, a missing permission, a file that
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
    if match_existing and not getattr(importer, "can_match_existing", False):
        raise ServiceError(_("Imports of %(kind)s cannot update existing records.") % {"kind": importer.label},
                           field="match_existing")

    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind, created_by=actor if getattr(actor, "pk", None) else None,
            organisation_id=_organisation_of(actor), original_filename=Path(filename).name[:255],
            file_size=size, language=translation.get_language() or settings.LANGUAGE_CODE,
            options={"auto_apply": "" if dry_run else (mode or ImportJob.Mode.ALL),
                     **({"match_existing": True} if match_existing else {})},
        )
        suffix = Path(filename).suffix.lower()
        job.file.save(f"job-{job.pk}-source{suffix}", File(file), save=False)
        ImportJob.objects.filter(pk=job.pk).update(file=job.file.name)
        if enqueue:
            from ..tasks import validate_import

            transaction.on_commit(lambda: validate_import.enqueue(job.pk))
    return job
