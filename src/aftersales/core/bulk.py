"""Updating many rows with different values each, set-based (the SLA job's clock state).

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
