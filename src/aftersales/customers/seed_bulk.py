"""Scale seed: ``seed_bulk(scale=…, stdout=…)`` adds scale × 1,000 customers and ~1.5 vehicles each
(scale 1000 → 1,000,000 customers / 1,500,000 vehicles) generated deterministically with polars
column expressions — Chinese names, mobiles, addresses in the dealer's city, plates with the city's
prefix, VINs with computed check digits, production batches, mileage — and written through the
importers' set-based path (COPY into a staging table on PostgreSQL, executemany batches on SQLite,
then INSERT … SELECT … ON CONFLICT DO NOTHING).  Idempotent: codes and VINs are derived from the
row index, so a second run adds nothing.  The search index is rebuilt once at the end.
"""

from __future__ import annotations

import datetime as dt
import time

import polars as pl
from django.db import connection, transaction

from aftersales.core.imports.vectorised import vin_check_digit
from aftersales.org.models import Organisation, Region
from aftersales.org.seed import DEALERS, GIVEN, SURNAMES, city_plate_prefixes

from .models import Customer, VehicleModel

CHUNK = 100_000
PER_SCALE = 1_000
SER = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
MOBILE_PREFIXES = ["138", "139", "150", "151", "186", "187", "177", "199", "135", "158"]
COLOURS = ["白色", "黑色", "银色", "灰色", "蓝色", "红色"]
YEAR_CODES = dict(zip(range(2010, 2031), "ABCDEFGHJKLMNPRSTVWXY", strict=True))


def _pick(expr: pl.Expr, options: list, seed: int) -> pl.Expr:
    return (expr.hash(seed) % len(options)).cast(pl.Int64).replace_strict(
        list(range(len(options))), options, return_dtype=pl.String)


def _dealers() -> list[dict]:
    prefixes = city_plate_prefixes()
    cities = {r.code: r for r in Region.objects.filter(code__in=[d[3] for d in DEALERS])}
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[d[0] for d in DEALERS])}
    out = []
    for code, _name, _short, city in DEALERS:
        if code in orgs and city in cities:
            out.append({"id": orgs[code].pk, "region_id": cities[city].pk, "city": cities[city].name,
                        "province": cities[city].parent.name if cities[city].parent_id else "",
                        "prefix": prefixes[city]})
    if not out:
        raise RuntimeError("seed the organisation first (aftersales seed --only org)")
    return out


def _models() -> list[int]:
    ids = list(VehicleModel.objects.order_by("code").values_list("pk", flat=True))
    if not ids:
        VehicleModel.objects.bulk_create([VehicleModel(code=f"EV{n}", name=f"新能源 EV{n}") for n in (300, 500, 700)])
        ids = list(VehicleModel.objects.order_by("code").values_list("pk", flat=True))
    return ids


def customers_frame(start: int, n: int, dealers: list[dict]) -> pl.DataFrame:
    i = pl.col("i")
    d = (i.hash(11) % len(dealers)).cast(pl.Int64)

    def dealer(key):
        return d.replace_strict(list(range(len(dealers))), [x[key] for x in dealers])

    given = list(GIVEN)
    return pl.DataFrame({"i": pl.int_range(start, start + n, eager=True)}).select(
        pl.col("i").alias("__row"),
        pl.format("S{}", i.cast(pl.String).str.zfill(8)).alias("code"),
        pl.when(i.hash(1) % 25 == 0).then(pl.lit("company")).otherwise(pl.lit("person")).alias("kind"),
        (_pick(i, list(SURNAMES), 2) + _pick(i, given, 3)
         + pl.when(i.hash(4) % 10 < 7).then(_pick(i, given, 5)).otherwise(pl.lit(""))).alias("name"),
        (pl.lit("+86") + _pick(i, MOBILE_PREFIXES, 6)
         + ((i * 7919 + 13) % 100_000_000).cast(pl.String).str.zfill(8)).alias("mobile"),
        pl.lit(None, dtype=pl.String).alias("other"), pl.lit(None, dtype=pl.String).alias("other_kind"),
        pl.lit(None, dtype=pl.String).alias("other_rev"), pl.lit(None, dtype=pl.String).alias("resident_id"),
        dealer("province").cast(pl.String).alias("province"), dealer("city").cast(pl.String).alias("city"),
        pl.lit(None, dtype=pl.String).alias("district"),
        pl.format("{}路{}号{}栋{}室", _pick(i, ["人民", "建设", "解放", "中山", "和平", "幸福"], 7), i % 300 + 1,
                  i % 20 + 1, (i % 6 + 1) * 100 + i % 4 + 1).alias("address"),
        pl.lit(None, dtype=pl.String).alias("person_in_charge"),
        dealer("id").cast(pl.Int64).alias("dealer_id"), dealer("region_id").cast(pl.Int64).alias("region_id"),
        pl.lit("purchase").alias("source"), pl.lit("[]").alias("tags"), pl.lit(None, dtype=pl.String).alias("notes"),
        dealer("prefix").cast(pl.String).alias("prefix"),
    ).with_columns(pl.col("mobile").str.slice(3).str.reverse().alias("mobile_rev"))


def vehicles_frame(cust: pl.DataFrame, models: list[int]) -> pl.DataFrame:
    """1 vehicle per customer plus a second one for every other customer (~1.5 each)."""
    base = cust.select("__row", "code", "dealer_id", "prefix", "owner_id")
    second = base.filter(pl.col("__row") % 2 == 0)
    both = pl.concat([base.with_columns(pl.lit(0).alias("n")), second.with_columns(pl.lit(1).alias("n"))])
    k = pl.col("__row") * 2 + pl.col("n")  # unique vehicle index
    days = (k.hash(21) % 2200).cast(pl.Int64)
    prod = pl.lit(dt.date(2019, 1, 1)) + pl.duration(days=days)
    sale = prod + pl.duration(days=(k.hash(22) % 110 + 10).cast(pl.Int64))
    year = prod.dt.year()
    ser5 = pl.concat_str([((k // (33 ** p)) % 33).cast(pl.Int64).replace_strict(list(range(33)), list(SER))
                          for p in range(4, -1, -1)])
    frame = both.with_columns(k.alias("k")).with_columns(
        prod.alias("production_date"), sale.alias("sale_date"),
        year.alias("year"),
    )
    k = pl.col("k")
    vin16 = pl.concat_str([
        pl.lit("LNB"), _pick(k, ["A", "B", "C", "D"], 23), pl.lit("K24U"), pl.lit("0"),
        pl.col("year").replace_strict(list(YEAR_CODES), list(YEAR_CODES.values()), return_dtype=pl.String),
        (k // 1_000_000).cast(pl.Int64).replace_strict(list(range(9)), list("ABCDEFGHJ"), return_dtype=pl.String),
        (k % 1_000_000).cast(pl.String).str.zfill(6),
    ])
    frame = frame.with_columns(vin16.alias("v0"))
    frame = frame.with_columns(
        (pl.col("v0").str.slice(0, 8) + vin_check_digit(pl.col("v0")) + pl.col("v0").str.slice(9)).alias("vin"))
    today = dt.date.today()
    new_energy = k % 3 == 0
    plate = pl.when(new_energy).then(
        pl.col("prefix") + pl.lit("D") + (k % 33).cast(pl.Int64).replace_strict(list(range(33)), list(SER))
        + (k // 33 % 10000).cast(pl.String).str.zfill(4)).otherwise(pl.col("prefix") + ser5)
    return frame.select(
        pl.col("__row"), "vin", plate.alias("plate"),
        pl.when(new_energy).then(pl.lit("new_energy_small")).otherwise(pl.lit("ordinary")).alias("plate_kind"),
        _pick(k, [str(m) for m in models], 24).cast(pl.Int64).alias("model_id"),
        _pick(k, COLOURS, 25).alias("colour"),
        pl.col("production_date").cast(pl.String),
        pl.format("B{}{}-{}", pl.col("year") % 100, pl.col("production_date").dt.month().cast(pl.String).str.zfill(2),
                  (k.hash(26) % 9 + 1)).alias("production_batch"),
        pl.col("dealer_id"), pl.col("sale_date").cast(pl.String), pl.col("sale_date").cast(pl.String).alias("invoice_date"),
        pl.col("owner_id"),
        ((pl.lit(today) - pl.col("sale_date")).dt.total_days() * (k.hash(27) % 40 + 15)).clip(0, 400_000)
        .cast(pl.Int64).alias("mileage"),
    )


def seed_bulk(*, scale: float, stdout=None) -> dict:
    from .importers.customers import CustomerImporter
    from .importers.vehicles import VehicleImporter

    def say(msg):
        if stdout is not None:
            stdout.write(msg)

    total = int(scale * PER_SCALE)
    dealers, models = _dealers(), _models()
    if Customer.objects.filter(code=f"S{total - 1:08d}").exists():
        say(f"seed_bulk: {total:,} customers already present")
        return {"customers": 0, "vehicles": 0}
    cust_imp, veh_imp = CustomerImporter(), VehicleImporter()
    from .importers.customers import initials_column

    t0 = time.perf_counter()
    made = {"customers": 0, "vehicles": 0}
    for start in range(0, total, CHUNK):
        n = min(CHUNK, total - start)
        with transaction.atomic():
            t = time.perf_counter()
            cust = customers_frame(start, n, dealers)
            cust = cust.with_columns(initials_column(cust["name"]).alias("initials"))
            r = cust_imp.apply(None, iter([cust.drop("prefix")]), mode="all", connection=connection, refresh_index=False)
            made["customers"] += r["created"]
            with connection.cursor() as cur:
                cur.execute("SELECT code, id FROM customers_customer WHERE code >= %s AND code <= %s",
                            [f"S{start:08d}", f"S{start + n - 1:08d}"])
                ids = pl.DataFrame(cur.fetchall(), schema={"code": pl.String, "owner_id": pl.Int64}, orient="row")
            veh = vehicles_frame(cust.join(ids, on="code", how="left"), models)
            r = veh_imp.apply(None, iter([veh]), mode="all", connection=connection, refresh_index=False)
            made["vehicles"] += r["created"]
        say(f"seed_bulk: {start + n:,}/{total:,} customers · {made['vehicles']:,} vehicles · "
            f"chunk {time.perf_counter() - t:.1f}s")
    from .lookup.index import rebuild_search_index

    t = time.perf_counter()
    rebuild_search_index()
    say(f"seed_bulk: search index rebuilt in {time.perf_counter() - t:.1f}s")
    say(f"seed_bulk: {made['customers']:,} customers, {made['vehicles']:,} vehicles in {time.perf_counter() - t0:.1f}s")
    return made
