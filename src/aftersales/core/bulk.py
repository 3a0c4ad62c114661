"""Updating and inserting many rows set-based (the SLA job's clock state and escalations).

Django's ``bulk_update`` writes ``SET f = CASE WHEN id = 1 THEN … WHEN id = 2 THEN … END`` per
field: PostgreSQL walks that CASE for every row, so a batch of n rows costs n² comparisons (100,000
clocks took over ten minutes). On PostgreSQL this joins the rows to one ``unnest`` of arrays — one
array per column, one statement per batch, linear in the rows; elsewhere (SQLite, a single writer
with small batches) it is Django's ``bulk_update``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model


def bulk_update_rows(objs: Sequence[Model], fields: Sequence[str], *, batch_size: int = 5000) -> int:
    """Write ``fields`` of every object in ``objs`` (all of one model) by primary key; returns the rows."""
    if not objs:
        return 0
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return model._base_manager.bulk_update(objs, fields, batch_size=min(batch_size, 1000))
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    pk = meta.pk
    sets = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in columns)
    arrays = ", ".join([f"%s::{pk.rel_db_type(connection)}[]"] + [f"%s::{f.db_type(connection)}[]" for f in columns])
    names = ", ".join([qn("pk")] + [qn(f.column) for f in columns])
    # Only quoted model metadata goes into the text; every value is a bound array parameter.
    sql = (f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({names}) "  # noqa: S608
           f"WHERE {table}.{qn(pk.column)} = v.{qn('pk')}")
    done = 0
    with connection.cursor() as cursor:
        for i in range(0, len(objs), batch_size):
            batch = objs[i:i + batch_size]
            params = [[obj.pk for obj in batch]]
            params += [[f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in batch] for f in columns]
            cursor.execute(sql, params)
            done += cursor.rowcount
    return done


def insert_new_rows(model: type[Model], fields: Sequence[str], rows: Sequence[tuple], *, unique: Sequence[str],
                    batch_size: int = 5000) -> dict[tuple, int]:
    """Insert ``rows`` (tuples of ``fields`` values) leaving out any whose ``unique`` columns are
    already there — a row written by an overlapping run — and return ``unique`` values → new primary
    key for the rows this call wrote. On PostgreSQL one ``INSERT … SELECT FROM unnest … ON CONFLICT
    DO NOTHING RETURNING`` per batch, no model instances; elsewhere ``bulk_create`` after reading
    which keys exist (SQLite has one writer, so nothing can slip in between)."""
    if not rows:
        return {}
    key_at = [list(fields).index(name) for name in unique]
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql":
        taken = {tuple(v) for v in model._base_manager.filter(
            **{f"{unique[0]}__in": {r[key_at[0]] for r in rows}}).values_list(*unique)}
        fresh = [r for r in rows if tuple(r[i] for i in key_at) not in taken]
        made = model._base_manager.bulk_create([model(**{f.attname: v for f, v in zip(columns, r, strict=True)})
                                                for r in fresh], batch_size=min(batch_size, 1000))
        return {tuple(r[i] for i in key_at): obj.pk for r, obj in zip(fresh, made, strict=True)}
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    names = ", ".join(qn(f.column) for f in columns)
    arrays = ", ".join(f"%s::{_array_type(f, connection)}[]" for f in columns)
    keys = ", ".join(qn(meta.get_field(name).column) for name in unique)
    # Only quoted model metadata goes into the text; every value is a bound array parameter.
    sql = (f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) "  # noqa: S608
           f"ON CONFLICT ({keys}) DO NOTHING RETURNING {qn(meta.pk.column)}, {keys}")
    out: dict[tuple, int] = {}
    with connection.cursor() as cursor:
        for i in range(0, len(rows), batch_size):
            batch = rows[i:i + batch_size]
            cursor.execute(sql, [[f.get_db_prep_save(r[j], connection) for r in batch] for j, f in enumerate(columns)])
            for pk, *key in cursor.fetchall():
                out[tuple(key)] = pk
    return out


def _array_type(field, connection) -> str:
    """The element type of a column's array: a foreign key's column type is its target's."""
    return field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
