"""List totals without an unbounded ``COUNT(*)`` on the request path (issue 8 item 7, R-SYS-4).

A list page tells the user how many rows match ("共 800 条").  Counting exactly is cheap for a
store's few thousand customers and expensive for a maker's million: an exact ``COUNT(*)`` over
the whole customers table costs 100–200 ms on PostgreSQL, up to 1.5 s with a search.  So the count
stops at ``COUNT_CAP`` (a sliced count stops scanning after ``COUNT_CAP + 1`` rows); beyond it
PostgreSQL's planner estimate for the same query is shown as an approximation ("约 100 万条").
SQLite has no cheap estimate but serves one machine's data, where an exact count stays fast, so
it counts exactly.

The paginator is shared by the generic list pages (through django-tables2), the plain pages that
paginate by hand and the API pagination, so every list says its total the same way.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _

COUNT_CAP = 10_000


def _queryset_of(object_list):
    """The queryset behind a list: django-tables2 wraps it twice (BoundRows → TableQuerysetData)."""
    data = getattr(object_list, "data", None)
    inner = getattr(data, "data", None)
    for candidate in (inner, data, object_list):
        if candidate is not None and hasattr(candidate, "query") and hasattr(candidate, "db"):
            return candidate
    return None


def planner_estimate(queryset) -> int | None:
    """PostgreSQL's row estimate for the queryset (EXPLAIN, no execution); None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count_rows(queryset) -> tuple[int, bool]:
    """(count, estimated): exact up to COUNT_CAP, the planner's estimate beyond it on PostgreSQL."""
    capped = queryset.order_by()[: COUNT_CAP + 1].count()
    if capped <= COUNT_CAP:
        return capped, False
    estimate = planner_estimate(queryset)
    if estimate is None:
        return queryset.count(), False
    return max(estimate, capped), True


def approximate(n: int) -> str:
    """Round to two significant figures, in 万 for Chinese ("100 万", "2.3 万"), digits otherwise."""
    if (get_language() or "").startswith("zh") and n >= 10_000:
        wan = float(f"{n / 10_000:.2g}")
        return f"{wan:g} 万"
    return f"{float(f'{n:.2g}'):,.0f}"


def total_label(count: int, estimated: bool) -> str:
    if estimated:
        return _("about %(count)s in total") % {"count": approximate(count)}
    return _("%(count)s in total") % {"count": f"{count:,}"}


class CappedPaginator(Paginator):
    """A Paginator whose count follows :func:`count_rows` and which can say its total."""

    estimated = False

    @cached_property
    def count(self):
        queryset = _queryset_of(self.object_list)
        if queryset is None:
            return super().count
        count, self.estimated = count_rows(queryset)
        return count

    @property
    def total_label(self) -> str:
        return total_label(self.count, self.estimated)
