"""Service tickets and the SLA policies that set their targets (R-TKT-1..5, ADR 0021).

A ticket is one call's business from intake to closure: one owner (the agent who took it) carries it
to the end; the handling organisation is where the work is done (the call centre at head office, or
the dealer it was handed to).  Clocks are the kernel's (``SlaClockCarrier``): the response and the
resolution target of the matching ``SlaPolicy``, counted on the calendar that applies.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.calendar.sla_models import SlaClockCarrier
from aftersales.core.models import BaseModel
from aftersales.core.scoping import ScopeRule
from aftersales.customers.choices import CustomerKind

from .choices import TicketKind, TicketPriority, TicketStatus

TICKET_PREFIX = "T"  # ticket no.: T-<organisation code>-<day>-<n> (core.numbering, ADR 0009)


class Ticket(SlaClockCarrier, BaseModel):
    number = models.CharField(_("ticket no."), max_length=40, editable=False)
    kind = models.CharField(_("ticket type"), max_length=16, choices=TicketKind.choices)
    priority = models.CharField(_("priority"), max_length=8, choices=TicketPriority.choices,
                                default=TicketPriority.NORMAL)
    status = models.CharField(_("status"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.NEW)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="tickets")
    vehicle = models.ForeignKey("customers.Vehicle", verbose_name=_("vehicle"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="tickets")
    location = models.CharField(_("location"), max_length=200, blank=True,
                                help_text=_("Where the customer or the vehicle is, e.g. a road and kilometre post."))
    description = models.TextField(_("problem description"))
    organisation = models.ForeignKey("org.Organisation", verbose_name=_("handling organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ticket owner"), on_delete=models.PROTECT,
                              related_name="+", editable=False)
    resolution = models.TextField(_("resolution"), blank=True, editable=False)
    # The working state a wait started from: resuming goes back there (TICKET_MACHINE resume_*).
    paused_from = models.CharField(_("waiting since step"), max_length=16, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    customer_confirmed_at = models.DateTimeField(_("customer confirmed at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    # Head office sees every ticket (its scope is everything); a dealer sees the tickets handled at
    # it and the tickets of its own customers; a grant on the customer opens that customer's tickets.
    scope_rule = ScopeRule(paths=("organisation", "customer__owning_dealer"), grant_via=("customer",))
    # No personal data of its own: the caller is the customer (masked in the archive); the location
    # is where the car stands, which the engineer must read (ADR 0021).
    personal_data: dict[str, str] = {}

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        permissions = [("manage_ticket", "Can act on any ticket and transfer its ownership")]
        constraints = [models.UniqueConstraint(fields=["number"], name="ticket_number_unique")]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="ticket_org_created"),
            models.Index(fields=["owner", "status"], name="ticket_owner_status"),
            models.Index(fields=["status", "-created_at"], name="ticket_status_created"),
            models.Index(fields=["customer", "status"], name="ticket_customer_status"),
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            models.Index(fields=["priority", "-created_at"], name="ticket_priority_created"),
            models.Index(fields=["kind", "-created_at"], name="ticket_kind_created"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("New ticket"))

    def get_absolute_url(self) -> str:
        return reverse("tickets:ticket_detail", args=[self.pk])

    def audit_subjects(self) -> dict:
        return {"organisation_id": self.organisation_id, "customer_id": self.customer_id,
                "vehicle_id": self.vehicle_id}

    def clean(self):
        if self.vehicle_id and self.customer_id and self.vehicle.owner_id != self.customer_id:
            raise ValidationError({"vehicle": _("This vehicle does not belong to the customer.")})


class SlaPolicy(BaseModel):
    """Targets for one kind of ticket (R-TKT-3): the most specific active policy that matches a
    ticket's kind, priority, region and customer type applies; an empty condition matches any."""

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("ticket type"), max_length=16, choices=TicketKind.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=8, choices=TicketPriority.choices, blank=True)
    region = models.ForeignKey("org.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    customer_kind = models.CharField(_("customer type"), max_length=10, choices=CustomerKind.choices, blank=True)
    response_minutes = models.PositiveIntegerField(_("first response target (working minutes)"),
                                                   validators=[MinValueValidator(1)])
    resolve_minutes = models.PositiveIntegerField(_("resolution target (working minutes)"),
                                                  validators=[MinValueValidator(1)])
    calendar = models.ForeignKey("core.WorkingCalendar", verbose_name=_("calendar"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 help_text=_("Leave empty to count on the handling organisation's calendar."))
    ladder = models.ForeignKey("core.EscalationLadder", verbose_name=_("escalation ladder"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["kind", "priority", "name"]
        constraints = [models.CheckConstraint(condition=Q(response_minutes__gt=0) & Q(resolve_minutes__gt=0),
                                              name="sla_policy_targets_positive")]

    def __str__(self) -> str:
        return self.name

    def specificity(self) -> int:
        return sum(bool(v) for v in (self.kind, self.priority, self.region_id, self.customer_kind))
