"""Importers for customers, vehicles and parts (R-CUS-7, R-CUS-8), plugged into the kernel's
import jobs.  Validation works on whole columns with polars (the vectorised twins of
``core.validators``); reference codes (dealers, models, suppliers) are loaded once per job and
joined; duplicates are found inside the file (across chunks) and against the database.  Apply
writes set-based through a staging table (COPY on PostgreSQL) and upserts by natural key:
customer number, VIN, part number — so running it again never duplicates.
"""

from __future__ import annotations

import datetime
import sys
from typing import NamedTuple

import polars as pl
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.exceptions import ServiceError
from aftersales.core.imports import followups
from aftersales.core.imports import vectorised as V
from aftersales.core.imports.reading import ERRORS, ROW
from aftersales.core.imports.registry import Column, register_importer
from aftersales.core.imports.sql import BulkIndexes, Staging, copy_into, insert_select, reserve_ids, table
from aftersales.core.validators.sanity import FUTURE_DATE
from aftersales.org.models import Organisation, Region
from aftersales.parts.choices import PartCategory, PartUnit
from aftersales.parts.models import Part, Supplier

from . import import_scope
from .choices import CustomerKind, CustomerSource
from .models import Customer, CustomerAddress, CustomerPhone, Vehicle, VehicleModel, VehicleOwnership
from .services import name_initials
from .validation import MAX_MILEAGE_KM, MILEAGE_TOO_HIGH, SALE_BEFORE_PRODUCTION

NULL = pl.lit(None, dtype=pl.String)
LOOKUP_BATCH = 20_000
ARRAY_BATCH = 100_000
REINDEX_LIMIT = 5_000


class Check(NamedTuple):
    """One possible error of a row: ``reason`` for ``column`` where ``cond`` holds."""

    column: str
    cond: pl.Expr
    reason: pl.Expr

    def expr(self) -> pl.Expr:
        return pl.when(self.cond).then(pl.struct(column=pl.lit(self.column),
                                                 value=pl.col(self.column).fill_null(""), reason=self.reason))


ERROR_STRUCT = pl.Struct({"column": pl.String, "value": pl.String, "reason": pl.String})


def err(column: str, cond: pl.Expr, reason: pl.Expr | str) -> Check:
    """One possible error of a row: a {column, value, reason} struct when ``cond`` holds."""
    reason = pl.lit(str(reason)) if not isinstance(reason, pl.Expr) else reason
    return Check(column, cond, reason)


def collect_errors(df: pl.DataFrame, checks: list[Check]) -> pl.DataFrame:
    """``__errors`` (list of {column, value, reason}) per row.  The error structs and messages are
    built only for the rows that fail some check (one boolean pass finds them), so a clean chunk
    costs one ``any_horizontal`` and a file full of errors no more than it must."""
    failing = df.select(pl.any_horizontal([c.cond.fill_null(False) for c in checks]).alias("f")).to_series()
    empty = pl.lit([], dtype=pl.List(ERROR_STRUCT)).alias(ERRORS)
    if not failing.any():
        return df.with_columns(empty)
    every = pl.concat_list([c.expr() for c in checks]).list.drop_nulls().cast(pl.List(ERROR_STRUCT)).alias(ERRORS)
    if failing.all():
        return df.with_columns(every)
    order = pl.int_range(0, pl.len(), dtype=pl.UInt32).alias("__order")
    df = df.with_columns(order)
    out = pl.concat([df.filter(failing).with_columns(every), df.filter(~failing).with_columns(empty)])
    return out.sort("__order").drop("__order")


def required(column: str) -> pl.Expr:
    return err(column, pl.col(column).is_null(), _("Required; this cell is empty."))


def too_long(column: str, limit: int) -> pl.Expr:
    return err(column, pl.col(column).str.len_chars() > limit,
               _("At most %(limit)d characters.") % {"limit": limit})


def _code_map(qs, key: str = "code") -> dict[str, int]:
    return {str(k).upper(): pk for k, pk in qs.values_list(key, "pk")}


def lookup(df_codes: pl.Series, mapping: dict[str, int]) -> pl.Series:
    return df_codes.str.to_uppercase().replace_strict(list(mapping), list(mapping.values()), default=None,
                                                      return_dtype=pl.Int64)


def existing(queryset, field: str, values: pl.Series, *, extra: str | None = None) -> pl.DataFrame:
    """Rows of ``queryset`` whose ``field`` is one of ``values``.

    One statement per batch with the values bound as ONE array parameter (``= ANY(%s)``) on
    PostgreSQL — an IN list of 20,000 placeholders costs more to build and parse than to run;
    other engines use batched IN lists."""
    values = values.drop_nulls().unique()
    fields = [field] + ([extra] if extra else [])
    schema = {field: pl.String} | ({extra: pl.String} if extra else {})
    out: list[tuple] = []
    conn = connections[queryset.db]
    if conn.vendor == "postgresql":
        base = queryset.filter(**{f"{field}__in": ["__probe__"]}).values_list(*fields)
        sql, params = base.query.sql_with_params()
        # the single placeholder of the probe list becomes the array
        probe = params.index("__probe__")
        head, _sep, tail = sql.partition(" IN (%s)")
        if _sep and sql.count(" IN (%s)") == 1 and params.count("__probe__") == 1:
            sql = head + " = ANY(%s)" + tail
            with conn.cursor() as cur:
                for start in range(0, len(values), ARRAY_BATCH):
                    batch = values.slice(start, ARRAY_BATCH).to_list()
                    p = list(params)
                    p[probe] = batch
                    cur.execute(sql, p)
                    out.extend(cur.fetchall())
            return pl.DataFrame(out, schema=schema, orient="row")
    for start in range(0, len(values), LOOKUP_BATCH):
        batch = values.slice(start, LOOKUP_BATCH).to_list()
        out.extend(queryset.filter(**{f"{field}__in": batch}).values_list(*fields))
    return pl.DataFrame(out, schema=schema, orient="row")


class DuplicateTracker:
    """Values seen in earlier chunks of the file, as sorted runs of their 64-bit hashes (8 bytes a
    key: two million keys stay at 16 MB): a check is a binary search per value and run, not a
    rebuild of a hash set over everything seen so far.  Runs merge like a binary counter (two
    runs of similar size become one), so there are O(log chunks) of them.

    Hashing makes a false "duplicate" possible in principle: for n distinct keys the chance that
    any two collide is about n²/2⁶⁵ (≈ 10⁻⁷ for the largest file accepted, ~2M rows).  Within a
    chunk the check is exact."""

    SEED = 0x5EED

    def __init__(self):
        self.seen: dict[str, list[pl.Series]] = {}

    def check(self, name: str, values: pl.Series) -> pl.Series:
        present = values.is_not_null()
        dup = present & ~values.is_first_distinct()
        runs = self.seen.setdefault(name, [])
        if runs and present.any():
            h = values.hash(self.SEED)
            for run in runs:
                pos = run.search_sorted(h, side="left").clip(0, run.len() - 1)
                dup = dup | (present & (run.gather(pos) == h))
        new = values.drop_nulls().unique().hash(self.SEED).sort()
        if new.len():
            runs.append(new)
            while len(runs) > 1 and runs[-2].len() <= 2 * runs[-1].len():
                last = runs.pop()
                runs[-1] = pl.concat([runs[-1], last]).sort()
        return dup.rename(values.name)


def _initials(names: pl.Series) -> pl.Series:
    """Pinyin initials, computed per distinct character (a few thousand pypinyin calls for a
    million names) of the distinct names, and mapped back with one column operation."""
    uniq = names.drop_nulls().unique()
    chars = uniq.str.split("").explode().unique().drop_nulls()
    mapping = {c: name_initials(c) for c in chars.to_list()}
    ini = (uniq.str.split("").list.eval(
        pl.element().replace_strict(list(mapping), list(mapping.values()), default="", return_dtype=pl.String))
        .list.join("").str.slice(0, 40))
    return names.replace_strict(uniq, ini, default=None, return_dtype=pl.String)


class BaseImporter:
    kind = ""
    label = ""
    #: tables whose planner statistics are refreshed after an apply (``ANALYZE``, issue 8.7)
    written_models: tuple = ()
    permission = ""
    columns: list[Column] = []
    natural_key = ""

    def template_rows(self) -> list[list[str]]:
        return [[c.example for c in self.columns]]

    def prepare(self, job):
        return {"dup": DuplicateTracker(), "job": job}


# ---------------------------------------------------------------------------------------------
# Customers
# ---------------------------------------------------------------------------------------------

class CustomerNumbers:
    """Customer numbers for the rows of an import that have none, from the dealers' series.

    Reserved per (chunk, dealer) with one statement each; the plan — chunk and dealer → period
    and first number — goes into the job's result, so a second apply of a committed job gives
    every row the number it got the first time."""

    def __init__(self, job):
        self.plan: dict[str, list] = dict(((job.result or {}) if job is not None else {}).get("customer_numbers", {}))
        self._dealer_codes: dict[int, str] | None = None

    def fill(self, df: pl.DataFrame, chunk: int) -> pl.DataFrame:
        from aftersales.core import numbering

        from .services import CUSTOMER_PREFIX

        df = df.with_columns(pl.col("code").cast(pl.String))  # a chunk of only new rows reads back as Null
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


class CustomerImporter(BaseImporter):
    kind = "customers"
    label = gettext_lazy("customers")
    written_models = (Customer, CustomerPhone, CustomerAddress)
    permission = "customers.add_customer"
    natural_key = "code"
    columns = [
        Column("code", "客户编号", example="C-D1001-20261202-0001", help=gettext_lazy("Leave empty for new customers."),
               aliases=("customer no.",)),
        Column("kind", "客户类型", example="个人", aliases=("customer type",)),
        Column("name", "姓名", required=True, example="张伟"),
        Column("mobile", "手机", required=True, example="13812345678", aliases=("mobile",)),
        Column("other_phone", "其他电话", example="010-62345678"),
        Column("resident_id", "证件号码", example="", aliases=("身份证号", "resident id")),
        Column("province", "省", example="北京"),
        Column("city", "市", example="北京市"),
        Column("district", "区", example="朝阳区"),
        Column("address", "详细地址", example="建国路 88 号 3 单元 501"),
        Column("person_in_charge", "负责人", example=""),
        Column("dealer_code", "所属经销商代码", required=True, example="D1001", aliases=("dealer code",)),
        Column("source", "来源", example="购车"),
        Column("tags", "标签", example="老客户,车队"),
        Column("notes", "备注", example=""),
    ]

    def prepare(self, job):
        ctx = super().prepare(job)
        ctx["dealers"] = _code_map(import_scope.dealers_for(job))
        cities = {}
        for name, pk in Region.objects.filter(kind="city").values_list("name", "pk"):
            cities[name] = pk
            cities[name.removesuffix("市")] = pk
        ctx["cities"] = cities
        ctx["has_phones"] = CustomerPhone.objects.exists()
        return ctx

    def validate(self, df: pl.DataFrame, ctx) -> pl.DataFrame:
        df = V.phone_columns(df, "mobile", "_mobile")
        df = V.phone_columns(df, "other_phone", "_other")
        rid, rerr = V.resident_id_check(pl.col("resident_id"))
        df = df.rename({"_mobile_kind": "_mkind", "_mobile_nsn": "_mnsn", "_mobile_err": "_merr",
                        "_other_kind": "_okind", "_other_nsn": "_onsn", "_other_err": "_oerr"})
        df = df.with_columns(
            rid.alias("_rid"), rerr.alias("_rerr"),
            V.choice(pl.col("kind"), CustomerKind, CustomerKind.PERSON).alias("_kind"),
            V.choice(pl.col("source"), CustomerSource, CustomerSource.IMPORT).alias("_source"),
            pl.col("code").str.to_uppercase().alias("_code"),
        )
        dealer_ids = lookup(df["dealer_code"].fill_null(""), ctx["dealers"])
        city_ids = df["city"].fill_null("").replace_strict(list(ctx["cities"]), list(ctx["cities"].values()),
                                                           default=None, return_dtype=pl.Int64)
        dup = ctx["dup"]
        df = df.with_columns(
            dealer_ids.alias("_dealer_id"), city_ids.alias("_region_id"),
            dup.check("code", df["_code"]).alias("_dup_code"),
            dup.check("mobile", df["_mobile"]).alias("_dup_mobile"),
        )
        df = import_scope.customer_code_columns(df, ctx.get("job"))
        # A mobile already stored for another of the user's customers: an existing customer is
        # updated only by number.  Other stores' numbers are neither taken nor named (issue 7 item 2).
        owner_code = NULL
        if ctx["has_phones"]:
            found = existing(import_scope.phones_for(ctx.get("job")), "number", df["_mobile"], extra="customer__code")
            if found.height:
                found = found.unique("number")
                df = df.join(found.rename({"number": "_mobile", "customer__code": "_owner_code"}), on="_mobile",
                             how="left")
                owner_code = pl.col("_owner_code")
        mobile_taken = owner_code.is_not_null() & (pl.col("_code").is_null() | (pl.col("_code") != owner_code))
        checks = [
            required("name"), too_long("name", 100),
            required("mobile"),
            err("mobile", pl.col("mobile").is_not_null() & pl.col("_merr").is_not_null(), pl.col("_merr")),
            err("mobile", pl.col("_mkind").is_not_null() & (pl.col("_mkind") != "mobile"),
                _("This is not a mobile number; put landlines in “其他电话”.")),
            err("mobile", pl.col("_dup_mobile"), _("The same mobile number appears more than once in the file.")),
            err("mobile", mobile_taken, V.fmt(_("This mobile number already belongs to customer %(code)s."),
                                              code=owner_code)),
            err("other_phone", pl.col("other_phone").is_not_null() & pl.col("_oerr").is_not_null(), pl.col("_oerr")),
            err("resident_id", pl.col("resident_id").is_not_null() & pl.col("_rerr").is_not_null(), pl.col("_rerr")),
            err("code", pl.col("code").is_not_null() & ~pl.col("_code").str.contains(r"^[A-Z0-9][A-Z0-9_-]{0,39}$"),
                _("Use up to 40 letters, digits, '-' or '_'.")),
            err("code", pl.col("_dup_code"), _("The same customer number appears more than once in the file.")),
            err("kind", pl.col("kind").is_not_null() & pl.col("_kind").is_null(),
                _("Unknown customer type; use 个人, 车队 or 公司.")),
            err("source", pl.col("source").is_not_null() & pl.col("_source").is_null(),
                _("Unknown source; use one of: %(values)s.") % {"values": "、".join(
                    str(label) for _v, label in CustomerSource.choices)}),
            required("dealer_code"),
            err("dealer_code", pl.col("dealer_code").is_not_null() & pl.col("_dealer_id").is_null(),
                _("Unknown dealer code, or a dealer outside your organisation.")),
            too_long("address", 200), too_long("person_in_charge", 40), too_long("province", 20),
            too_long("city", 30), too_long("district", 30),
            *import_scope.customer_code_checks(),
        ]
        import_scope.record_refused_attempts(df, ctx)
        df = collect_errors(df, checks)
        tags = (pl.col("tags").str.replace_all(r'["\\]', "").str.split_by_regex(r"[,，;；、\s]+")
                if hasattr(pl.col("tags").str, "split_by_regex") else
                pl.col("tags").str.replace_all(r'["\\]', "").str.replace_all(r"[，;；、\s]+", ",").str.split(","))
        tags_json = pl.when(pl.col("tags").is_null()).then(pl.lit("[]")).otherwise(
            pl.lit('["') + tags.list.eval(pl.element().filter(pl.element() != "")).list.join('","') + pl.lit('"]'))
        out = df.select(
            pl.col(ROW), pl.col(ERRORS),
            pl.col("_code").alias("code"),  # empty for new customers: numbered when applied
            pl.col("_kind").alias("kind"), pl.col("name"),
            pl.col("_mobile").alias("mobile"), pl.col("_mnsn").str.reverse().alias("mobile_rev"),
            pl.col("_other").alias("other"), pl.col("_okind").alias("other_kind"),
            pl.col("_onsn").str.reverse().alias("other_rev"),
            pl.col("_rid").replace("", None).alias("resident_id"),
            "province", "city", "district", "address", "person_in_charge",
            pl.col("_dealer_id").alias("dealer_id"), pl.col("_region_id").alias("region_id"),
            pl.col("_source").alias("source"), tags_json.str.replace(r'^\[""\]$', "[]").alias("tags"), "notes",
        )
        return out.with_columns(_initials(out["name"]).alias("initials"))

    STAGE = {
        "row": "bigint", "code": "text", "kind": "text", "name": "text", "initials": "text", "mobile": "text",
        "mobile_rev": "text", "other": "text", "other_kind": "text", "other_rev": "text", "resident_id": "text",
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

        Search keys (customers.lookup): a bulk load, or one that adds more than a quarter of the
        table, triggers the full set-based rebuild after commit; smaller ones key their new
        customers set-based inside the transaction (``_index_new_customers``) and re-key updated
        ones with ``lookup.reindex_customers``.

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
                _refresh_search_index(connection, customer_ids=ids, total=st.rows)
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
        from django.utils import timezone

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
                new_ids.extend(_runs(ids))
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
            big = created > REINDEX_LIMIT and created * 4 > table_rows
            if bulk or big or (updated and not old_ids):
                _refresh_search_index(connection, total=max(rows, REINDEX_LIMIT + 1))
            else:
                _index_new_customers(connection, new_ids)
                _refresh_search_index(connection, customer_ids=old_ids, total=len(old_ids))
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
            "kind": pl.lit("mobile"), "is_primary": pl.lit("t"),
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
            "customer_id": "c.id", "number": "s.mobile", "digits_reversed": "s.mobile_rev", "kind": "'mobile'",
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
            cur.execute(f"SELECT c.id FROM {stage} s JOIN {cust} c ON c.code = s.code" if total <= REINDEX_LIMIT  # noqa: S608
                        else "SELECT 1 WHERE 1 = 0")  # noqa: S608
            ids = [r[0] for r in cur.fetchall()]
        return {"created": total - updated, "updated": updated, "phones": phones, "addresses": addresses}, ids


def _runs(ids: pl.Series) -> list[tuple[int, int]]:
    """Runs of consecutive values of an ascending id column: [(first, last), …]."""
    if not ids.len():
        return []
    frame = pl.DataFrame({"id": ids}).with_columns((pl.col("id") - pl.int_range(0, pl.len())).alias("g"))
    runs = frame.group_by("g", maintain_order=True).agg(pl.col("id").min().alias("lo"), pl.col("id").max().alias("hi"))
    return [(int(lo), int(hi)) for lo, hi in runs.select("lo", "hi").iter_rows()]


def _index_new_customers(connection, runs: list[tuple[int, int]]) -> None:
    """Search keys of just-imported (new) customers, set-based in the import transaction: the
    customer half of ``lookup.rebuild_search_index``'s SQL (same normalisation, same keys) over
    the id runs of this import — a few statements instead of one Python round per customer, and
    no rebuild of everybody else's keys.  New customers own no vehicles yet and have no keys to
    replace.  PostgreSQL only (other engines: ``lookup.reindex_customers``)."""
    try:
        from . import lookup
    except ImportError:
        return
    if not runs:
        return
    if connection.vendor != "postgresql" or not hasattr(lookup, "_PG_NAME_STRIP"):
        ids = [i for lo, hi in runs for i in range(lo, hi + 1)]
        _refresh_search_index(connection, customer_ids=ids, total=len(ids))
        return
    key_max, inner_max = int(lookup.KEY_MAX), int(lookup.NAME_INNER_MAX_START) + 1
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
            cur.execute(sql, {"strip": lookup._PG_NAME_STRIP, "lo": lo, "hi": hi})


def _refresh_search_index(connection, *, customer_ids=(), vehicle_ids=(), total: int = 0) -> None:
    """Keep the lookup engineer's search-key table in step with a bulk load, when it exists:
    small imports re-key their rows in the import transaction; large ones rebuild the whole
    index once the import has committed (a set-based rebuild beats millions of single re-keys)."""
    try:
        from . import lookup
    except ImportError:
        return
    if total > REINDEX_LIMIT:
        if callable(getattr(lookup, "rebuild_search_index", None)):
            # Part of the job's durable work, not a bare on_commit callback: a worker killed in
            # the rebuild leaves the job "finishing", and it is retried (ADR 0013).
            followups.after_commit("aftersales.customers.lookup.rebuild_search_index")
        return
    if customer_ids and callable(getattr(lookup, "reindex_customers", None)):
        lookup.reindex_customers(customer_ids)
    if vehicle_ids and callable(getattr(lookup, "reindex_vehicles", None)):
        lookup.reindex_vehicles(vehicle_ids)


# ---------------------------------------------------------------------------------------------
# Vehicles
# ---------------------------------------------------------------------------------------------

class VehicleImporter(BaseImporter):
    kind = "vehicles"
    label = gettext_lazy("vehicles")
    written_models = (Vehicle, VehicleOwnership)
    permission = "customers.add_vehicle"
    natural_key = "vin"
    columns = [
        Column("vin", "车架号VIN", required=True, example="LSJA24U62JG269225", aliases=("VIN", "车架号")),
        Column("plate", "车牌号", example="京A12345", aliases=("plate",)),
        # Examples the demo has (customers/seed.py, org/seed.py), so the template's row imports as is.
        Column("model_code", "车型代码", required=True, example="XM-E1", aliases=("model code",),
               help=gettext_lazy("A vehicle model code of the archive, e.g. XM-E1.")),
        Column("colour", "颜色", example="白色"),
        Column("production_date", "生产日期", example="2025-03-18"),
        Column("production_batch", "生产批次", example="B2503-01"),
        Column("dealer_code", "销售经销商代码", example="D1001"),
        Column("sale_date", "销售日期", example="2025-05-01"),
        Column("invoice_date", "开票日期", example="2025-05-01"),
        Column("owner_mobile", "车主手机", example="",
               help=gettext_lazy("The mobile of a customer already in the archive (import customers first); "
                                 "leave empty for a vehicle without an owner yet.")),
        Column("owner_code", "客户编号", example="",
               help=gettext_lazy("Or the customer no. of the owner, e.g. C-D1001-20261202-0001.")),
        Column("mileage", "里程", example="12000"),
    ]

    def prepare(self, job):
        ctx = super().prepare(job)
        ctx["models"] = _code_map(VehicleModel.objects.all())
        ctx["dealers"] = _code_map(import_scope.dealers_for(job))
        ctx["has_vehicles"] = Vehicle.objects.exists()
        return ctx

    def validate(self, df: pl.DataFrame, ctx) -> pl.DataFrame:
        df = V.vin_columns(df, "vin", "_vin").rename({"_vin_err": "_verr"})
        df = V.phone_columns(df, "owner_mobile", "_omobile").rename({"_omobile_err": "_omerr"})
        plate, pkind, perr = V.plate_check(pl.col("plate"))
        mileage = pl.col("mileage").str.replace_all(r"[,，\s]|km|KM|公里", "")
        df = df.with_columns(
            plate.alias("_plate"), pkind.alias("_pkind"), perr.alias("_perr"),
            V.parse_date(pl.col("production_date")).alias("_pdate"), V.parse_date(pl.col("sale_date")).alias("_sdate"),
            V.parse_date(pl.col("invoice_date")).alias("_idate"),
            mileage.cast(pl.Int64, strict=False).alias("_mileage"),
            pl.col("owner_code").str.to_uppercase().alias("_ocode"),
        )
        dup = ctx["dup"]
        df = df.with_columns(
            lookup(df["model_code"].fill_null(""), ctx["models"]).alias("_model_id"),
            lookup(df["dealer_code"].fill_null(""), ctx["dealers"]).alias("_dealer_id"),
            dup.check("vin", df.select(pl.when(pl.col("_verr").is_null()).then(pl.col("_vin")))["_vin"])
            .alias("_dup_vin"),
        )
        in_db = pl.lit(False)
        if ctx["has_vehicles"]:
            found = existing(Vehicle.objects.all(), "vin", df["_vin"])
            df = df.with_columns(pl.col("_vin").is_in(found["vin"].implode()).alias("_vin_in_db"))
            in_db = pl.col("_vin_in_db")
        # Owner by customer number first, else by mobile.
        # Owners only among the user's customers: another store's customer is "no customer" (issue 7 item 2).
        job = ctx.get("job")
        by_code = existing(import_scope.customers_for(job), "code", df["_ocode"], extra="pk")
        by_mobile = existing(import_scope.phones_for(job), "number", df["_omobile"], extra="customer_id")
        df = (df.join(by_code.rename({"code": "_ocode", "pk": "_owner_by_code"}).unique("_ocode"), on="_ocode",
                      how="left")
                .join(by_mobile.rename({"number": "_omobile", "customer_id": "_owner_by_mobile"}).unique("_omobile"),
                      on="_omobile", how="left"))
        df = df.with_columns(pl.coalesce(pl.col("_owner_by_code"), pl.col("_owner_by_mobile")).cast(pl.Int64)
                             .alias("_owner_id"))
        today = pl.lit(datetime.date.today())
        bad_date = _("Not a date; use YYYY-MM-DD, e.g. 2025-05-01.")
        future = str(FUTURE_DATE)
        checks = [
            required("vin"),
            err("vin", pl.col("vin").is_not_null() & pl.col("_verr").is_not_null(), pl.col("_verr")),
            err("vin", pl.col("_dup_vin"), _("The same VIN appears more than once in the file.")),
            err("vin", in_db, _("A vehicle with this VIN already exists.")),
            err("plate", pl.col("plate").is_not_null() & pl.col("_perr").is_not_null(), pl.col("_perr")),
            required("model_code"),
            err("model_code", pl.col("model_code").is_not_null() & pl.col("_model_id").is_null(),
                _("Unknown vehicle model code.")),
            err("dealer_code", pl.col("dealer_code").is_not_null() & pl.col("_dealer_id").is_null(),
                _("Unknown dealer code, or a dealer outside your organisation.")),
            err("production_date", pl.col("production_date").is_not_null() & pl.col("_pdate").is_null(), bad_date),
            err("sale_date", pl.col("sale_date").is_not_null() & pl.col("_sdate").is_null(), bad_date),
            err("invoice_date", pl.col("invoice_date").is_not_null() & pl.col("_idate").is_null(), bad_date),
            err("production_date", pl.col("_pdate") > today, future),
            err("sale_date", pl.col("_sdate") > today, future),
            err("invoice_date", pl.col("_idate") > today, future),
            err("sale_date", pl.col("_sdate") < pl.col("_pdate"), str(SALE_BEFORE_PRODUCTION)),
            err("mileage", pl.col("mileage").is_not_null() & (pl.col("_mileage").is_null() | (pl.col("_mileage") < 0)),
                _("Give the mileage as a whole number of kilometres.")),
            err("mileage", pl.col("_mileage") > MAX_MILEAGE_KM,
                str(MILEAGE_TOO_HIGH) % {"max": f"{MAX_MILEAGE_KM:,}"}),
            err("owner_mobile", pl.col("owner_mobile").is_not_null() & pl.col("_omerr").is_not_null(),
                pl.col("_omerr")),
            err("owner_code", pl.col("owner_code").is_not_null() & pl.col("_owner_by_code").is_null(),
                _("None of your customers has this number.")),
            err("owner_mobile", pl.col("owner_mobile").is_not_null() & pl.col("_omerr").is_null()
                & pl.col("owner_code").is_null() & pl.col("_owner_by_mobile").is_null(),
                _("None of your customers has this mobile number; import the customer first.")),
            too_long("colour", 20), too_long("production_batch", 30),
            *([] if import_scope.sees_all(job) else import_scope.vehicle_dealer_check()),
        ]
        df = collect_errors(df, checks)
        return df.select(
            pl.col(ROW), pl.col(ERRORS), pl.col("_vin").alias("vin"), pl.col("_plate").replace("", None).alias("plate"),
            pl.col("_pkind").alias("plate_kind"), pl.col("_model_id").alias("model_id"), "colour",
            pl.col("_pdate").cast(pl.String).alias("production_date"), "production_batch",
            pl.col("_dealer_id").alias("dealer_id"), pl.col("_sdate").cast(pl.String).alias("sale_date"),
            pl.col("_idate").cast(pl.String).alias("invoice_date"), pl.col("_owner_id").alias("owner_id"),
            pl.col("_mileage").fill_null(0).alias("mileage"),
        )

    STAGE = {"row": "bigint", "vin": "text", "plate": "text", "plate_kind": "text", "model_id": "bigint",
             "colour": "text", "production_date": "date", "production_batch": "text", "dealer_id": "bigint",
             "sale_date": "date", "invoice_date": "date", "owner_id": "bigint", "mileage": "bigint"}

    def apply(self, job, frames, *, mode, connection, progress=None, refresh_index: bool = True) -> dict:
        stage = "imp_stage_vehicles"
        with Staging(connection, stage, self.STAGE) as st:
            for df in frames:
                st.load(df.rename({ROW: "row"}))
                if progress:
                    progress(st.rows)
            st.analyze()
            created = insert_select(connection, Vehicle, {
                "vin": "s.vin", "plate": "COALESCE(s.plate, '')", "plate_kind": "COALESCE(s.plate_kind, '')",
                "vehicle_model_id": "s.model_id", "colour": "COALESCE(s.colour, '')",
                "production_date": "s.production_date", "production_batch": "COALESCE(s.production_batch, '')",
                "selling_dealer_id": "s.dealer_id", "servicing_dealer_id": "s.dealer_id", "sale_date": "s.sale_date",
                "invoice_date": "s.invoice_date", "owner_id": "s.owner_id", "current_mileage": "s.mileage",
                "mileage_read_on": "CASE WHEN s.mileage > 0 THEN CURRENT_DATE END",
            }, source=f"{stage} s")
            veh, own = table(connection, Vehicle), table(connection, VehicleOwnership)
            ownerships = insert_select(connection, VehicleOwnership, {
                "vehicle_id": "v.id", "customer_id": "s.owner_id",
                "started_on": "COALESCE(s.invoice_date, s.sale_date, CURRENT_DATE)", "reason": "'import'",
            }, source=f"{stage} s JOIN {veh} v ON v.vin = s.vin",
                where=f"s.owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {own} o WHERE o.vehicle_id = v.id)")  # noqa: S608
            total = st.rows
            with connection.cursor() as cur:
                cur.execute(f"SELECT v.id FROM {stage} s JOIN {veh} v ON v.vin = s.vin" if total <= REINDEX_LIMIT  # noqa: S608
                            else "SELECT 1 WHERE 1 = 0")  # noqa: S608
                ids = [r[0] for r in cur.fetchall()]
        if refresh_index:
            _refresh_search_index(connection, vehicle_ids=ids, total=total)
        return {"created": created, "updated": 0, "skipped_existing": total - created, "ownerships": ownerships}


# ---------------------------------------------------------------------------------------------
# Parts
# ---------------------------------------------------------------------------------------------

_YES = ["是", "y", "yes", "true", "1", "√", "✓"]
_NO = ["否", "n", "no", "false", "0", "×"]


class PartImporter(BaseImporter):
    kind = "parts"
    label = gettext_lazy("parts")
    written_models = (Part,)
    permission = "parts.add_part"
    natural_key = "part_number"
    columns = [
        Column("part_number", "配件编号", required=True, example="MT-2200-01", aliases=("part number",)),
        Column("name", "名称", required=True, example="驱动电机总成"),
        Column("category", "类别", required=True, example="驱动电机"),
        Column("unit", "单位", example="件"),
        Column("price", "单价", example="12800.00"),
        Column("supplier_code", "供应商代码", example="S001"),
        Column("is_accessory", "精品", example="否"),
    ]

    def prepare(self, job):
        ctx = super().prepare(job)
        ctx["suppliers"] = _code_map(Supplier.objects.all())
        return ctx

    def validate(self, df: pl.DataFrame, ctx) -> pl.DataFrame:
        number = V.nfkc(pl.col("part_number")).str.strip_chars().str.to_uppercase()
        price = pl.col("price").str.replace_all(r"[¥￥,，\s元]", "")
        flag = pl.col("is_accessory").str.to_lowercase()
        df = df.with_columns(
            number.alias("_number"), price.alias("_price"),
            V.choice(pl.col("category"), PartCategory).alias("_category"),
            V.choice(pl.col("unit"), PartUnit, PartUnit.PIECE).alias("_unit"),
            pl.when(flag.is_null() | flag.is_in(_NO)).then(False).when(flag.is_in(_YES)).then(True).alias("_acc"),
        )
        df = df.with_columns(
            lookup(df["supplier_code"].fill_null(""), ctx["suppliers"]).alias("_supplier_id"),
            ctx["dup"].check("part_number", df["_number"]).alias("_dup"),
        )
        checks = [
            required("part_number"), required("name"), required("category"), too_long("name", 100),
            err("part_number", pl.col("part_number").is_not_null()
                & ~pl.col("_number").str.contains(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$"),
                _("Use letters, digits and single hyphens only, e.g. MT-2200-01.")),
            err("part_number", pl.col("_number").str.len_chars() > 40, _("At most %(limit)d characters.") % {"limit": 40}),
            err("part_number", pl.col("_dup"), _("The same part number appears more than once in the file.")),
            err("category", pl.col("category").is_not_null() & pl.col("_category").is_null(),
                _("Unknown category; use one of: %(values)s.") % {"values": "、".join(
                    str(label) for _v, label in PartCategory.choices)}),
            err("unit", pl.col("unit").is_not_null() & pl.col("_unit").is_null(), _("Unknown unit.")),
            err("price", pl.col("price").is_not_null() & ~pl.col("_price").str.contains(r"^\d{1,8}(\.\d{1,2})?$"),
                _("Give the price in yuan with at most 2 decimals, e.g. 128.50.")),
            err("supplier_code", pl.col("supplier_code").is_not_null() & pl.col("_supplier_id").is_null(),
                _("Unknown supplier code.")),
            err("is_accessory", pl.col("is_accessory").is_not_null() & pl.col("_acc").is_null(),
                _("Write 是 or 否.")),
        ]
        df = collect_errors(df, checks)
        return df.select(pl.col(ROW), pl.col(ERRORS), pl.col("_number").alias("part_number"), "name",
                         pl.col("_category").alias("category"), pl.col("_unit").alias("unit"),
                         pl.col("_price").fill_null("0").alias("price"), pl.col("_supplier_id").alias("supplier_id"),
                         pl.col("_acc").cast(pl.Int8).alias("is_accessory"))

    STAGE = {"row": "bigint", "part_number": "text", "name": "text", "category": "text", "unit": "text",
             "price": "text", "supplier_id": "bigint", "is_accessory": "int"}

    def apply(self, job, frames, *, mode, connection, progress=None) -> dict:
        stage = "imp_stage_parts"
        with Staging(connection, stage, self.STAGE) as st:
            for df in frames:
                st.load(df.rename({ROW: "row"}))
                if progress:
                    progress(st.rows)
            st.analyze()
            part = table(connection, Part)
            with connection.cursor() as cur:
                cur.execute(f"SELECT COUNT(*) FROM {stage} s JOIN {part} p ON p.part_number = s.part_number")  # noqa: S608
                updated = cur.fetchone()[0]
            insert_select(connection, Part, {
                "part_number": "s.part_number", "name": "s.name", "category": "s.category", "unit": "s.unit",
                "price": "CAST(s.price AS NUMERIC)", "supplier_id": "s.supplier_id",
                "is_accessory": "(s.is_accessory = 1)",
            }, source=f"{stage} s", conflict=(
                "ON CONFLICT (part_number) DO UPDATE SET name = excluded.name, category = excluded.category, "
                "unit = excluded.unit, price = excluded.price, supplier_id = excluded.supplier_id, "
                f"is_accessory = excluded.is_accessory, updated_at = excluded.updated_at, version = {part}.version + 1"))
            total = st.rows
        return {"created": total - updated, "updated": updated}


register_importer("customers", CustomerImporter())
register_importer("vehicles", VehicleImporter())
register_importer("parts", PartImporter())
