"""Benchmark: 1,000,000 customer rows from CSV into PostgreSQL with full validation, against
``psql \\copy`` of the same file into a bare table, measured in the same run.

    AFTERSALES_DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_import \\
        .venv/bin/python bench/import_customers.py [--rows 1000000]

Prints the \\copy time, the validated import time (dry run + apply, and without the search-index
rebuild, which runs after commit and is timed on its own), the ratio (goal ≤ 5×) and the peak RSS
of this process (goal ≤ 500 MB).  ``--floor`` adds what psql alone needs to write the same rows
into the three target tables (see :func:`floor`).  The CSV is written to bench/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("AFTERSALES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aftersales_import")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
os.environ.setdefault("AFTERSALES_LOG_LEVEL", "WARNING")

HEADER = ["客户编号", "客户类型", "姓名", "手机", "其他电话", "省", "市", "区", "详细地址", "负责人", "所属经销商代码",
          "来源", "标签", "备注"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志海燕红梅小玉晓东文博子涵浩然欣怡")
CITIES = [("北京", "北京市", "朝阳区", "D1001"), ("上海", "上海市", "浦东新区", "D2001"), ("广东", "广州市", "天河区", "D3001"),
          ("四川", "成都市", "武侯区", "D5001"), ("江苏", "南京市", "玄武区", "D2002")]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pick(options: list[str], seed: int) -> pl.Expr:
    """Deterministic pseudo-random choice per row (hash of the row index), as a column expression."""
    return (pl.col("i").hash(seed) % len(options)).cast(pl.Int64).replace_strict(
        list(range(len(options))), options, return_dtype=pl.String)


def generate(path: Path, rows: int, chunk: int = 200_000) -> None:
    prefixes = ["138", "139", "150", "186", "177", "199", "135", "158"]
    with open(path, "wb") as fh:
        fh.write((",".join(HEADER) + "\n").encode())
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            i = pl.col("i")
            city = (i.hash(7) % len(CITIES)).cast(pl.Int64)

            def cityval(k, city=city):
                return city.replace_strict(list(range(len(CITIES))), [c[k] for c in CITIES], return_dtype=pl.String)

            df = pl.DataFrame({"i": pl.int_range(start, start + n, eager=True)}).select(
                pl.lit(None, dtype=pl.String).alias("客户编号"),
                pl.when(i.hash(1) % 20 == 0).then(pl.lit("公司")).otherwise(pl.lit("个人")).alias("客户类型"),
                (_pick(SURNAMES, 2) + _pick(GIVEN, 3)
                 + pl.when(i.hash(4) % 10 < 7).then(_pick(GIVEN, 5)).otherwise(pl.lit(""))).alias("姓名"),
                ((i % 8).replace_strict(list(range(8)), prefixes, return_dtype=pl.String)
                 + ((i * 7919) % 100_000_000).cast(pl.String).str.zfill(8)).alias("手机"),
                pl.when(i % 5 == 0).then(pl.lit("010-6") + (i % 10_000_000).cast(pl.String).str.zfill(7))
                .alias("其他电话"),
                cityval(0).alias("省"), cityval(1).alias("市"), cityval(2).alias("区"),
                pl.format("幸福路{}号{}栋{}0{}室", i % 999 + 1, i % 30 + 1, i % 6 + 1, i % 4 + 1).alias("详细地址"),
                pl.lit(None, dtype=pl.String).alias("负责人"), cityval(3).alias("所属经销商代码"),
                pl.when(i.hash(6) % 5 == 0).then(pl.lit("自然进店")).otherwise(pl.lit("购车")).alias("来源"),
                pl.lit(None, dtype=pl.String).alias("标签"), pl.lit(None, dtype=pl.String).alias("备注"),
            )
            fh.write(df.write_csv(include_header=False).encode())


def psql(*args: str) -> None:
    url = urlparse(os.environ["AFTERSALES_DATABASE_URL"])
    cmd = ["psql", "-q", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres",
           "-d", url.path.lstrip("/"), *args]
    subprocess.run(cmd, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep-file", action="store_true")
    parser.add_argument("--bulk-indexes", choices=["auto", "on", "off"], default="auto",
                        help="the importer's bulk-index mode for the apply (job option bulk_indexes)")
    parser.add_argument("--floor", action="store_true",
                        help="also time psql \\copy of the imported rows (exported in table layout) back into "
                             "the real, indexed customers/phones/addresses tables in one transaction")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"customers-{args.rows}.csv"
    if not path.exists() or not args.keep_file:
        t = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {path.name}: {path.stat().st_size / 1048576:.0f} MB in {time.perf_counter() - t:.1f}s")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from aftersales.core.imports import services
    from aftersales.customers import lookup
    from aftersales.customers.models import Customer, CustomerAddress, CustomerPhone
    from aftersales.org.models import Organisation, Region

    with connection.cursor() as cur:  # fresh target tables for a fair, repeatable run
        cur.execute("TRUNCATE customers_customer, customers_customerphone, customers_customeraddress CASCADE")
    region, _ = Region.objects.get_or_create(code="BENCH", defaults={"name": "基准", "kind": "city"})
    for _p, _c, _d, code in CITIES:
        Organisation.objects.get_or_create(code=code, defaults={"name": code, "kind": "dealer", "region": region})

    psql("-c", "DROP TABLE IF EXISTS bench_bare; CREATE TABLE bench_bare (" +
         ", ".join(f'"{h}" text' for h in HEADER) + ")")
    t = time.perf_counter()
    psql("-c", f"\\copy bench_bare FROM '{path}' CSV HEADER")
    copy_s = time.perf_counter() - t
    psql("-c", "DROP TABLE bench_bare")
    print(f"psql \\copy into a bare table: {copy_s:.2f}s")

    rebuild_time = [0.0]
    original = getattr(lookup, "rebuild_search_index", None)

    def timed_rebuild(*a, **kw):
        t0 = time.perf_counter()
        try:
            return original(*a, **kw)
        finally:
            rebuild_time[0] += time.perf_counter() - t0

    if original:
        lookup.rebuild_search_index = timed_rebuild

    t = time.perf_counter()
    with open(path, "rb") as fh:
        job = services.import_start(actor=None, kind="customers", file=fh, filename=path.name, enqueue=False)
    t_store = time.perf_counter() - t
    t = time.perf_counter()
    job = services.run_validation(job.pk)
    t_validate = time.perf_counter() - t
    print(f"store upload {t_store:.2f}s · validate (dry run) {t_validate:.2f}s · {job.get_status_display()} · "
          f"rows {job.total_rows:,} valid {job.valid_rows:,} errors {job.error_rows:,} · RSS {rss_mb():.0f} MB")
    if job.message:
        print("message:", job.message)
    t = time.perf_counter()
    from aftersales.core.imports.models import ImportJob

    ImportJob.objects.filter(pk=job.pk).update(options=dict(job.options or {}, bulk_indexes=args.bulk_indexes))
    services.import_apply(actor=None, job=job, mode="all", enqueue=False, check_permission=False)
    job = services.run_apply(job.pk)
    t_apply = time.perf_counter() - t - rebuild_time[0]
    print(f"apply ({args.bulk_indexes}) {t_apply:.2f}s · {job.get_status_display()} {job.result if job.status != 'done' else ''}"
          f"{job.message}")
    print(f"search-index rebuild after commit (lookup engineer's): {rebuild_time[0]:.2f}s")
    counts = (Customer.objects.count(), CustomerPhone.objects.count(), CustomerAddress.objects.count())
    total = t_store + t_validate + t_apply
    print(f"rows written: customers {counts[0]:,} · phones {counts[1]:,} · addresses {counts[2]:,}")
    print(f"validated import (store + dry run + apply): {total:.2f}s = {total / copy_s:.1f}× \\copy (goal ≤ 5×)")
    print(f"peak RSS of this process: {rss_mb():.0f} MB (goal ≤ 500 MB)")
    if args.floor:
        floor(copy_s)


def floor(copy_s: float) -> None:
    """The database's own floors for the apply: the rows just imported, exported in table layout
    (ids and all), \\copy'd back by psql (1) into unindexed, unconstrained copies of the three
    tables — the bare write volume — and (2) into the real tables with their indexes and foreign
    keys in place, one transaction.  Neither includes any reading or validation of the CSV."""
    tables = ["customers_customer", "customers_customerphone", "customers_customeraddress"]
    files = {t: OUT / f"floor-{t}.csv" for t in tables}
    for t, f in files.items():
        psql("-c", f"\\copy {t} TO '{f}' CSV")
    # 1. the same rows into copies of the tables without any index or constraint: the pure volume
    bare = {t: f"floor_{t}" for t in tables}
    psql("-c", "; ".join(f"DROP TABLE IF EXISTS {b}; CREATE TABLE {b} (LIKE {t})" for t, b in bare.items()))
    script = OUT / "floor-bare.sql"
    script.write_text("BEGIN;\n" + "".join(f"\\copy {bare[t]} FROM '{f}' CSV\n" for t, f in files.items())
                      + "COMMIT;\n")
    t0 = time.perf_counter()
    psql("-f", str(script))
    took = time.perf_counter() - t0
    psql("-c", "; ".join(f"DROP TABLE {b}" for b in bare.values()))
    print(f"floor: psql \\copy of the imported rows (table layout, ids and all) into unindexed copies of "
          f"customers/phones/addresses: {took:.2f}s = {took / copy_s:.1f}× \\copy")
    # 2. the same rows into the real tables, indexes and foreign keys in place
    psql("-c", "TRUNCATE " + ", ".join(tables) + " CASCADE")
    script = OUT / "floor.sql"
    script.write_text("BEGIN;\n" + "".join(f"\\copy {t} FROM '{f}' CSV\n" for t, f in files.items()) + "COMMIT;\n")
    t0 = time.perf_counter()
    psql("-f", str(script))
    took = time.perf_counter() - t0
    print(f"floor: psql \\copy of the same rows into the real tables (indexes + foreign keys, one "
          f"transaction): {took:.2f}s = {took / copy_s:.1f}× \\copy")
    for f in files.values():
        f.unlink()


if __name__ == "__main__":
    main()
