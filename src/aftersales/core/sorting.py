"""Which list columns may be sorted: only those an index serves (issue 8 item 7).

On a million-row table a sort the database cannot read from an index is a full sort of every row in
scope — measured at 2–5 s for vehicles by owner, dealer, sale date or mileage.  A column sorting by
a related model (owner → the owner's name) is a join plus a sort and is never cheap.  So a large
table offers a sort only on a column whose field leads an index (primary key, unique, ``db_index``,
``Meta.indexes``, a unique constraint); ``unserved_sorts()`` lists the others so a test can keep new
columns honest.
"""

from __future__ import annotations

from django.db import models


def index_leading_fields(model: type[models.Model]) -> set[str]:
    """Names of the concrete fields that are the first column of some index on ``model``."""
    meta = model._meta
    leading = {meta.pk.name}
    for field in meta.concrete_fields:
        if (field.unique or field.db_index) and not field.is_relation:
            leading.add(field.name)
    for index in meta.indexes:
        first = index.fields[0] if index.fields else ""
        if first and index.condition is None:  # a partial index serves only its condition
            leading.add(first.lstrip("-"))
    for constraint in meta.constraints:
        fields = getattr(constraint, "fields", ())
        if isinstance(constraint, models.UniqueConstraint) and fields and constraint.condition is None:
            leading.add(fields[0])
    return leading


def unserved_sorts(table_class) -> list[str]:
    """Orderable columns of a django-tables2 table that no index serves.  A column ordering by a
    relation (its field is a foreign key) counts as unserved: it sorts by the related row's name."""
    model = table_class._meta.model
    served = index_leading_fields(model)
    unserved = []
    for name, column in table_class.base_columns.items():
        if column.orderable is False or (column.orderable is None and table_class._meta.orderable is False):
            continue
        accessors = column.order_by or (column.accessor or name,)
        for accessor in accessors:
            field_name = str(accessor).lstrip("-").replace(".", "__").split("__")[0]
            try:
                field = model._meta.get_field(field_name)
            except Exception:
                unserved.append(name)
                break
            if "__" in str(accessor).replace(".", "__") or field.is_relation or field.name not in served:
                unserved.append(name)
                break
    return unserved
