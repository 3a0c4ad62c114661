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

from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _

COUNT_CAP = 10_000
#: From this row on a page reads its ids first, then only its own rows ("deferred join"): an OFFSET
#: over the whole query builds every skipped row — its joins, its EXISTS and CASE annotations — while
#: an OFFSET over the bare ids walks one index (vehicle list page 500 at 1,500,000 vehicles: 330 ms).
DEFERRED_FROM = 1_000


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

    def page(self, number):
        queryset = _queryset_of(self.object_list)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if queryset is None or bottom < DEFERRED_FROM:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = deferred_slice(queryset, bottom, top)
        table = getattr(self.object_list, "table", None)
        if table is not None:  # django-tables2 pages its BoundRows: hand back the same kind
            rows = type(self.object_list)(rows, table=table)
        return self._get_page(rows, number, self)


def deferred_slice(queryset, bottom: int, top: int) -> list:
    """Rows ``bottom:top`` of an ordered queryset: the ids of the slice first (same filter and order,
    nothing else selected), then those rows with everything the page shows, in the same order."""
    ids = list(queryset.values_list("pk", flat=True)[bottom:top])
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


# ---------------------------------------------------------------------------------------------
# Page parameters from the address (issue 7 item 8, ADR 0017)
# ---------------------------------------------------------------------------------------------

#: Beyond this page number a request is hostile or broken, never a person paging: refused with 400
#: (an unbounded number overflowed SQLite's 64-bit OFFSET and answered 500).
MAX_PAGE = 1_000_000


class BadPageParameter(BadRequest):
    """``page`` / ``per_page`` / ``page_size`` in the address is not a usable number.

    ``field`` names the parameter, ``message`` is translated and shown to the user (a 400 page,
    or ``fields`` in the API's JSON error)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _bounded_int(params, name: str, *, default: int, maximum: int, clamp: bool = False) -> int:
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    text = str(raw).strip()
    # isdecimal() alone accepts Arabic-Indic digits; int() of a 10,000-digit string is slow: both out.
    if text.isascii() and text.isdecimal() and len(text) <= 12 and int(text) >= 1:
        if int(text) <= maximum:
            return int(text)
        if clamp:
            return maximum
    raise BadPageParameter(name, _("“%(name)s” must be a whole number from 1 to %(max)s.")
                           % {"name": name, "max": f"{maximum:,}"})


def page_number(params, name: str = "page") -> int:
    """The requested page (1 when absent); anything but 1…MAX_PAGE raises BadPageParameter."""
    return _bounded_int(params, name, default=1, maximum=MAX_PAGE)


def page_size(params, name: str, *, default: int, maximum: int) -> int:
    """The requested rows per page (``default`` when absent, at most ``maximum``: a larger size is
    served as the largest, as before); 0, negatives and words raise BadPageParameter instead of
    being silently replaced (``per_page=-1`` answered 500)."""
    return _bounded_int(params, name, default=default, maximum=maximum, clamp=True)


def checked_page(paginator: Paginator, params, name: str = "page"):
    """``paginator.get_page`` after the number was checked: a page past the end shows the last
    page (a list that shrank while someone paged), a malformed number is a 400."""
    return paginator.get_page(page_number(params, name))
