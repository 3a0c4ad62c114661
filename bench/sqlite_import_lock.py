"""Benchmark: how long a customer import holds SQLite's write lock, and what a login does meanwhile
(issue 7 item 7, ADR 0013).

    .venv/bin/python bench/sqlite_import_lock.py [--sizes 2000,10000,20000]

On SQLite the apply is one IMMEDIATE transaction (all or nothing), so the write lock is held for
the whole apply (and the search-index rebuild after it).  A login writes (session, last login,
audit event); it waits up to the 30 s busy timeout and then fails.  For each import size the
script times the apply and, in a second thread with its own connection, logs in back to back while
the apply runs, printing each login's worst latency against the idle login latency measured in the
same run (the ratio), and how many logins did not succeed.  The database is a fresh file under
bench/out/.  The limit AFTERSALES_SQLITE_IMPORT_MAX_ROWS is lifted for the run (0) so larger
sizes can be measured; the last line shows the default limit refusing a file above it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
OUT.mkdir(parents=True, exist_ok=True)
DB = OUT / "import-lock.sqlite3"
os.environ["AFTERSALES_DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("AFTERSALES_DEBUG", "0")
os.environ.setdefault("AFTERSALES_AXES_ENABLED", "0")
os.environ.setdefault("AFTERSALES_LOG_LEVEL", "ERROR")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from import_customers import CITIES, generate  # noqa: E402  (the same synthetic CSV)

PASSWORD = "bench-Pass-123"  # noqa: S105


def login_ms(client) -> tuple[float, int]:
    t = time.perf_counter()
    response = client.post("/login/", {"username": "benchlogin", "password": PASSWORD})
    ms = (time.perf_counter() - t) * 1000
    client.cookies.clear()
    return ms, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000,10000,20000")
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from aftersales.core.exceptions import ServiceError
    from aftersales.core.imports import services
    from aftersales.org.models import Organisation, Region

    region, _ = Region.objects.get_or_create(code="BENCH", defaults={"name": "基准", "kind": "city"})
    for _p, _c, _d, code in CITIES:
        Organisation.objects.get_or_create(code=code, defaults={"name": code, "kind": "dealer", "region": region})
    get_user_model().objects.create_user("benchlogin", password=PASSWORD)
    configured = settings.AFTERSALES_SQLITE_IMPORT_MAX_ROWS
    settings.AFTERSALES_SQLITE_IMPORT_MAX_ROWS = 0

    client = Client(raise_request_exception=False)
    login_ms(client)  # warm up
    idle = statistics.median(login_ms(client)[0] for _ in range(7))
    print(f"SQLite import vs. a concurrent login — idle login {idle:.0f} ms (median of 7), busy timeout 30 s")
    print(f"{'rows':>8} {'apply (lock held) s':>20} {'logins':>7} {'worst login ms':>15} {'× idle':>8} {'failed':>7}")
    for rows in [int(s) for s in args.sizes.split(",")]:
        path = OUT / f"lock-customers-{rows}.csv"
        generate(path, rows)
        with connection.cursor() as cur:  # each size into an empty archive: every row a new customer
            for t in ("customers_searchkey", "customers_customerphone", "customers_customeraddress",
                      "customers_customer"):
                cur.execute(f"DELETE FROM {t}")  # noqa: S608 - constant table names
        with open(path, "rb") as fh:
            job = services.import_start(actor=None, kind="customers", file=fh, filename=path.name, enqueue=False)
        job = services.run_validation(job.pk)
        services.import_apply(actor=None, job=job, mode="valid_only", enqueue=False, check_permission=False)
        done = threading.Event()
        samples: list[tuple[float, int]] = []

        def keep_logging_in(done=done, samples=samples):
            c = Client(raise_request_exception=False)
            while not done.is_set():
                samples.append(login_ms(c))
            from django.db import connection as thread_connection

            thread_connection.close()

        t = time.perf_counter()
        thread = threading.Thread(target=keep_logging_in)
        thread.start()
        job = services.run_apply(job.pk)
        apply_s = time.perf_counter() - t
        done.set()
        thread.join()
        worst = max(ms for ms, _ in samples) if samples else 0.0
        failed = sum(1 for _, status in samples if status != 302)
        print(f"{job.valid_rows:>8,} {apply_s:>20.1f} {len(samples):>7} {worst:>15.0f} {worst / idle:>8.0f} {failed:>7}"
              f"  ({job.get_status_display()})")

    settings.AFTERSALES_SQLITE_IMPORT_MAX_ROWS = configured
    if not configured:
        return
    rows = configured + 1
    path = OUT / f"lock-customers-{rows}.csv"
    generate(path, rows)
    with connection.cursor() as cur:
        for t in ("customers_searchkey", "customers_customerphone", "customers_customeraddress", "customers_customer"):
            cur.execute(f"DELETE FROM {t}")  # noqa: S608 - constant table names
    with open(path, "rb") as fh:
        job = services.import_start(actor=None, kind="customers", file=fh, filename=path.name, enqueue=False)
    job = services.run_validation(job.pk)
    try:
        services.import_apply(actor=None, job=job, mode="valid_only", enqueue=False, check_permission=False)
        print(f"default limit {configured:,}: {rows:,} rows accepted")
    except ServiceError as exc:
        print(f"default limit {configured:,}: {job.valid_rows:,} rows refused — {exc.message}")

if __name__ == "__main__":
    main()
