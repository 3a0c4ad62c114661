"""Keeping the fast lookup's search keys (``customers.lookup``, R-CUS-5) in step with a bulk load:
small loads key their rows in the import transaction, large ones rebuild the index once after
commit, as durable follow-up work of the job (ADR 0013).
"""

from __future__ import annotations

import polars as pl

from aftersales.core.imports import followups

from ..lookup import index as lookup_index
from ..lookup.keys import _PG_NAME_STRIP, KEY_MAX, NAME_INNER_MAX_START

REINDEX_LIMIT = 5_000
REBUILD = "aftersales.customers.lookup.index.rebuild_search_index"


def runs(ids: pl.Series) -> list[tuple[int, int]]:
    """Runs of consecutive values of an ascending id column: [(first, last), …]."""
    if not ids.len():
        return []
    frame = pl.DataFrame({"id": ids}).with_columns((pl.col("id") - pl.int_range(0, pl.len())).alias("g"))
    runs = frame.group_by("g", maintain_order=True).agg(pl.col("id").min().alias("lo"), pl.col("id").max().alias("hi"))
    return [(int(lo), int(hi)) for lo, hi in runs.select("lo", "hi").iter_rows()]


def index_new_customers(connection, runs: list[tuple[int, int]]) -> None:
    """Search keys of just-imported (new) customers, set-based in the import transaction: the
    customer half of ``lookup.index.rebuild_search_index``'s SQL (same normalisation, same keys) over
    the id runs of this import — a few statements instead of one Python round per customer, and
    no rebuild of everybody else's keys.  New customers own no vehicles yet and have no keys to
    replace.  PostgreSQL only (other engines: ``lookup.index.reindex_customers``)."""
    if not runs:
        return
    if connection.vendor != "postgresql":
        ids = [i for lo, hi in runs for i in range(lo, hi + 1)]
        refresh(connection, customer_ids=ids, total=len(ids))
        return
    key_max, inner_max = int(KEY_MAX), int(NAME_INNER_MAX_START) + 1
    sql = f"""
    INSERT INTO customers_searchkey (key, customer_id, vehicle_id, organisation_id, is_primary)
    WITH c AS (
        SELECT id, owning_dealer_id AS org,
               lower(regexp_replace(normalize(name, NFKC), %(strip)s, '', 'g')) AS n,
               lower(name_initials) AS ini
        FROM customers_customer WHERE id BETWEEN %(lo)s AND %(hi)s
    ), ph AS (
        SELECT customer_id, digits_reversed AS d FROM customers_customerphone
        WHERE customer_id BETWEEN %(lo)s AND %(hi)s AND digits_reversed <> ''
        UNION
        SELECT id, reverse(regexp_replace(split_part(primary_phone, ';', 1), '^[+]86', ''))
        FROM customers_customer WHERE id BETWEEN %(lo)s AND %(hi)s AND primary_phone LIKE '+86%%'
    )
    SELECT 'P' || ph.d, ph.customer_id, NULL::bigint, c.org, true FROM ph JOIN c ON c.id = ph.customer_id
    UNION ALL SELECT left('N' || c.n, {key_max}), c.id, NULL, c.org, true FROM c WHERE c.n <> ''
    UNION ALL SELECT left('n' || substr(c.n, i), {key_max}), c.id, NULL, c.org, true
        FROM c, generate_series(2, least(char_length(c.n) - 1, {inner_max})) AS i
    UNION ALL SELECT left('I' || c.ini, {key_max}), c.id, NULL, c.org, true FROM c WHERE c.ini <> ''
    """  # noqa: S608 - only integer constants are interpolated
    with connection.cursor() as cur:
        for lo, hi in runs:
            cur.execute(sql, {"strip": _PG_NAME_STRIP, "lo": lo, "hi": hi})


def refresh(connection, *, customer_ids=(), vehicle_ids=(), total: int = 0) -> None:
    """Keep the lookup's search-key table in step with a bulk load: small imports re-key their
    rows in the import transaction; large ones rebuild the whole index once the import has
    committed (a set-based rebuild beats millions of single re-keys)."""
    if total > REINDEX_LIMIT:
        # Part of the job's durable work, not a bare on_commit callback: a worker killed in the
        # rebuild leaves the job "finishing", and it is retried (ADR 0013).
        followups.after_commit(REBUILD)
        return
    if customer_ids:
        lookup_index.reindex_customers(customer_ids)
    if vehicle_ids:
        lookup_index.reindex_vehicles(vehicle_ids)
