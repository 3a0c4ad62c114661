"""Work queues — "mine", "my team's", "unassigned" — as one reusable piece for every app that
assigns work (tickets, repair orders, complaints, return visits…).

An app hands over the queryset of open work the user may see (already ``restrict(user)``-ed by
its selector), the ORM path from a work item to the assigned *user*, and a ``Q`` saying which items
belong to the user's team; it gets three querysets and their counts, the counts from ONE aggregate
query, and renders ``core/_queue_tabs.html`` above its list::

    queues = work_queues(ticket_list(user=user).filter(status__in=OPEN), user=user,
                         assignee="assignee", team=Q(organisation=user.staff_profile.organisation))
    current = queues.selected(request.GET.get("queue"))      # a Queue; current.queryset → the table

Definitions, so that every app's tabs mean the same:

- **mine**: assigned to the user;
- **team**: every item of the team, whoever holds it (a team lead's overview);
- **unassigned**: items of the team nobody holds yet — with no team given, every unassigned item
  the user may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

QUEUE_LABELS = {"mine": _("Mine"), "team": _("My team"), "unassigned": _("Unassigned")}
DEFAULT_QUEUE = "mine"


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    count: int
    queryset: QuerySet


@dataclass(frozen=True)
class WorkQueues:
    mine: Queue
    team: Queue
    unassigned: Queue

    def __iter__(self) -> Iterator[Queue]:
        return iter((self.mine, self.team, self.unassigned))

    def selected(self, key: str | None) -> Queue:
        """The queue named by ``key`` (e.g. ``?queue=team``); an unknown or empty key is "mine"."""
        return {q.key: q for q in self}.get(key or DEFAULT_QUEUE, self.mine)


def work_queues(queryset: QuerySet, *, user, assignee: str = "assignee", team: Q | None = None) -> WorkQueues:
    """Split ``queryset`` into the three queues; one query for all three counts (rule 9).

    ``assignee`` is the ORM path from an item to the assigned user (``"assignee"``,
    ``"responsible__user"``); ``team`` filters the items of the user's team (``Q(organisation=…)``).
    """
    mine = Q(**{assignee: user})
    team_q = team if team is not None else Q()
    unassigned = Q(**{f"{assignee}__isnull": True}) & team_q
    counts = queryset.order_by().aggregate(
        mine=Count("pk", filter=mine, distinct=True),
        team=Count("pk", filter=team_q, distinct=True) if team is not None else Count("pk", distinct=True),
        unassigned=Count("pk", filter=unassigned, distinct=True),
    )
    filters = {"mine": mine, "team": team_q, "unassigned": unassigned}
    return WorkQueues(**{key: Queue(key=key, label=str(QUEUE_LABELS[key]), count=counts[key],
                                    queryset=queryset.filter(filters[key]))
                         for key in ("mine", "team", "unassigned")})
