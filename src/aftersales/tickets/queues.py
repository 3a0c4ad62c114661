"""The ticket queues above the list (R-TKT-1; issue 9 item 10): all, mine, my team's — from the
kernel's ``core.queues`` — plus about to breach, breached and waiting.  Counts come from two
aggregate queries whatever the number of tickets shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.queues import work_queues

from . import selectors
from .choices import OPEN_STATUSES


@dataclass(frozen=True)
class TicketQueue:
    key: str
    label: str
    count: int | None
    condition: Q | None  # None: every ticket in scope

    def filter(self, queryset: QuerySet) -> QuerySet:
        if self.condition is None:
            return queryset
        return queryset.filter(self.condition, status__in=OPEN_STATUSES)


@dataclass(frozen=True)
class TicketQueues:
    queues: tuple[TicketQueue, ...]

    def __iter__(self):
        return iter(self.queues)

    def selected(self, key: str | None) -> TicketQueue:
        return {q.key: q for q in self.queues}.get(key or "all", self.queues[0])

    def count(self, key: str) -> int:
        return next(q.count for q in self.queues if q.key == key) or 0


def team_q(user) -> Q:
    """My team: the tickets owned by people of my department, else of my organisation."""
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return Q(owner=user)
    if profile.department_id:
        return Q(owner__staff_profile__department_id=profile.department_id)
    return Q(owner__staff_profile__organisation_id=profile.organisation_id)


def ticket_queues(*, user) -> TicketQueues:
    open_qs = selectors.open_tickets(user=user)
    kernel = work_queues(open_qs, user=user, assignee="owner", team=team_q(user))
    extra = {"about_to_breach": selectors.about_to_breach_q(), "breached": selectors.breached_q(),
             "waiting": selectors.waiting_q()}
    counts = open_qs.order_by().aggregate(**{key: Count("pk", filter=q) for key, q in extra.items()})
    labels = {"about_to_breach": _("About to breach"), "breached": _("Breached"), "waiting": pgettext_lazy("ticket queue", "Waiting")}
    return TicketQueues((
        TicketQueue("all", str(_("All tickets")), None, None),
        TicketQueue("mine", str(_("My tickets")), kernel.mine.count, Q(owner=user)),
        TicketQueue("team", str(_("My team")), kernel.team.count, team_q(user)),
        *[TicketQueue(key, str(labels[key]), counts[key], extra[key]) for key in extra],
    ))
