"""List totals (issue 8 item 7, R-SYS-4): exact up to a cap, an estimate beyond it, said in Chinese."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from aftersales.core import paging
from aftersales.core.paging import CappedPaginator, approximate, total_label


@pytest.mark.parametrize(("n", "zh", "en"), [
    (1_000_000, "100 万", "1,000,000"),
    (1_500_000, "150 万", "1,500,000"),
    (23_456, "2.3 万", "23,000"),
    (987_654, "99 万", "990,000"),
])
def test_estimates_are_rounded_the_way_people_say_them(n, zh, en):
    with translation.override("zh-hans"):
        assert approximate(n) == zh
    with translation.override("en"):
        assert approximate(n) == en


def test_labels_read_as_totals():
    with translation.override("zh-hans"):
        assert total_label(800, False) == "共 800 条"
        assert total_label(12_345, False) == "共 12,345 条"
        assert total_label(1_000_000, True) == "约 100 万条"


@pytest.fixture
def eight_users(db):
    user_model = get_user_model()
    user_model.objects.bulk_create([user_model(username=f"paging-{i}") for i in range(8)])
    return user_model.objects.filter(username__startswith="paging-").order_by("pk")


def test_under_the_cap_the_count_is_exact(eight_users, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 100)
    paginator = CappedPaginator(eight_users, 3)
    assert paginator.count == 8
    assert paginator.num_pages == 3
    assert not paginator.estimated
    assert [u.username for u in paginator.page(3)] == ["paging-6", "paging-7"]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite counts exactly beyond the cap")
def test_sqlite_counts_exactly_beyond_the_cap(eight_users, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    paginator = CappedPaginator(eight_users, 3)
    assert (paginator.count, paginator.estimated) == (8, False)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner estimate is PostgreSQL's")
def test_postgresql_beyond_the_cap_uses_the_estimate_and_no_unbounded_count(eight_users, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    paginator = CappedPaginator(eight_users, 3)
    with CaptureQueriesContext(connection) as ctx:
        count = paginator.count
    assert paginator.estimated
    assert count >= 6  # at least the capped count the sliced COUNT saw
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts), counts
    with translation.override("zh-hans"):
        assert paginator.total_label.startswith("约 ")


def test_a_deep_page_reads_its_ids_first_and_shows_the_same_rows_in_order(eight_users, monkeypatch):
    """Past ``DEFERRED_FROM`` rows the page is the same rows in the same order as a plain slice, but
    the OFFSET runs over the bare ids only (the query that reads whole rows has no OFFSET)."""
    monkeypatch.setattr(paging, "DEFERRED_FROM", 2)
    newest_first = eight_users.order_by("-username")
    with CaptureQueriesContext(connection) as queries:
        page = CappedPaginator(newest_first, 3).page(2)
        names = [u.username for u in page]
    assert names == ["paging-4", "paging-3", "paging-2"]
    assert [u.username for u in CappedPaginator(newest_first, 3).page(3)] == ["paging-1", "paging-0"]
    offset = [q["sql"] for q in queries.captured_queries if "OFFSET" in q["sql"].upper()]
    assert len(offset) == 1 and '"username"' not in offset[0].split("FROM")[0]

