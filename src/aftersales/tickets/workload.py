"""Open tickets per owner, for the assignment registry (``org.workload``): one query."""

from __future__ import annotations

from django.db.models import Count

from .choices import OPEN_STATUSES
from .models import Ticket


def open_tickets_per_owner(user_ids: list[int]) -> dict[int, int]:
    rows = (Ticket.objects.unscoped(reason="load counts per person for assignment, no rows shown")
            .filter(owner_id__in=user_ids, status__in=OPEN_STATUSES).order_by()
            .values_list("owner_id").annotate(n=Count("id")))
    return dict(rows)
