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

from ..scoping import ScopedQuerySet, ScopeRule
from .choices import EXPORT_REQUEST_MACHINE, ExportRequestStatus, ImportJobStatus, ImportMode


def import_upload_to(instance, filename: str) -> str:
    return f"imports/{timezone.now():%Y%m}/{filename}"


class ImportJob(models.Model):
    Status = ImportJobStatus
    Mode = ImportMode

    ACTIVE = (Status.VALIDATING, Status.APPLYING)

    kind = models.CharField(_("import type"), max_length=30)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    # Bumped by every state-machine transition (core.fsm): a decision on a stale page is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
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

    objects = ScopedQuerySet.as_manager()
    # A job (its source file, error report and export file) belongs to the organisation of the
    # person who started it; jobs without one (command line, system) are head office's.
    scope_rule = ScopeRule(paths=("organisation_id",))

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


class ExportRequest(models.Model):
    """A request to export more rows of personal data than the exporter's approval threshold.

    An explicit, audited state machine (DESIGN.md rule 3, ADR 0007): statuses and transitions are
    ``choices.EXPORT_REQUEST_MACHINE``; the services in ``core.imports.approvals`` fire them.
    """

    Status = ExportRequestStatus

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (.xlsx)"

    kind = models.CharField(_("export type"), max_length=30)
    params = models.JSONField(_("filter"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.CSV)
    row_count = models.PositiveIntegerField(_("rows"))
    reason = models.CharField(_("reason"), max_length=300,
                              help_text=_("Why the data is needed; kept in the personal data access log."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    organisation_id = models.BigIntegerField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)  # the requester's: headers of the file
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    job = models.ForeignKey(ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="export_requests",
                            verbose_name=_("export job"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(paths=("organisation_id",))

    class Meta:
        verbose_name = _("export request")
        verbose_name_plural = _("export requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="exportrequest_status"),
            models.Index(fields=["requested_by", "-created_at"], name="exportrequest_user"),
        ]

    def __str__(self) -> str:
        return _("Export request #%(id)s") % {"id": self.pk}

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("imports:export_request_detail", args=[self.pk])

    def audit_subjects(self) -> dict:
        return {"organisation_id": self.organisation_id}

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.APPROVED)


# The graph {state: (targets…)}, derived from the machine in ``choices.py`` (ADR 0007).
EXPORT_REQUEST_TRANSITIONS: dict[str, tuple[str, ...]] = EXPORT_REQUEST_MACHINE.graph()
