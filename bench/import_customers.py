"""Benchmark: 1,000,000 customer rows from CSV into PostgreSQL with full validation, against
``psql \\copy`` of the same file into a bare table, measured in the same run.

    AFTERSALES_DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_import \\
        .venv/bin/python bench/import_customers.py [--rows 1000000]

Prints the \\copy time, the validated import time (dry run + apply, and without the search-index
rebuild, which runs after commit and is timed on its own), the ratio (goal ≤ 5×) and the peak RSS
of this process (goal ≤ 500 MB).  ``--floor`` adds the floor of issue 8 item 14 — psql ``\\copy`` of
the written rows into unindexed tables plus building the same indexes and constraints — and prints
the import's ratio to it (goal ≤ 2×; see :func:`floor`).  The CSV is written to bench/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import re
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


def psql(*args: str) -> str:
    url = urlparse(os.environ["AFTERSALES_DATABASE_URL"])
    cmd = ["psql", "-q", "-X", "-A", "-t", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
           "-U", url.username or "postgres", "-d", url.path.lstrip("/"), *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep-file", action="store_true")
    parser.add_argument("--bulk-indexes", choices=["auto", "on", "off"], default="auto",
                        help="the importer's bulk-index mode for the apply (job option bulk_indexes)")
    parser.add_argument("--floor", action="store_true",
                        help="also measure the floor: psql \\copy of the written rows into unindexed tables plus "
                             "building the same indexes and constraints, and print import / floor (goal ≤ 2×)")
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
    from aftersales.customers.lookup import index as lookup
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
    print(f"validated import (store + dry run + apply): {total:.2f}s = {total / copy_s:.1f}× the bare \\copy")
    print(f"peak RSS of this process: {rss_mb():.0f} MB (goal ≤ 500 MB)")
    if args.floor:
        floor({"archive": total, "all": total + rebuild_time[0]}, copy_s)


TABLES = ["customers_customer", "customers_customerphone", "customers_customeraddress", "customers_searchkey"]


def _index_and_constraint_sql(tables: dict[str, str]) -> list[str]:
    """The statements that give each bare copy the real table's primary key, unique and check
    constraints, foreign keys (pointing at the other copies where the real one points at a real
    table that is also copied) and every other index — read from the catalogue, so the floor
    builds exactly what the import's tables carry."""
    def rename(sql: str) -> str:
        for real, bare in tables.items():
            sql = re.sub(rf"\b(public\.)?{real}\b(?=[ (]|$)", bare, sql)
        return sql

    statements = []
    for n, (real, bare) in enumerate(tables.items()):
        rows = psql("-F", "\t", "-c", f"SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                    f"WHERE conrelid = '{real}'::regclass ORDER BY contype DESC").splitlines()
        for i, row in enumerate(r for r in rows if r.strip()):
            definition = row.split("\t")[2]
            statements.append(f"ALTER TABLE {bare} ADD CONSTRAINT floor_{n}_{i} {rename(definition)}")
        for i, indexdef in enumerate(psql("-c", f"SELECT indexdef FROM pg_indexes WHERE tablename = '{real}' AND "
                                          f"indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = "
                                          f"'{real}'::regclass)").splitlines()):
            if indexdef.strip():
                statements.append(rename(re.sub(r"INDEX \S+ ON", f"INDEX floor_{n}_ix{i} ON", indexdef, count=1)))
    # primary keys and uniques first, then foreign keys (they need the referenced key), then indexes
    order = {"PRIMARY": 0, "UNIQUE": 0, "CHECK": 1, "FOREIGN": 2}
    return sorted(statements, key=lambda s: next((v for k, v in order.items() if k in s), 3))


def floor(total_s: float, copy_s: float) -> None:
    """The issue's floor (8.14): what psql alone needs to write the rows the import wrote —
    \\copy of those rows (table layout, ids and all) into unindexed, unconstrained copies of the
    tables, then building the same indexes and constraints on them.  No reading or validation of
    the CSV is in it.  The import is measured twice against it: without the search keys (the three
    archive tables) and with them (the import also writes the lookup index)."""
    files = {t: OUT / f"floor-{t}.csv" for t in TABLES}
    for t, f in files.items():
        psql("-c", f"\\copy {t} TO '{f}' CSV")
    bare = {t: f"floor_{t}" for t in TABLES}
    psql("-c", "; ".join(f"DROP TABLE IF EXISTS {b}; CREATE TABLE {b} (LIKE {t} INCLUDING DEFAULTS)"
                         for t, b in bare.items()))
    build = _index_and_constraint_sql(bare)

    def timed(*args: str) -> float:
        t0 = time.perf_counter()
        psql(*args)
        return time.perf_counter() - t0

    copy = {t: timed("-c", f"\\copy {bare[t]} FROM '{f}' CSV") for t, f in files.items()}
    built = dict.fromkeys(TABLES, 0.0)
    for statement in build:
        table = next(t for t in sorted(TABLES, key=len, reverse=True) if f" {bare[t]} " in f" {statement} ")
        built[table] += timed("-c", f"SET maintenance_work_mem = '512MB'; {statement}")
    took = sum(copy.values()) + sum(built.values())
    archive_floor = sum(copy[t] + built[t] for t in TABLES if t != "customers_searchkey")
    psql("-c", "; ".join(f"DROP TABLE {b} CASCADE" for b in bare.values()))
    for f in files.values():
        f.unlink()
    print(f"floor: psql \\copy of the written rows into unindexed copies ({sum(copy.values()):.2f}s), then the "
          f"same {len(build)} indexes and constraints built ({sum(built.values()):.2f}s): {took:.2f}s = "
          f"{took / copy_s:.1f}× the bare \\copy")
    for t in TABLES:
        print(f"    {t:28s} copy {copy[t]:6.2f}s  build {built[t]:6.2f}s")
    print(f"floor without the search keys (customers, phones, addresses): {archive_floor:.2f}s")
    print(f"validated import / floor: {total_s['archive']:.2f}s / {archive_floor:.2f}s = "
          f"{total_s['archive'] / archive_floor:.2f}× (goal ≤ 2×), search keys excluded")
    print(f"validated import incl. search-index rebuild / floor incl. search keys: {total_s['all']:.2f}s / "
          f"{took:.2f}s = {total_s['all'] / took:.2f}× (goal ≤ 2×)")


if __name__ == "__main__":
    main()
