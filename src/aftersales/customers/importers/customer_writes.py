"""Writing an import's valid customer rows, set-based, in the import's transaction (R-CUS-7).

New rows are numbered from their dealer's daily series (``core.numbering``, the series of the
customer page), then COPYed (PostgreSQL) or staged and upserted by customer number; phones and
addresses follow in the same statements.  The search keys are kept in step by ``search_index``.
"""

from __future__ import annotations

import sys

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core import numbering
from aftersales.core.exceptions import ServiceError
from aftersales.core.imports.matching import existing
from aftersales.core.imports.reading import ROW
from aftersales.core.imports.sql import BulkIndexes, Staging, copy_into, insert_select, reserve_ids, table
from aftersales.org.models import Organisation

from ..models import Customer, CustomerAddress, CustomerPhone
from ..services import CUSTOMER_PREFIX
from . import search_index


class CustomerNumbers:
    """Customer numbers for the rows of an import that have none, from the dealers' series.

    Reserved per (chunk, dealer) with one statement each; the plan — chunk and dealer → period
    and first number — goes into the job's result, so a second apply of a committed job gives
    every row the number it got the first time."""

    def __init__(self, job):
        self.plan: dict[str, list] = dict(((job.result or {}) if job is not None else {}).get("customer_numbers", {}))
        self._dealer_codes: dict[int, str] | None = None

    def fill(self, df: pl.DataFrame, chunk: int) -> pl.DataFrame:
        df = df.with_columns(pl.col("code").cast(pl.String))  # a chunk of only new rows reads back as Null
        if "mobile_kind" not in df.columns:  # rows checked before a landline could be primary
            df = df.with_columns(pl.lit("mobile").alias("mobile_kind"))
        fresh = df.filter(pl.col("code").is_null())
        if not fresh.height:
            return df
        if self._dealer_codes is None:
            self._dealer_codes = dict(Organisation.objects.values_list("pk", "code"))
        prefixes, firsts = {}, {}
        for dealer_id, count in fresh.group_by("dealer_id").len().sort("dealer_id").iter_rows():
            key = f"{chunk}:{dealer_id}"
            if key not in self.plan:
                period = numbering.period_of()
                self.plan[key] = [period, numbering.reserve(prefix=CUSTOMER_PREFIX, organisation_id=dealer_id,
                                                            period=period, count=count)]
            period, first = self.plan[key]
            prefixes[dealer_id] = numbering.format_number(CUSTOMER_PREFIX, self._dealer_codes[dealer_id], period, 0)[
                :-numbering.WIDTH]
            firsts[dealer_id] = first
        dealer = pl.col("dealer_id")
        value = pl.int_range(pl.len()).over("dealer_id") + dealer.replace_strict(firsts, return_dtype=pl.Int64)
        fresh = fresh.with_columns((dealer.replace_strict(prefixes, return_dtype=pl.String)
                                    + value.cast(pl.String).str.zfill(numbering.WIDTH)).alias("code"))
        return pl.concat([df.filter(pl.col("code").is_not_null()), fresh.select(df.columns)]).sort(ROW)

    def result(self) -> dict:
        return {"customer_numbers": self.plan} if self.plan else {}


class CustomerWrites:
    """The apply half of the customer importer (mixed into ``CustomerImporter``)."""

    STAGE = {
        "row": "bigint", "code": "text", "kind": "text", "name": "text", "initials": "text", "mobile": "text",
        "mobile_rev": "text", "mobile_kind": "text", "other": "text", "other_kind": "text", "other_rev": "text", "resident_id": "text",
        "province": "text", "city": "text", "district": "text", "address": "text", "person_in_charge": "text",
        "dealer_id": "bigint", "region_id": "bigint", "source": "text", "tags": "text", "notes": "text",
    }

    # Bulk-index mode (PostgreSQL): above this many rows, and when they are at least this share of
    # the rows already in the customers table, the secondary indexes of the three tables are
    # dropped and rebuilt around the load (see ``BulkIndexes``).
    BULK_MIN_ROWS = 100_000
    BULK_MIN_SHARE = 0.25

    def apply(self, job, frames, *, mode, connection, progress=None, refresh_index: bool = True) -> dict:
        """Write the valid rows in the caller's transaction.

        Rows without a customer number get the next numbers of their dealer's daily series
        (``core.numbering``, the same series as the customer page), reserved per file chunk and
        dealer in this transaction and remembered in the job's result: a re-run of a committed
        job reuses them (and so updates, never duplicates); a crashed one rolled them back too.

        PostgreSQL: rows whose customer number is new (all rows without one) are ``COPY``ed
        straight into customers, phones and addresses, with
        customer ids reserved from the table's sequence in one statement; only rows whose number
        already exists go through a staging table and ``INSERT … ON CONFLICT DO UPDATE``.
        ``synchronous_commit`` is off for the import transaction: a commit lost in a server
        crash loses the job's "done" with it, and the job is simply applied again.

        Bulk-index mode: with ``job.options["bulk_indexes"]`` = "on", or "auto" (the default)
        and at least ``BULK_MIN_ROWS`` rows that are at least ``BULK_MIN_SHARE`` of the customers
        table, the secondary indexes of customers/phones/addresses and the foreign keys between
        them are dropped before the load and rebuilt (set-based) before commit.  This takes an
        ACCESS EXCLUSIVE lock on the three tables until commit — lists, lookups and edits of
        customers wait for the import (tens of seconds for a million rows) — which is the price
        of a 3–4× faster load; "off" never does it.

        Search keys (``search_index``): a bulk load, or one that adds more than a quarter of the
        table, triggers the full set-based rebuild after commit; smaller ones key their new
        customers set-based inside the transaction (``_index_new_customers``) and re-key updated
        ones with ``lookup.index.reindex_customers``.

        Other engines: everything through the staging table.
        """
        numbers = CustomerNumbers(job)
        if connection.vendor != "postgresql":
            with Staging(connection, "imp_stage_customers", self.STAGE) as st:
                for n, df in enumerate(frames):
                    st.load(numbers.fill(df, n).rename({ROW: "row"}))
                    if progress:
                        progress(st.rows)
                result, ids = self._upsert_staged(st, connection)
            if refresh_index:
                search_index.refresh(connection, customer_ids=ids, total=st.rows)
            return {**result, **numbers.result()}
        result = self._apply_copy(job, (numbers.fill(df, n) for n, df in enumerate(frames)), connection=connection,
                                  progress=progress, refresh_index=refresh_index)
        return {**result, **numbers.result()}

    @staticmethod
    def _table_rows(connection) -> float:
        """The planner's estimate of the customers table's size (no COUNT over millions)."""
        with connection.cursor() as cur:
            cur.execute("SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = %s::regclass",
                        [Customer._meta.db_table])
            return float(cur.fetchone()[0])

    def _bulk_mode(self, job, connection, table_rows: float) -> bool:
        option = str(((job.options or {}) if job is not None else {}).get("bulk_indexes", "auto")).lower()
        if job is None or option in ("off", "false", "0", ""):
            return False
        if option in ("on", "true", "1"):
            return True
        rows = int(job.valid_rows or 0)
        return rows >= self.BULK_MIN_ROWS and rows >= self.BULK_MIN_SHARE * table_rows

    def _apply_copy(self, job, frames, *, connection, progress, refresh_index: bool) -> dict:
        with connection.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit = off")
        table_rows = self._table_rows(connection)
        bulk = BulkIndexes(connection, [Customer, CustomerPhone, CustomerAddress]) if self._bulk_mode(
            job, connection, table_rows) else None
        if bulk:
            bulk.drop()
        created = phones = addresses = rows = 0
        new_ids: list[tuple[int, int]] = []  # runs (first, last) of the ids given to new customers
        stage = Staging(connection, "imp_stage_customers", self.STAGE)
        staged = False
        try:
            for df in frames:
                rows += df.height
                codes = df.get_column("code")
                found = existing(Customer.objects.all(), "code", codes) if codes.len() else None
                if found is not None and found.height:
                    is_old = df.get_column("code").is_in(found.get_column("code").implode())
                    old, df = df.filter(is_old), df.filter(~is_old)
                    if not staged:
                        stage.__enter__()
                        staged = True
                    stage.load(old.rename({ROW: "row"}))
                n, p, a, ids = self._copy_new(df, connection, timezone.now())
                created, phones, addresses = created + n, phones + p, addresses + a
                new_ids.extend(search_index.runs(ids))
                if progress:
                    progress(rows)
            if bulk:
                bulk.restore()
            updated = 0
            old_ids: list[int] = []
            if staged:
                staged_result, old_ids = self._upsert_staged(stage, connection)
                updated = staged_result["updated"]
                created += staged_result["created"]
                phones += staged_result["phones"]
                addresses += staged_result["addresses"]
        except BaseException:
            if staged:
                stage.__exit__(*sys.exc_info())
            raise
        if staged:
            stage.__exit__(None, None, None)
        if refresh_index:
            # Keys of new customers cost ~80 µs each inserted into the indexed key table, a full
            # rebuild (indexes dropped) ~20 µs per customer of the whole table: rebuild after
            # commit when the import is a large share of the table, else key just the new rows.
            big = created > search_index.REINDEX_LIMIT and created * 4 > table_rows
            if bulk or big or (updated and not old_ids):
                search_index.refresh(connection, total=max(rows, search_index.REINDEX_LIMIT + 1))
            else:
                search_index.index_new_customers(connection, new_ids)
                search_index.refresh(connection, customer_ids=old_ids, total=len(old_ids))
        return {"created": created, "updated": updated, "phones": phones, "addresses": addresses}

    @staticmethod
    def _copy_new(df: pl.DataFrame, connection, now) -> tuple[int, int, int, pl.Series]:
        """COPY rows of new customers (with reserved ids) and their phones and addresses."""
        if not df.height:
            return 0, 0, 0, pl.Series("id", [], dtype=pl.Int64)
        ids = reserve_ids(connection, Customer, df.height)
        df = df.with_columns(ids.alias("__id"))
        col = pl.col
        copy_into(connection, Customer, df, {
            "id": col("__id"), "code": col("code"), "kind": col("kind"), "name": col("name"),
            "name_initials": col("initials").fill_null(""), "resident_id": col("resident_id").fill_null(""),
            "person_in_charge": col("person_in_charge").fill_null(""), "region_id": col("region_id"),
            "owning_dealer_id": col("dealer_id"), "source": col("source"),
            "primary_phone": col("mobile").fill_null(""), "tags": col("tags").fill_null("[]"),
            "notes": col("notes").fill_null(""),
        }, now=now, with_pk=True)
        mobiles = df.filter(col("mobile").is_not_null())
        p = copy_into(connection, CustomerPhone, mobiles, {
            "customer_id": col("__id"), "number": col("mobile"), "digits_reversed": col("mobile_rev").fill_null(""),
            "kind": col("mobile_kind").fill_null("mobile"), "is_primary": pl.lit("t"),
        }, now=now)
        others = df.filter(col("other").is_not_null() & (col("other") != col("mobile").fill_null("")))
        p += copy_into(connection, CustomerPhone, others, {
            "customer_id": col("__id"), "number": col("other"), "digits_reversed": col("other_rev").fill_null(""),
            "kind": col("other_kind"), "is_primary": pl.lit("f"),
        }, now=now)
        a = copy_into(connection, CustomerAddress, df.filter(col("address").is_not_null()), {
            "customer_id": col("__id"), "province": col("province").fill_null(""), "city": col("city").fill_null(""),
            "district": col("district").fill_null(""), "detail": col("address"), "is_primary": pl.lit("t"),
        }, now=now)
        return df.height, p, a, ids

    @staticmethod
    def _upsert_staged(st: Staging, connection) -> tuple[dict, list[int]]:
        """Staging table -> ``INSERT … SELECT … ON CONFLICT (code) DO UPDATE`` plus phones and
        addresses (the SQLite path, and the rows of existing customers on PostgreSQL)."""
        stage = st.name
        jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
        st.analyze()
        cust = table(connection, Customer)
        with connection.cursor() as cur:
            # The check refused these rows; this holds if a customer moved since (issue 7 item 2).
            cur.execute(f"SELECT COUNT(*) FROM {stage} s JOIN {cust} c ON c.code = s.code "  # noqa: S608
                        "WHERE c.owning_dealer_id IS NOT NULL AND c.owning_dealer_id <> s.dealer_id")
            if cur.fetchone()[0]:
                raise ServiceError(_("Some rows would move existing customers to another dealer; nothing was "
                                     "imported. Check the file again."), code="out_of_scope")
            cur.execute(f"SELECT COUNT(*) FROM {stage} s JOIN {cust} c ON c.code = s.code")  # noqa: S608
            updated = cur.fetchone()[0]
        insert_select(connection, Customer, {
            "code": "s.code", "kind": "s.kind", "name": "s.name", "name_initials": "COALESCE(s.initials, '')",
            "resident_id": "COALESCE(s.resident_id, '')", "person_in_charge": "COALESCE(s.person_in_charge, '')",
            "region_id": "s.region_id", "owning_dealer_id": "s.dealer_id", "source": "s.source",
            "primary_phone": "s.mobile", "tags": f"s.tags{jsonb}", "notes": "COALESCE(s.notes, '')",
        }, source=f"{stage} s", conflict=(
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
            "name_initials = excluded.name_initials, owning_dealer_id = excluded.owning_dealer_id, "
            "source = excluded.source, updated_at = excluded.updated_at, "
            f"version = {cust}.version + 1, "
            f"primary_phone = CASE WHEN {cust}.primary_phone = '' THEN excluded.primary_phone "
            f"ELSE {cust}.primary_phone END"))
        phone = table(connection, CustomerPhone)
        # All rows new (the usual bulk case): no per-row "has a primary already" probes.
        no_primary = "(1 = 1)" if not updated else (
            f"NOT EXISTS (SELECT 1 FROM {phone} p WHERE p.customer_id = c.id AND p.is_primary)")  # noqa: S608
        phones = insert_select(connection, CustomerPhone, {
            "customer_id": "c.id", "number": "s.mobile", "digits_reversed": "s.mobile_rev",
            "kind": "COALESCE(s.mobile_kind, 'mobile')",
            "is_primary": no_primary,
        }, source=f"{stage} s JOIN {cust} c ON c.code = s.code")
        phones += insert_select(connection, CustomerPhone, {
            "customer_id": "c.id", "number": "s.other", "digits_reversed": "s.other_rev", "kind": "s.other_kind",
            "is_primary": "(1 = 0)",
        }, source=f"{stage} s JOIN {cust} c ON c.code = s.code", where="s.other IS NOT NULL")
        addr = table(connection, CustomerAddress)
        addresses = insert_select(connection, CustomerAddress, {
            "customer_id": "c.id", "province": "COALESCE(s.province, '')", "city": "COALESCE(s.city, '')",
            "district": "COALESCE(s.district, '')", "detail": "s.address",
            "is_primary": "(1 = 1)" if not updated else (
                f"NOT EXISTS (SELECT 1 FROM {addr} a WHERE a.customer_id = c.id AND a.is_primary)"),  # noqa: S608
        }, source=f"{stage} s JOIN {cust} c ON c.code = s.code",
            where="s.address IS NOT NULL" + ("" if not updated else (  # noqa: S608
                f" AND NOT EXISTS (SELECT 1 FROM {addr} a2 WHERE a2.customer_id = c.id "  # noqa: S608
                "AND a2.detail = s.address)")))
        total = st.rows
        with connection.cursor() as cur:
            cur.execute(f"SELECT c.id FROM {stage} s JOIN {cust} c ON c.code = s.code" if total <= search_index.REINDEX_LIMIT  # noqa: S608
                        else "SELECT 1 WHERE 1 = 0")  # noqa: S608
            ids = [r[0] for r in cur.fetchall()]
        return {"created": total - updated, "updated": updated, "phones": phones, "addresses": addresses}, ids
