"""After a bulk import or the seed, the planner has statistics for the written tables (issue 8
item 7): on a fresh million-row database lookups took 2.4–8.7 s until autovacuum analysed them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from aftersales.core.imports import services
from aftersales.core.imports.models import ImportJob

HEADER = "客户编号,客户类型,姓名,手机,其他电话,省,市,区,详细地址,负责人,所属经销商代码,来源,标签,备注\n"
ROWS = "".join(f",个人,客户{i},1381234{i:04d},,北京,北京市,朝阳区,建国路{i}号,,T-DA,购车,,\n" for i in range(30))


def _analysed_rows(table: str) -> float | None:
    """What the planner believes the table holds, or None when it was never analysed.

    PostgreSQL: ``pg_class.reltuples`` is -1 until the first ANALYZE (transactional, so no waiting
    for the statistics collector).  SQLite: ``sqlite_stat1`` has a row per analysed table."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            value = cur.fetchone()[0]
            return None if value < 0 else value
        cur.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cur.fetchone():
            return None
        cur.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        row = cur.fetchone()
        return float(row[0].split()[0]) if row else None


@pytest.mark.django_db(transaction=True)
def test_customer_import_leaves_statistics_for_the_tables_it_wrote(admin_user, dealer_a):
    assert _analysed_rows("customers_customer") is None  # a fresh table: never analysed
    job = services.import_start(actor=admin_user, kind="customers", file=io.BytesIO((HEADER + ROWS).encode()),
                                filename="customers.csv", enqueue=False)
    job = services.run_validation(job.pk)
    services.import_apply(actor=admin_user, job=job, mode="all", enqueue=False)
    job = services.run_apply(job.pk)
    assert job.status == ImportJob.Status.DONE, job.message
    assert _analysed_rows("customers_customer") == 30
    assert _analysed_rows("customers_customerphone") == 30


@pytest.mark.django_db(transaction=True)
def test_seed_ends_with_fresh_statistics(dealer_a):
    call_command("seed", only=["org"], stdout=io.StringIO())
    assert _analysed_rows("org_organisation") is not None
