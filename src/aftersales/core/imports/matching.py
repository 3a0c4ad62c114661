"""Matching an import's rows against reference codes, the database and the rest of the file.

Reference codes (dealers, models, suppliers) are loaded once per job and joined; rows already in
the database are found with one statement per large batch; duplicates inside a file are found
across its chunks without keeping every value.  Shared by every app's importer (R-CUS-7).
"""

from __future__ import annotations

import polars as pl
from django.db import connections

LOOKUP_BATCH = 20_000
ARRAY_BATCH = 100_000


def code_map(qs, key: str = "code") -> dict[str, int]:
    """Upper-cased code → primary key of the rows of ``qs`` (loaded once per job)."""
    return {str(k).upper(): pk for k, pk in qs.values_list(key, "pk")}


def lookup_codes(df_codes: pl.Series, mapping: dict[str, int]) -> pl.Series:
    """The ids of the codes of a column (case-insensitive), null for an unknown code."""
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

