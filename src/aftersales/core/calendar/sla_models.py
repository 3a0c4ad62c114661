"""SLA clocks and escalation ladders (R-TKT-4, R-TKT-3, ADR 0008).

Any row can carry clocks (``SlaClockCarrier`` adds the reverse relation): a clock counts a target in
working time on a calendar, can be paused and resumed, and keeps ``next_check_at`` — the moment its
next escalation level falls due — so the periodic job selects only due clocks with one indexed
query. ``SlaEscalation`` rows are unique per (clock, level): a level notifies once, never twice.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import WorkingCalendar


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")
    BLOCKED = "blocked", _("Stopped: calendar year missing")


class Severity(models.TextChoices):
    WARNING = "warning", _("SLA warning")
    BREACH = "breach", _("Breached")


class EscalationLadder(models.Model):
    code = models.SlugField(_("ladder code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("escalation ladder")
        verbose_name_plural = _("escalation ladders")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class EscalationLevel(models.Model):
    """One rung: at ``fraction`` of the target (0.8 = 80 %, 1 = due, 1.5 = half again overdue)."""

    ladder = models.ForeignKey(EscalationLadder, verbose_name=_("escalation ladder"), on_delete=models.CASCADE,
                               related_name="levels")
    fraction = models.DecimalField(_("share of the target"), max_digits=5, decimal_places=3)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    notify_owner = models.BooleanField(_("notify the owner"), default=True)
    notify_group = models.ForeignKey("auth.Group", verbose_name=_("notify group"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        ordering = ["ladder", "fraction"]
        constraints = [models.UniqueConstraint(fields=["ladder", "fraction"], name="escalation_level_unique"),
                       models.CheckConstraint(condition=Q(fraction__gt=0), name="escalation_level_positive")]

    def __str__(self) -> str:
        return f"{self.ladder} {float(self.fraction):.0%}"


class SlaClock(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    name = models.SlugField(_("clock"), max_length=40)
    calendar = models.ForeignKey(WorkingCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT,
                                 related_name="clocks")
    ladder = models.ForeignKey(EscalationLadder, verbose_name=_("escalation ladder"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="clocks")
    target_seconds = models.PositiveIntegerField(_("target (working seconds)"))
    state = models.CharField(_("state"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    segment_started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    used_seconds = models.PositiveIntegerField(_("working seconds used before"), default=0)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    next_level = models.PositiveSmallIntegerField(_("next escalation level"), default=0)  # index of the next unfired ladder level
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True)
    reached = models.CharField(_("level reached"), max_length=10, choices=Severity.choices, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("clock owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id", "name"], name="sla_clock_unique")]
        indexes = [
            models.Index(fields=["next_check_at"], name="sla_clock_due", condition=Q(state="running")),
            models.Index(fields=["state"], name="sla_clock_blocked", condition=Q(state="blocked")),
            models.Index(fields=["content_type", "object_id"], name="sla_clock_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.object_id}"

    @property
    def target(self):
        import datetime

        return datetime.timedelta(seconds=self.target_seconds)


class SlaEscalation(models.Model):
    clock = models.ForeignKey(SlaClock, verbose_name=_("SLA clock"), on_delete=models.CASCADE, related_name="escalations")
    level = models.ForeignKey(EscalationLevel, verbose_name=_("escalation level"), on_delete=models.CASCADE,
                              related_name="+")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    fired_at = models.DateTimeField(_("fired at"))

    class Meta:
        verbose_name = _("SLA escalation")
        verbose_name_plural = _("SLA escalations")
        constraints = [models.UniqueConstraint(fields=["clock", "level"], name="sla_escalation_once")]

    def __str__(self) -> str:
        return f"{self.clock} {self.severity}"


class SlaClockCarrier(models.Model):
    """Mixin for a model that carries SLA clocks: ``obj.sla_clocks`` and ``obj.sla_clock(name)``."""

    sla_clocks = GenericRelation(SlaClock)

    class Meta:
        abstract = True

    def sla_clock(self, name: str) -> SlaClock | None:
        return self.sla_clocks.filter(name=name).first()
