"""Benchmark: CSV export of 100,000 customers (issue 8 item 7) against ``psql \\copy`` of the same
rows and columns, measured in the same run.

    .venv/bin/python bench/export_customers.py [--database-url URL] [--rows 100000] [--user manager]

The export runs the production path — the exporter's scoped, filtered queryset, the columns masked
for the user, formula neutralisation, UTF-8 CSV with BOM — into bench/out/ (git-ignored).  The
baseline is psql writing the same columns (customer, primary address, dealer code, region name)
with one SQL join.  Goal: export ≤ 5× the baseline.  Needs a database with at least ``--rows``
customers (``bench/lists.py --seed`` builds 1,000,000).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, setup_django  # noqa: E402

OUT = ROOT / "bench" / "out"
BASELINE_SQL = """
SELECT c.code, c.kind, c.name, c.primary_phone,
       concat_ws('', a.province, a.city, a.district, a.detail) AS address,
       o.code AS dealer, r.name AS region, c.source, c.tags::text, to_char(c.created_at, 'YYYY-MM-DD HH24:MI')
FROM customers_customer c
LEFT JOIN customers_customeraddress a ON a.customer_id = c.id AND a.is_primary
LEFT JOIN org_organisation o ON o.id = c.owning_dealer_id
LEFT JOIN org_region r ON r.id = c.region_id
WHERE c.id <= {last_id} ORDER BY c.id"""


def psql_copy(url: str, sql: str, path: Path) -> float:
    u = urlparse(url)
    cmd = ["psql", "-q", "-X", "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U",
           u.username or "postgres", "-d", u.path.lstrip("/"),
           "-c", f"\\copy ({' '.join(sql.split())}) TO '{path}' CSV HEADER"]
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/aftersales_listbench")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--user", default="manager")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.contrib.auth import get_user_model

    from aftersales.core.imports import exports
    from aftersales.customers.models import Customer

    OUT.mkdir(parents=True, exist_ok=True)
    user = get_user_model().objects.get(username=args.user)
    ids = Customer.objects.order_by("id").values_list("id", flat=True)
    last_id = ids[args.rows - 1]
    exporter = exports.get_exporter("customers")

    baseline, export = [], []
    for _ in range(args.repeat):  # interleaved, so a busy machine slows both alike
        baseline.append(psql_copy(args.database_url, BASELINE_SQL.format(last_id=last_id), OUT / "export-copy.csv"))
        t = time.perf_counter()
        qs = exporter.queryset(user, {}).filter(id__lte=last_id)
        headers, rows = exports.rows_for(exporter, user, qs)
        count = exports.write_file(OUT / "export-app.csv", "csv", headers, rows)
        export.append(time.perf_counter() - t)
    b, e = min(baseline), min(export)
    print(f"CSV export of {count:,} customers as {args.user}: best of {args.repeat} "
          f"{e:.2f}s (runs {', '.join(f'{x:.2f}' for x in export)})")
    print(f"psql \\copy of the same rows and columns (one join): best {b:.2f}s "
          f"(runs {', '.join(f'{x:.2f}' for x in baseline)})")
    print(f"export / \\copy = {e / b:.1f}× (goal ≤ 5×) · peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for f in ("export-copy.csv", "export-app.csv"):
        (OUT / f).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
