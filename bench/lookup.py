"""Lookup benchmark (R-CUS-5): per lookup kind, p50/p95 of

- api   — ``GET /api/customers/lookup/?q=…`` in-process (django.test.Client, token header);
- sql   — the same lookup's single SQL statement on a raw cursor (the database's floor);
- floor — ``GET /api/customers/lookup/ping/``: same authentication and permission, no work
          (the framework's floor);

and the ratio api/floor.  Goals: sql p95 <= 5 ms for every kind; api p95 <= 2 x floor p95.

    .venv/bin/python bench/lookup.py                                   # PostgreSQL, 1,000,000 customers
    .venv/bin/python bench/lookup.py --sqlite                          # SQLite file, 200,000 customers
    .venv/bin/python bench/lookup.py --database-url URL --customers N --iterations 400 --user dealer

Builds the data if missing (org demo step, then a synthetic COPY loader, then the index rebuild).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, ensure_postgres_database, load_synthetic, log, percentiles, setup_django, timed  # noqa: E402

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/aftersales_bench"
SQLITE_DEFAULT = f"sqlite:///{ROOT / 'data' / 'bench_lookup.sqlite3'}"
KINDS = ["full phone", "phone last 4", "plate fragment", "VIN last 6", "name (2-3 chars)", "pinyin initials"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url")
    ap.add_argument("--sqlite", action="store_true", help="SQLite file database, 200,000 customers by default")
    ap.add_argument("--customers", type=int)
    ap.add_argument("--iterations", type=int, default=300, help="timed requests per kind and measurement")
    ap.add_argument("--queries", type=int, default=200, help="distinct sample queries per kind")
    ap.add_argument("--load-only", action="store_true", help="build the data and stop")
    ap.add_argument("--user", default="agent", help="demo user to search as (agent: HQ, all scope; dealer: one store)")
    args = ap.parse_args()
    url = args.database_url or (SQLITE_DEFAULT if args.sqlite else PG_DEFAULT)
    n = args.customers or (200_000 if url.startswith("sqlite") else 1_000_000)
    ensure_postgres_database(url)
    setup_django(url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from aftersales.core.scoping import scope_for
    from aftersales.customers.lookup import query as lk

    log(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not User.objects.filter(username="agent").exists():
        from aftersales.org.seed import seed_org

        log("data: seeding organisations and demo users …")
        seed_org()
    load_synthetic(n)
    if args.load_only:
        return
    from aftersales.customers.models import Customer

    total = Customer.objects.count()
    user = User.objects.get(username=args.user)
    token, _ = Token.objects.get_or_create(user=user)

    samples = _samples(connection, args.queries, user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert client.get("/api/customers/lookup/ping/").status_code == 200
    results = []
    for kind in KINDS:
        queries = samples[kind]
        scope = scope_for(user)
        prepared = [lk.search_sql(lk.plan_query(q), scope) for q in queries]
        hits = [len(client.get("/api/customers/lookup/", {"q": q}).json()["results"]) for q in queries[:50]]

        def api(i, queries=queries):
            r = client.get("/api/customers/lookup/", {"q": queries[i % len(queries)]})
            assert r.status_code == 200

        def raw(i, prepared=prepared):
            sql, params = prepared[i % len(prepared)]
            with connection.cursor() as cur:
                cur.execute(sql, params)
                cur.fetchall()

        def floor(i):
            client.get("/api/customers/lookup/ping/")

        def scoped_floor(i):
            client.get("/api/customers/lookup/ping/", {"scope": "1"})

        fns = (api, raw, floor, scoped_floor)
        for fn in fns:  # warm up
            timed(fn, 30)
        cells: list[list[float]] = [[] for _ in fns]
        for i in range(args.iterations):  # round-robin: all four see the same machine state
            for cell, fn in zip(cells, fns, strict=True):
                cell += timed(lambda _i, fn=fn, i=i: fn(i), 1)
        a, s, f, sf = cells
        results.append((kind, percentiles(a), percentiles(s), percentiles(f), percentiles(sf), sum(hits) / len(hits),
                        queries[0]))

    print(f"\nLookup benchmark — {connection.vendor}, {total:,} customers, user {args.user} "
          f"({'all organisations' if scope_for(user).everything else 'own organisation'}), "
          f"{args.iterations} requests per cell, times in ms")
    head = (f"{'kind':<18} {'api p50':>8} {'api p95':>8} {'sql p50':>8} {'sql p95':>8} {'floor p50':>9} "
            f"{'floor p95':>9} {'api/floor':>9} {'scoped p50':>10} {'scoped p95':>10} {'api/scoped':>10} {'hits':>5}  example")
    print(head)
    print("-" * len(head))
    for kind, (a50, a95), (s50, s95), (f50, f95), (g50, g95), hits, example in results:
        print(f"{kind:<18} {a50:8.2f} {a95:8.2f} {s50:8.2f} {s95:8.2f} {f50:9.2f} {f95:9.2f} {a95 / f95:9.2f} "
              f"{g50:10.2f} {g95:10.2f} {a95 / g95:10.2f} {hits:5.1f}  {example}")
    worst_sql = max(r[2][1] for r in results)
    worst_ratio = max(r[1][1] / r[3][1] for r in results)
    worst_scoped = max(r[1][1] / r[4][1] for r in results)
    print(f"\ngoals: sql p95 <= 5 ms: {'met' if worst_sql <= 5 else 'MISSED'} (worst {worst_sql:.2f} ms); "
          f"api p95 <= 2 x floor p95: {'met' if worst_ratio <= 2 else 'MISSED'} (worst {worst_ratio:.2f} x; "
          f"vs the scoped floor {worst_scoped:.2f} x)")
    print("floor = GET /api/customers/lookup/ping/ (token auth + permission); scoped = ping?scope=1 (+ scope_for(user), "
          "which every scoped endpoint pays)")


def _samples(connection, k: int, user) -> dict[str, list[str]]:
    """Sample queries per kind from random customers (and their vehicles) the user can see."""
    from aftersales.core.scoping import scope_for

    scope = scope_for(user)
    rng = random.Random(7)
    with connection.cursor() as cur:
        cur.execute("SELECT MIN(id), MAX(id) FROM customers_customer")
        lo, hi = cur.fetchone()
        rows = []
        while len(rows) < k:
            start = rng.randint(lo, hi)
            cur.execute(
                "SELECT c.name, c.name_initials, c.primary_phone, v.plate, v.vin, c.owning_dealer_id "
                "FROM customers_customer c JOIN customers_vehicle v ON v.owner_id = c.id "
                "WHERE c.id >= %s AND c.primary_phone <> '' AND v.plate <> '' ORDER BY c.id LIMIT 1", [start])
            row = cur.fetchone()
            if row and (scope.everything or row[5] in scope.organisation_ids):
                rows.append(row)
    out: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for name, initials, phone, plate, vin, _org in rows:
        national = phone[3:]
        out["full phone"].append(national)
        out["phone last 4"].append(national[-4:])
        start = rng.randint(1, max(1, len(plate) - 3))
        out["plate fragment"].append(plate[start:start + 3 + rng.randint(0, 1)])
        out["VIN last 6"].append(vin[-6:])
        out["name (2-3 chars)"].append(name)
        out["pinyin initials"].append(initials)
    return out


if __name__ == "__main__":
    main()
