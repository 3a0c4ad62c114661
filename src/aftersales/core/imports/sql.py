"""Set-based writing for importers: a TEMP staging table loaded with ``COPY`` on PostgreSQL
(``executemany`` batches on SQLite), then ``INSERT … SELECT … ON CONFLICT`` into the real tables.

Column defaults of the target model are taken from its fields, so importers only name the columns
they fill; a field added later with a default keeps working.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import polars as pl
from django.db import models
from django.utils import timezone

SQLITE_BATCH = 5000


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
