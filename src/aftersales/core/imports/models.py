"""Import (and large export) jobs: dry run, per-row error report, apply all-or-valid-only, resumable.

One row per job.  The uploaded file, the error report and the validated rows live in files under
``MEDIA_ROOT/imports/<id>/``; the row holds counts, progress and a heartbeat so a crashed worker's
job is found and run again (``services.resume_stale``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def import_upload_to(instance, filename: str) -> str:
    return f"imports/{timezone.now():%Y%m}/{filename}"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Validating")
        VALIDATED = "validated", _("Checked")
        APPLYING = "applying", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        ALL = "all", _("All rows")
        VALID_ONLY = "valid_only", _("Valid rows only")

    ACTIVE = (Status.VALIDATING, Status.APPLYING)

    kind = models.CharField(_("import type"), max_length=30)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    organisation_id = models.BigIntegerField(null=True, blank=True)

    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=300, blank=True)
    original_filename = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.BigIntegerField(_("file size"), default=0)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    language = models.CharField(max_length=10, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    phase = models.CharField(_("phase"), max_length=20, blank=True)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, blank=True)
    error_report = models.FileField(_("error report"), max_length=300, blank=True)
    output_file = models.FileField(_("output file"), max_length=300, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("heartbeat"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="importjob_active",
                         condition=Q(status__in=["validating", "applying"])),
            models.Index(fields=["created_by", "-created_at"], name="importjob_user"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_export(self) -> bool:
        return self.kind.startswith("export:")

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.UPLOADED, self.Status.VALIDATING, self.Status.APPLYING)

    @property
    def percent(self) -> int:
        if self.status in (self.Status.VALIDATED, self.Status.DONE):
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.rows_processed * 100 / self.total_rows))
