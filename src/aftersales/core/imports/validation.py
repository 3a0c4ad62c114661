"""Row checks for importers, as whole-column polars expressions (R-CUS-7).

An importer lists its possible errors as :class:`Check` s; :func:`collect_errors` turns them into
the ``__errors`` column the kernel's dry run reports per row (行号, 列, 值, 原因).  Kept apart from
the importers so every app's importer words "required" and "too long" the same way.
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl
from django.utils.translation import gettext as _

from .reading import ERRORS

NULL = pl.lit(None, dtype=pl.String)
ERROR_STRUCT = pl.Struct({"column": pl.String, "value": pl.String, "reason": pl.String})


class Check(NamedTuple):
    """One possible error of a row: ``reason`` for ``column`` where ``cond`` holds."""

    column: str
    cond: pl.Expr
    reason: pl.Expr

    def expr(self) -> pl.Expr:
        return pl.when(self.cond).then(pl.struct(column=pl.lit(self.column),
                                                 value=pl.col(self.column).fill_null(""), reason=self.reason))


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


def required(column: str) -> Check:
    return err(column, pl.col(column).is_null(), _("Required; this cell is empty."))


def too_long(column: str, limit: int) -> Check:
    return err(column, pl.col(column).str.len_chars() > limit,
               _("At most %(limit)d characters.") % {"limit": limit})
