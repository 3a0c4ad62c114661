"""Benchmark: business numbers under concurrency (core/numbering.py, ADR 0009).

    .venv/bin/python bench/numbering.py                       # PostgreSQL (aftersales_bench)
    .venv/bin/python bench/numbering.py --sqlite              # SQLite file data/bench_numbering.sqlite3
    .venv/bin/python bench/numbering.py --threads 50 --each 20 --database-url postgres://…

``--threads`` creators start together, each running ``--each`` transactions. Three runs, in the
same process and database:

- baseline: each transaction inserts one plain row (a ``PeriodicRun``) — what any create costs;
- one series: each transaction also takes a number of the *same* series (all creators queue on
  one row: the worst case, one busy store on one day);
- own series: each creator numbers its own organisation's series.

Prints transactions per second, the ratio of each numbered run to the baseline, and checks that
no number was handed out twice and no transaction failed.
"""

from __future__ import annotations

import argparse
import threading
import time
from types import SimpleNamespace

from _common import ROOT, ensure_postgres_database, log, setup_django


def run(threads: int, each: int, work) -> tuple[float, list, list]:
    start = threading.Barrier(threads + 1)
    out, errors = [], []

    def creator(i: int):
        from django.db import connections, transaction

        try:
            start.wait()
            for j in range(each):
                with transaction.atomic():
                    out.append(work(i, j))
        except BaseException as exc:  # noqa: BLE001 - every failure is the finding
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=creator, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in pool:
        t.join()
    return time.perf_counter() - t0, out, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/aftersales_bench")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument("--each", type=int, default=20)
    args = parser.parse_args()
    url = f"sqlite:///{ROOT / 'data' / 'bench_numbering.sqlite3'}" if args.sqlite else args.database_url
    ensure_postgres_database(url)
    setup_django(url)
    from django.core.management import call_command

    from aftersales.core import numbering
    from aftersales.core.models import NumberSequence, PeriodicRun

    call_command("migrate", verbosity=0)
    tag = f"bench-{time.time_ns()}"
    total = args.threads * args.each

    def baseline(i, j):
        return PeriodicRun.objects.create(job=tag, period_key=f"{i}-{j}").pk

    def one_series(i, j):
        PeriodicRun.objects.create(job=tag + "-1", period_key=f"{i}-{j}")
        return numbering.next_number(prefix="BQ", organisation=SimpleNamespace(pk=1, code="D1001"))

    def own_series(i, j):
        PeriodicRun.objects.create(job=tag + "-n", period_key=f"{i}-{j}")
        return numbering.next_number(prefix="BN", organisation=SimpleNamespace(pk=1000 + i, code=f"D{1000 + i}"))

    try:
        log(f"{args.threads} creators × {args.each} transactions on {url.split('@')[-1]}")
        base_s, _, base_err = run(args.threads, args.each, baseline)
        print(f"baseline (one insert per transaction): {total / base_s:8.0f} tx/s  errors={len(base_err)}")
        for label, work in (("one series          ", one_series), ("own series          ", own_series)):
            secs, numbers, errors = run(args.threads, args.each, work)
            dupes = len(numbers) - len(set(numbers))
            print(f"{label}: {total / secs:8.0f} tx/s  ×{secs / base_s:5.2f} of baseline  "
                  f"numbers={len(numbers)} duplicates={dupes} errors={len(errors)}")
    finally:
        PeriodicRun.objects.filter(job__startswith=tag).delete()
        NumberSequence.objects.filter(prefix__in=["BQ", "BN"]).delete()


if __name__ == "__main__":
    main()
