"""Reads of the tickets app: every read takes the user and starts from ``restrict(user)``
(DESIGN.md rule 2); lists load what they show in a fixed number of queries (R-SYS-5)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from aftersales.core.calendar.sla_models import ClockState, Severity, SlaClock

from .choices import OPEN_STATUSES, WAITING_STATUSES
from .models import SlaPolicy, Ticket

#: "About to breach": a running clock whose due time is this close (wall-clock hours).
ABOUT_TO_BREACH_HOURS = 2


def ticket_list(*, user) -> QuerySet[Ticket]:
    return Ticket.objects.restrict(user).select_related("customer", "vehicle", "organisation",
                                                        "owner__staff_profile")


def ticket_detail(*, user) -> QuerySet[Ticket]:
    return ticket_list(user=user).select_related("customer__owning_dealer", "vehicle__vehicle_model")


def open_duplicates(*, user, customer, vehicle=None) -> QuerySet[Ticket]:
    """Open tickets of the customer — of the same vehicle, or of no vehicle, when one is named (the
    duplicate guard).  Whoever may see the customer sees its tickets (the scope rule's customer path
    and grant), so the guard names no ticket outside the user's scope; ``user=None`` is the seed."""
    qs = (Ticket.objects.restrict(user) if user is not None
          else Ticket.objects.unscoped(reason="the demo seed acts as the system"))
    qs = qs.filter(customer=customer, status__in=OPEN_STATUSES)
    if vehicle is not None:
        qs = qs.filter(Q(vehicle=vehicle) | Q(vehicle__isnull=True))
    return qs.order_by("-created_at", "-id")


def open_tickets_for_customer(*, user, customer, vehicle=None) -> QuerySet[Ticket]:
    """What the intake page offers first: the customer's open tickets the user may see."""
    return open_duplicates(user=user, customer=customer, vehicle=vehicle).select_related("owner__staff_profile",
                                                                                          "vehicle")


def _clock_q(condition: Q) -> Exists:
    return Exists(SlaClock.objects.filter(condition, content_type__app_label="tickets",
                                          content_type__model="ticket", object_id=OuterRef("pk")))


def breached_q() -> Q:
    """A clock of the ticket has passed its due time (reached the breach level, or running late)."""
    now = timezone.now()
    return Q(_clock_q(Q(reached=Severity.BREACH) & ~Q(state=ClockState.STOPPED))) | Q(
        _clock_q(Q(state=ClockState.RUNNING, due_at__lte=now)))


def about_to_breach_q() -> Q:
    now = timezone.now()
    soon = now + timezone.timedelta(hours=ABOUT_TO_BREACH_HOURS)
    return Q(_clock_q(Q(state=ClockState.RUNNING, due_at__gt=now, due_at__lte=soon)))


def waiting_q() -> Q:
    return Q(status__in=WAITING_STATUSES)


def open_tickets(*, user) -> QuerySet[Ticket]:
    return ticket_list(user=user).filter(status__in=OPEN_STATUSES)


def my_open_tickets(*, user) -> QuerySet[Ticket]:
    return open_tickets(user=user).filter(owner=user)


def sla_policy_list(*, user) -> QuerySet[SlaPolicy]:
    """Network-wide configuration: every signed-in user reads it; permissions decide who may."""
    if user is None or not getattr(user, "is_authenticated", False):
        return SlaPolicy.objects.none()
    return SlaPolicy.objects.select_related("region", "calendar", "ladder")
