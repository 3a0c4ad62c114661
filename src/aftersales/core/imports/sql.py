"""Set-based writing for importers: a TEMP staging table loaded with ``COPY`` on PostgreSQL
(``executemany`` batches on SQLite), then ``INSERT … SELECT … ON CONFLICT`` into the real tables.

Column defaults of the target model are taken from its fields, so importers only name the columns
they fill; a field added later with a default keeps working.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable

import polars as pl
from django.db import models
from django.utils import timezone

SQLITE_BATCH = 5000
log = logging.getLogger("aftersales.imports")


def qn(connection, name: str) -> str:
    return connection.ops.quote_name(name)


class Staging:
    """A TEMP table with the given columns (name -> 'text' | 'bigint' | 'int'), dropped at the end."""

    def __init__(self, connection, name: str, columns: dict[str, str]):
        self.connection, self.name, self.columns = connection, name, columns
        self.rows = 0

    def __enter__(self) -> Staging:
        cols = ", ".join(f"{qn(self.connection, c)} {t}" for c, t in self.columns.items())
        with self.connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.name}")
            extra = " ON COMMIT DROP" if self.connection.vendor == "postgresql" else ""
            cur.execute(f"CREATE TEMP TABLE {self.name} ({cols}){extra}")
        return self

    def __exit__(self, *exc) -> None:
        if self.connection.vendor != "postgresql" or exc[0] is None:
            try:
                with self.connection.cursor() as cur:
                    cur.execute(f"DROP TABLE IF EXISTS {self.name}")
            except Exception:  # the transaction is already broken; it rolls back the table too
                if exc[0] is None:
                    raise

    def analyze(self) -> None:
        """Temp tables have no statistics until analysed; without them the planner picks nested
        loops for the million-row joins that follow."""
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cur:
                cur.execute(f"ANALYZE {self.name}")
                cur.execute("SET LOCAL work_mem = '256MB'")

    def load(self, df: pl.DataFrame) -> None:
        df = df.select(list(self.columns))
        if self.connection.vendor == "postgresql":
            self._copy(df)
        else:
            self._executemany(df)
        self.rows += df.height

    def _copy(self, df: pl.DataFrame) -> None:
        cols = ", ".join(qn(self.connection, c) for c in self.columns)
        data = df.write_csv(include_header=False, null_value="").encode("utf-8")
        with self.connection.cursor() as cur:
            raw = cur.cursor  # the psycopg cursor
            with raw.copy(f"COPY {self.name} ({cols}) FROM STDIN (FORMAT csv)") as copy:
                step = 8 << 20
                for i in range(0, len(data), step):
                    copy.write(data[i:i + step])

    def _executemany(self, df: pl.DataFrame) -> None:
        cols = ", ".join(qn(self.connection, c) for c in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        sql = f"INSERT INTO {self.name} ({cols}) VALUES ({marks})"  # noqa: S608
        with self.connection.cursor() as cur:
            for start in range(0, df.height, SQLITE_BATCH):
                cur.executemany(sql, df.slice(start, SQLITE_BATCH).rows())


def refresh_statistics(connection, models=None) -> None:
    """Refresh the planner's statistics after bulk writes (issue 8 item 7).

    Autovacuum analyses a table only after a delay; until then a freshly seeded or imported
    million-row table has no statistics and the planner picks plans that made lookups take
    2.4–8.7 s.  ``models=None`` analyses the whole database (after the seed).  Never inside a
    transaction that still writes: it runs after commit, and a failure only logs (the data is in).
    """
    tables = [m._meta.db_table for m in models] if models is not None else [None]
    try:
        with connection.cursor() as cur:
            for table in tables:
                cur.execute("ANALYZE" if table is None else f"ANALYZE {qn(connection, table)}")
    except Exception:  # statistics are an optimisation; never fail the import or the seed for them
        log.exception("ANALYZE after bulk write failed")


def _default_sql(connection, field: models.Field, now) -> tuple[str, list]:
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return "%s", [now]
    value = field.get_default()
    if isinstance(field, models.JSONField):
        cast = "::jsonb" if connection.vendor == "postgresql" else ""
        return f"%s{cast}", [json.dumps(value if value is not None else None, ensure_ascii=False)]
    if value is None and not field.null:
        if isinstance(field, (models.CharField, models.TextField)):
            return "%s", [""]
        return "NULL", []
    return "%s", [value]


def insert_select(connection, model: type[models.Model], values: dict[str, str], *, source: str,
                  where: str = "", conflict: str = "ON CONFLICT DO NOTHING", params: Iterable = ()) -> int:
    """``INSERT INTO model (…) SELECT <values>, <defaults> FROM source [WHERE …] <conflict>``.

    ``values`` maps column names (attnames) to SQL expressions over ``source``; every other
    concrete column gets its field default.  Returns the number of rows written.
    """
    now = timezone.now()
    cols, exprs, default_params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        col = field.column
        if col in values:
            cols.append(col)
            exprs.append(values[col])
        else:
            sql, p = _default_sql(connection, field, now)
            cols.append(col)
            exprs.append(sql)
            default_params.extend(p)
    table = qn(connection, model._meta.db_table)
    col_sql = ", ".join(qn(connection, c) for c in cols)
    # "WHERE true" lets SQLite tell the upsert clause from a join constraint.
    where_sql = f"WHERE {where}" if where else "WHERE 1 = 1"
    sql = f"INSERT INTO {table} ({col_sql}) SELECT {', '.join(exprs)} FROM {source} {where_sql} {conflict}"  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql, [*default_params, *params])
        return max(cur.rowcount, 0)


def table(connection, model) -> str:
    return qn(connection, model._meta.db_table)


# ---------------------------------------------------------------------------------------------
# Direct COPY into the real tables (PostgreSQL)
# ---------------------------------------------------------------------------------------------

COPY_SLICE_ROWS = 10_000


def _default_value(connection, field: models.Field, now):
    """Python value for a column the importer does not fill (its field default)."""
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return now
    value = field.get_default()
    if isinstance(field, models.JSONField):
        return json.dumps(value if value is not None else None, ensure_ascii=False)
    if value is None and not field.null and isinstance(field, (models.CharField, models.TextField)):
        return ""
    return value


def _literal(value) -> pl.Expr:
    if value is None:
        return pl.lit(None, dtype=pl.String)
    if isinstance(value, bool):
        return pl.lit("t" if value else "f")
    if hasattr(value, "isoformat"):
        return pl.lit(value.isoformat())
    return pl.lit(str(value))


def copy_into(connection, model: type[models.Model], df: pl.DataFrame, values: dict[str, pl.Expr], *,
              now=None, with_pk: bool = False) -> int:
    """``COPY model FROM STDIN`` of ``df`` mapped through ``values`` (column -> expression over
    ``df``); every other concrete column gets its field default as a constant.  The primary key is
    left to the table's identity unless ``with_pk`` (then ``values`` must give it).  CSV format:
    polars writes it multi-threaded, and a quoted empty string stays distinct from NULL.
    Returns the number of rows copied."""
    if not df.height:
        return 0
    now = now or timezone.now()
    cols, exprs = [], []
    for field in model._meta.concrete_fields:
        col = field.column
        if field.primary_key and not with_pk:
            continue
        expr = values[col] if col in values else _literal(_default_value(connection, field, now))
        cols.append(col)
        exprs.append(expr.alias(col))
    rows = df.select(exprs)
    col_sql = ", ".join(qn(connection, c) for c in cols)
    sql = f"COPY {table(connection, model)} ({col_sql}) FROM STDIN (FORMAT csv)"
    # Written in slices: the server parses and inserts one slice while the next is encoded.
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        for start in range(0, rows.height, COPY_SLICE_ROWS):
            copy.write(rows.slice(start, COPY_SLICE_ROWS).write_csv(include_header=False, null_value=""))
    return df.height


def reserve_ids(connection, model: type[models.Model], n: int) -> pl.Series:
    """``n`` primary-key values taken from the table's own sequence in one statement, so rows can
    be COPYed with their ids (and their children COPYed pointing at them) without a staging table.

    Usually the values are one contiguous run (no other session inserted meanwhile) and only
    ``min``/``max`` travel; otherwise a second, run-length encoded request is made (the first
    values are simply skipped: a sequence has gaps anyway)."""
    if n <= 0:
        return pl.Series("id", [], dtype=pl.Int64)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        seq = cur.fetchone()[0]
        cur.execute("SELECT min(id), max(id) FROM (SELECT nextval(%s::regclass) AS id "
                    "FROM generate_series(1, %s)) v", [seq, n])
        lo, hi = cur.fetchone()
        if hi - lo + 1 == n:
            runs = [(lo, hi)]
        else:  # interleaved with another session: runs of consecutive values
            cur.execute("SELECT min(id), max(id) FROM (SELECT i, nextval(%s::regclass) AS id "
                        "FROM generate_series(1, %s) i) v GROUP BY id - i ORDER BY 1", [seq, n])
            runs = cur.fetchall()
    parts = [pl.int_range(lo, hi + 1, eager=True, dtype=pl.Int64) for lo, hi in runs]
    ids = pl.concat(parts) if len(parts) > 1 else parts[0]
    if ids.len() != n:  # pragma: no cover - would mean the sequence misbehaved
        raise RuntimeError(f"reserved {ids.len()} ids instead of {n}")
    return ids.rename("id")


def _timed(cur, sql: str) -> None:
    start = time.perf_counter()
    cur.execute(sql)
    log.info("bulk load: %.2fs %s", time.perf_counter() - start, sql[:120])


class BulkIndexes:
    """Drop the secondary indexes of some tables (and the foreign keys *between* them) for a bulk
    load inside the caller's transaction, and build them again — exactly as the catalogue had
    them — before it commits.

    Building an index once over the loaded table (a sort) is several times cheaper than a
    million random B-tree insertions into each index, and re-adding a foreign key validates it
    with one join instead of a million per-row trigger checks at commit.  Primary keys stay
    (other tables reference them); unique indexes are rebuilt too, so a duplicate still aborts
    the whole import.

    Lock: ``DROP INDEX`` / ``DROP CONSTRAINT`` take ACCESS EXCLUSIVE on the tables (and on the
    referenced table of each dropped foreign key — only keys between these tables are dropped)
    until commit: nobody can read or write them during the load.  Meant for large loads only;
    the importer decides when (see its docstring).  PostgreSQL only.
    """

    def __init__(self, connection, models_: list[type[models.Model]]):
        self.connection = connection
        self.tables = [m._meta.db_table for m in models_]
        self.indexes: list[tuple[str, str]] = []  # (name, CREATE statement)
        self.constraints: list[tuple[str, str, str]] = []  # (table, name, definition)

    def drop(self) -> None:
        with self.connection.cursor() as cur:
            cur.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype "
                "FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) AND "
                "((c.contype = 'f' AND c.confrelid = ANY(%s::regclass[])) OR c.contype = 'u') ORDER BY c.contype",
                [self.tables, self.tables])
            constraints = cur.fetchall()
            self.constraints = [(t, n, d) for t, n, d, _k in constraints]
            unique_names = [n for _t, n, _d, k in constraints if k == "u"]
            cur.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
                "AND NOT (i.indexrelid::regclass::text = ANY(%s))", [self.tables, unique_names])
            self.indexes = cur.fetchall()
            # foreign keys first (they may depend on a unique index), then unique constraints, then indexes
            for tbl, name, _d in self.constraints:
                cur.execute(f"ALTER TABLE {qn(self.connection, tbl)} DROP CONSTRAINT {qn(self.connection, name)}")
            for name, _sql in self.indexes:
                cur.execute(f"DROP INDEX {qn(self.connection, name)}")

    def restore(self) -> None:
        with self.connection.cursor() as cur:
            # CREATE INDEX refuses a table with queued deferred-constraint events (the per-row
            # checks of the foreign keys that stay, e.g. customer -> dealer): run them now rather
            # than at commit, and defer again afterwards (Django's constraints are all
            # DEFERRABLE INITIALLY DEFERRED, so this restores the session's normal state).
            _timed(cur, "SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, sql in self.indexes:
                _timed(cur, sql)
            # unique constraints before the foreign keys
            for tbl, name, definition in sorted(self.constraints, key=lambda c: "FOREIGN KEY" in c[2]):
                _timed(cur, f"ALTER TABLE {qn(self.connection, tbl)} ADD CONSTRAINT {qn(self.connection, name)} "
                            f"{definition}")
