"""Shared helpers for the benchmarks: Django setup against a chosen database, a synthetic bulk
loader (PostgreSQL COPY / SQLite executemany) and percentile timing.

The loader writes realistic rows straight into the customer tables (names from common surnames and
given-name characters, unique mobiles, valid VINs with check digits, valid ordinary plates of the
dealer's city) — it is bench-only; the product's bulk seeding lives in ``customers/seed_bulk.py``.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(database_url: str) -> None:
    """Point the settings at ``database_url`` (before Django loads) with DEBUG off (no query log)."""
    os.environ["AFTERSALES_DATABASE_URL"] = database_url
    os.environ.setdefault("AFTERSALES_DEBUG", "0")
    os.environ.setdefault("AFTERSALES_AXES_ENABLED", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def ensure_postgres_database(database_url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist."""
    if not database_url.startswith(("postgres://", "postgresql://")):
        return
    from urllib.parse import urlparse

    import psycopg

    u = urlparse(database_url)
    name = u.path.lstrip("/")
    admin = u._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    qs = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return qs[49], qs[94]


def timed(fn, n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


# ------------------------------------------------------------------------------------------------
# synthetic data
# ------------------------------------------------------------------------------------------------

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志海燕红梅玉晓东文博子涵浩然欣怡俊宇轩梓睿一诺"
         "嘉怡佳琪雨萱思远晨阳鑫鹏飞雪琳婷慧颖宏亮辉斌波春秋冬云峰岩林森")
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".replace("Q", "")


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _vin(i: int) -> str:
    from aftersales.core.validators import vin_check_digit

    base = f"LBV{'ABCDEFGH'[i % 8]}{(i // 8) % 10}{'JKLMN'[i % 5]}{(i // 40) % 10}0{'RSTV'[i % 4]}B{i:07d}"[:17]
    return base[:8] + vin_check_digit(base) + base[9:]


def synthetic_rows(n: int, start: int, dealers: list[tuple[int, str]], seed: int = 20261129):
    """Yield (customer, phone, vehicle) dicts for customer numbers start..n-1 (deterministic)."""
    from pypinyin import Style, lazy_pinyin

    rng = random.Random(seed + start)
    initials: dict[str, str] = {}
    used_phones: set[str] = set()
    for i in range(start, n):
        name = _name(rng)
        ini = initials.get(name)
        if ini is None:
            ini = initials[name] = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
        # unique mobile: deterministic from i, spread over prefixes
        prefix = ("13", "15", "17", "18", "19")[i % 5] + str(rng.randrange(10))
        phone = f"{prefix}{(i * 7919 + 12345) % 100000000:08d}"
        while phone in used_phones:
            phone = f"{prefix}{rng.randrange(100000000):08d}"
        used_phones.add(phone)
        dealer_id, plate_prefix = dealers[i % len(dealers)]
        plate = plate_prefix + "".join(rng.choice(SERIAL) for _ in range(5))
        yield name, ini, "+86" + phone, phone[::-1], dealer_id, _vin(i), plate


def load_synthetic(n_customers: int, *, batch: int = 50_000) -> None:
    """Top the archive up to ``n_customers`` customers (one phone and one vehicle each), then rebuild
    the lookup index.  PostgreSQL: COPY; SQLite: executemany."""
    from django.db import connection
    from django.utils import timezone

    from aftersales.customers.lookup.index import rebuild_search_index
    from aftersales.customers.models import Customer, VehicleModel
    from aftersales.org.models import Organisation
    from aftersales.org.seed import city_plate_prefixes

    have = Customer.objects.count()
    if have >= n_customers:
        log(f"data: {have} customers present")
        return
    prefixes = city_plate_prefixes()
    dealers = [(o.pk, prefixes.get(o.region.code, "京A"))
               for o in Organisation.objects.exclude(kind="head_office").select_related("region").order_by("code")]
    model, _ = VehicleModel.objects.get_or_create(code="BENCH-EV", defaults={"name": "基准车型"})
    start = Customer.objects.filter(code__startswith="BN").count()
    now = timezone.now()
    t0 = time.perf_counter()
    log(f"data: loading customers {have} → {n_customers} …")
    pg = connection.vendor == "postgresql"
    cust_cols = ("created_at", "updated_at", "version", "code", "kind", "name", "name_initials", "gender",
                 "resident_id", "person_in_charge", "owning_dealer_id", "source", "primary_phone", "tags",
                 "desired_services", "notes", "is_active")
    phone_cols = ("created_at", "updated_at", "version", "customer_id", "number", "digits_reversed", "kind", "label",
                  "is_primary")
    veh_cols = ("created_at", "updated_at", "version", "vin", "vin_override_reason", "plate", "plate_kind",
                "vehicle_model_id", "colour", "production_batch", "selling_dealer_id", "servicing_dealer_id",
                "owner_id", "current_mileage", "is_active")
    rows = synthetic_rows(start + (n_customers - have), start, dealers)
    done = 0
    while True:
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                break
        if not chunk:
            break
        with connection.cursor() as cursor:
            codes = [f"BN{start + done + k:09d}" for k in range(len(chunk))]
            cust = [(now, now, 1, codes[k], "person", r[0], r[1], "", "", "", r[4], "purchase", r[2], "[]", "", "", True)
                    for k, r in enumerate(chunk)]
            _bulk(cursor, pg, "customers_customer", cust_cols, cust)
            cursor.execute("SELECT id, code FROM customers_customer WHERE code >= %s AND code <= %s",
                           [codes[0], codes[-1]])
            ids = {code: pk for pk, code in cursor.fetchall()}
            phones = [(now, now, 1, ids[codes[k]], r[2], r[3], "mobile", "", True) for k, r in enumerate(chunk)]
            _bulk(cursor, pg, "customers_customerphone", phone_cols, phones)
            vehicles = [(now, now, 1, r[5], "", r[6], "ordinary", model.pk, "", "", r[4], r[4], ids[codes[k]], 0, True)
                        for k, r in enumerate(chunk)]
            _bulk(cursor, pg, "customers_vehicle", veh_cols, vehicles)
        done += len(chunk)
        log(f"  {have + done} customers ({time.perf_counter() - t0:.0f}s)")
    t1 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    keys = rebuild_search_index()
    log(f"data: loaded in {t1 - t0:.0f}s; search index rebuilt ({keys} keys) in {time.perf_counter() - t1:.0f}s")


def _bulk(cursor, pg: bool, table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
    if pg:
        raw = cursor.cursor  # psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})", rows)
