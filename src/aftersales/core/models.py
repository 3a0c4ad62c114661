"""Kernel models: the base every domain model shares, the audit trail, access grants, the
personal-data access log and periodic-run keys."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .attachments.models import Attachment  # noqa: E402,F401  (registered with the core app)
from .calendar.models import (  # noqa: E402,F401  (registered with the core app)
    CalendarDay,
    CalendarWindow,
    CalendarYear,
    OrganisationCalendar,
    WorkingCalendar,
)
from .calendar.sla_models import (  # noqa: E402,F401  (registered with the core app)
    EscalationLadder,
    EscalationLevel,
    SlaClock,
    SlaEscalation,
)
from .imports.models import ImportJob  # noqa: E402,F401  (registered with the core app)
from .scoping import ScopedQuerySet, ScopeRule
from .validators.sanity import portable_integer_errors, strip_invisible


class BaseModel(models.Model):
    """Timestamps plus an optimistic-lock ``version`` (a stale edit is a 409, not a lost update)."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    # Subclasses that hold organisation data set a ``ScopeRule``; None means "not scoped" (reference data).
    scope_rule = None
    # Fields whose history users care about; audit always records every changed field.
    audit_exclude: tuple[str, ...] = ("created_at", "updated_at", "version")

    class Meta:
        abstract = True

    def audit_subjects(self) -> dict:
        """Customer / vehicle / organisation this row concerns, so timelines are one indexed query."""
        return {"organisation_id": getattr(self, "organisation_id", None)}

    def clean_fields(self, exclude=None):
        """Every service's ``full_clean`` also applies the data-sanity rules of ADR 0017: single-line
        text loses its invisible characters first (a name of only zero-width spaces is blank), and
        an integer must fit the column on every backend (SQLite would store 2,147,483,648 km)."""
        exclude = set(exclude or ())
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField) and field.name not in exclude:
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, strip_invisible(value))
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = dict(exc.error_dict)
        for name, found in portable_integer_errors(self, exclude=exclude | set(errors)).items():
            errors[name] = found
        if errors:
            raise ValidationError(errors)


class AuditEventQuerySet(ScopedQuerySet):
    def for_object(self, obj) -> AuditEventQuerySet:
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        return self.filter(content_type=ct, object_id=obj.pk)


class AuditEvent(models.Model):
    """One row per change, across every app (DESIGN.md "Events and timelines")."""

    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    object_id = models.BigIntegerField(null=True, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    customer_id = models.BigIntegerField(null=True, blank=True)
    vehicle_id = models.BigIntegerField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    # An event is seen where its organisation, customer or vehicle is (issue 7 item 1).  Timelines
    # read by the id of an object already fetched through the user's scope.
    scope_rule = ScopeRule(paths=("organisation_id",),
                           via_ids=(("customer_id", "customers.Customer"), ("vehicle_id", "customers.Vehicle")))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_at"),
            models.Index(fields=["customer_id", "-at"], name="audit_customer_at", condition=Q(customer_id__isnull=False)),
            models.Index(fields=["vehicle_id", "-at"], name="audit_vehicle_at", condition=Q(vehicle_id__isnull=False)),
            models.Index(fields=["organisation_id", "-at"], name="audit_org_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class AccessGrantQuerySet(models.QuerySet):
    def active(self) -> AccessGrantQuerySet:
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


class AccessGrant(models.Model):
    """Opens one object to one organisation outside its normal scope (record-level sharing).

    Created by a service when a dealer receives a vehicle it did not sell; always audited.
    ``organisation_id`` is a plain column because core sits below the ``org`` app.
    """

    organisation_id = models.BigIntegerField(_("organisation"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    reason = models.CharField(_("reason"), max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_id", "content_type", "object_id"],
                condition=Q(revoked_at__isnull=True),
                name="uniq_active_access_grant",
            )
        ]
        indexes = [models.Index(fields=["content_type", "organisation_id", "object_id"], name="grant_lookup")]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} → org {self.organisation_id}"


class PersonalDataAccess(models.Model):
    """Append-only log of who saw unmasked personal data, exported or imported, and why (PIPL)."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("Revealed personal data")
        EXPORT = "export", _("Exported")
        IMPORT = "import", pgettext_lazy("access log action", "Imported")
        VIEW = "view", _("Viewed")

    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("actor"))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    object_id = models.BigIntegerField(null=True, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    customer_id = models.BigIntegerField(null=True, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    reason = models.CharField(_("reason"), max_length=300)
    request_id = models.CharField(max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["customer_id", "-at"], name="pda_customer_at"),
            models.Index(fields=["actor", "-at"], name="pda_actor_at"),
        ]
        permissions = [
            ("view_personal_data", "Can see unmasked personal data (each view logged)"),
            ("reveal_personal_data", "Can reveal masked personal data with a reason"),
            ("view_jobs", "Can see background job runs and failures"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        # Integrity guard, not business logic: the log is append-only.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("personal data access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("personal data access log is append-only")


class PeriodicRun(models.Model):
    """A periodic job's run for one period; the unique key makes a second scheduler a no-op."""

    job = models.CharField(_("job"), max_length=100)
    period_key = models.CharField(_("period"), max_length=40)
    enqueued_at = models.DateTimeField(_("enqueued at"), default=timezone.now)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        ordering = ["-enqueued_at"]
        constraints = [models.UniqueConstraint(fields=["job", "period_key"], name="uniq_periodic_run")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.period_key}"


class NumberSequence(models.Model):
    """The last business number handed out per prefix, organisation and period (a day), so
    "工单 W-D1001-20261202-0007" is the seventh ticket of store D1001 that day. Written only by
    ``core.numbering`` with one UPSERT, which is what makes it safe under concurrency."""

    prefix = models.CharField(_("prefix"), max_length=10)
    # A plain id (core sits below org); 0 for numbers that belong to no organisation.
    organisation_id = models.PositiveBigIntegerField(_("organisation"), default=0)
    period = models.CharField(_("period"), max_length=8)
    last_value = models.PositiveBigIntegerField(_("last number"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [models.UniqueConstraint(fields=["prefix", "organisation_id", "period"],
                                               name="uniq_number_sequence")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.organisation_id} {self.period}: {self.last_value}"
