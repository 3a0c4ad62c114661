"""Which SLA policy applies to a ticket, and the ticket's clocks on the kernel (R-TKT-3, R-TKT-4, ADR 0021).

Nothing here counts time: the kernel's clocks (``core.calendar.clocks``) do, on the working calendar
that applies — the policy's own (the 24×7 ``roadside`` calendar for roadside help), else the
handling organisation's.  A ticket has two clocks: ``response`` (stopped when it is accepted) and
``resolve`` (stopped when it is resolved); both stand still while it waits for the customer or parts.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.calendar import clocks
from aftersales.core.calendar.models import WorkingCalendar
from aftersales.core.calendar.selectors import calendar_for_organisation
from aftersales.core.calendar.sla_models import ClockState, SlaClock

from .choices import RESOLVE_CLOCK, RESPONSE_CLOCK, TicketKind
from .models import SlaPolicy, Ticket

ROADSIDE_CALENDAR = "roadside"  # core.calendar.seed: the 24×7 calendar
CLOCK_LABELS = {RESPONSE_CLOCK: gettext_lazy("First response"), RESOLVE_CLOCK: gettext_lazy("Resolution")}


def _region_path(ticket: Ticket) -> str:
    region = ticket.customer.region if ticket.customer_id and ticket.customer.region_id else None
    region = region or ticket.organisation.region
    return getattr(region, "path", "") or ""


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The most specific active policy whose conditions all match the ticket (an empty one matches
    anything; a region matches the tickets of its sub-regions too).  Between equally specific
    policies the stricter promise wins (shorter resolution, then shorter response target), then
    the older policy: an urgent roadside call gets the tighter of "urgent" and "roadside"."""
    path = _region_path(ticket)
    customer_kind = ticket.customer.kind if ticket.customer_id else ""
    best = None
    for policy in SlaPolicy.objects.filter(is_active=True).select_related("region").order_by("id"):
        if policy.kind and policy.kind != ticket.kind:
            continue
        if policy.priority and policy.priority != ticket.priority:
            continue
        if policy.customer_kind and policy.customer_kind != customer_kind:
            continue
        if policy.region_id and not (path and path.startswith(policy.region.path or "\0")):
            continue
        if best is None or _rank(policy) < _rank(best):
            best = policy
    return best


def _rank(policy: SlaPolicy) -> tuple:
    return (-policy.specificity(), policy.resolve_minutes, policy.response_minutes, policy.pk)


def calendar_for(ticket: Ticket, policy: SlaPolicy):
    """The policy's calendar; else 24×7 for roadside help; else the handling organisation's."""
    if policy.calendar_id:
        return policy.calendar
    if ticket.kind == TicketKind.ROADSIDE:
        found = WorkingCalendar.objects.filter(code=ROADSIDE_CALENDAR, is_active=True).first()
        if found is not None:
            return found
    return calendar_for_organisation(ticket.organisation_id)


def start_clocks(ticket: Ticket, *, at: datetime.datetime | None = None, names=(RESPONSE_CLOCK, RESOLVE_CLOCK)) -> list:
    """Start the ticket's clocks by its policy (none when no policy applies)."""
    policy = policy_for(ticket)
    if policy is None:
        return []
    calendar = calendar_for(ticket, policy)
    if calendar is None:
        return []
    minutes = {RESPONSE_CLOCK: policy.response_minutes, RESOLVE_CLOCK: policy.resolve_minutes}
    return [clocks.start_clock(obj=ticket, name=name, calendar=calendar, target=datetime.timedelta(minutes=minutes[name]),
                               ladder=policy.ladder, owner=ticket.owner, organisation_id=ticket.organisation_id,
                               at=at or ticket.created_at)
            for name in names]


def _clocks(ticket: Ticket, *names: str):
    qs = SlaClock.objects.filter(pk__in=ticket.sla_clocks.values("pk"))
    return list(qs.filter(name__in=names) if names else qs)


def pause_all(ticket: Ticket, *, at=None) -> None:
    for clock in _clocks(ticket):
        if clock.state == ClockState.RUNNING:
            clocks.pause_clock(clock, at=at)


def resume_all(ticket: Ticket, *, at=None) -> None:
    for clock in _clocks(ticket):
        if clock.state == ClockState.PAUSED:
            clocks.resume_clock(clock, at=at)


def stop(ticket: Ticket, *names: str, at=None) -> None:
    for clock in _clocks(ticket, *names):
        if clock.state != ClockState.STOPPED:
            clocks.stop_clock(clock, at=at)


@transaction.atomic
def hand_clocks_to(ticket: Ticket, user) -> None:
    """The owner's clocks follow the owner: escalations notify whoever carries the ticket now."""
    SlaClock.objects.filter(pk__in=ticket.sla_clocks.values("pk")).update(owner=user)


def format_duration(delta: datetime.timedelta) -> str:
    """Working time as a person reads it: "3 小时 05 分" (the sign is said by the caller)."""
    minutes = int(abs(delta.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def clock_rows(ticket: Ticket, *, now: datetime.datetime | None = None) -> list[dict]:
    """What the ticket page shows per clock: target, due time, remaining working time, level reached."""
    now = now or timezone.now()
    rows = []
    for clock in sorted(_clocks(ticket), key=lambda c: 0 if c.name == RESPONSE_CLOCK else 1):
        left = clocks.remaining(clock, at=now)
        rows.append({"clock": clock, "name": clock.name, "label": CLOCK_LABELS.get(clock.name, clock.name),
                     "target": format_duration(clock.target), "due_at": clock.due_at,
                     "remaining": format_duration(left), "overdue": left.total_seconds() < 0, "reached": clock.reached,
                     "reached_label": clock.get_reached_display() if clock.reached else "",
                     "state": clock.state, "state_label": clock.get_state_display(),
                     "calendar": clock.calendar})
    return rows
