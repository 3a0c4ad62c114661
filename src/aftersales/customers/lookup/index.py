"""Upkeep of the search-key table (R-CUS-5): re-key customers and vehicles after a change (called
by the archive services and importers) and rebuild the whole table set-based after bulk loads.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router, transaction

from .keys import (
    _PG_NAME_STRIP,
    _PG_PLATE_STRIP,
    KEY_MAX,
    NAME_INNER_MAX_START,
    _initials,
    _reversed_digits,
    _vehicle_orgs,
    customer_keys,
    vehicle_keys,
)


def _db(using):
    from ..models import SearchKey

    return using or router.db_for_write(SearchKey)


def _insert(cursor, rows: list[tuple]) -> None:
    if rows:
        cursor.executemany(
            "INSERT INTO customers_searchkey (key, customer_id, vehicle_id, organisation_id, is_primary) "
            "VALUES (%s, %s, %s, %s, %s)", rows)


def _customer_rows(customers: list[tuple], phones: dict[int, set[str]]) -> list[tuple]:
    rows = []
    for cid, name, initials, primary_phone, org in customers:
        revs = set(phones.get(cid, ()))
        if primary_phone:
            revs.add(_reversed_digits(primary_phone))
        for key in customer_keys(name=name, initials=initials or _initials(name), phones_reversed=revs):
            rows.append((key, cid, None, org, True))
    return rows


def _vehicle_rows(vehicles: list[tuple]) -> list[tuple]:
    rows = []
    for vid, vin, plate, owner, selling, servicing, owning in vehicles:
        keys = vehicle_keys(vin=vin, plate=plate)
        for org, primary in _vehicle_orgs(selling, servicing, owning):
            rows.extend((key, owner, vid, org, primary) for key in keys)
    return rows


def _load_customers(ids: list[int], using: str) -> tuple[list[tuple], dict[int, set[str]]]:
    from ..models import Customer, CustomerPhone

    customers = list(Customer.objects.using(using).filter(pk__in=ids).values_list(
        "id", "name", "name_initials", "primary_phone", "owning_dealer_id"))
    phones: dict[int, set[str]] = {}
    for cid, rev in CustomerPhone.objects.using(using).filter(customer_id__in=ids).values_list(
            "customer_id", "digits_reversed"):
        phones.setdefault(cid, set()).add(rev)
    return customers, phones


def _load_vehicles(ids: list[int], using: str) -> list[tuple]:
    from ..models import Vehicle

    return list(Vehicle.objects.using(using).filter(pk__in=ids).values_list(
        "id", "vin", "plate", "owner_id", "selling_dealer_id", "servicing_dealer_id", "owner__owning_dealer_id"))


def reindex_customers(customer_ids: Iterable[int], *, using: str | None = None, with_vehicles: bool = True) -> None:
    """Replace the keys of these customers (and of the vehicles they own, whose rows carry the
    owner's dealer).  Call after any change of name, phones or owning dealer."""
    from ..models import SearchKey, Vehicle

    ids = sorted({int(i) for i in customer_ids})
    if not ids:
        return
    using = _db(using)
    with transaction.atomic(using=using):
        SearchKey.objects.using(using).filter(customer_id__in=ids, vehicle_id__isnull=True).delete()
        customers, phones = _load_customers(ids, using)
        with connections[using].cursor() as cursor:
            _insert(cursor, _customer_rows(customers, phones))
        if with_vehicles:
            reindex_vehicles(Vehicle.objects.using(using).filter(owner_id__in=ids).values_list("id", flat=True),
                             using=using)


def reindex_customer(customer_id: int, *, using: str | None = None) -> None:
    reindex_customers([customer_id], using=using)


def reindex_vehicles(vehicle_ids: Iterable[int], *, using: str | None = None) -> None:
    """Replace the keys of these vehicles.  Call after a change of VIN, plate, owner or dealers."""
    from ..models import SearchKey

    ids = sorted({int(i) for i in vehicle_ids})
    if not ids:
        return
    using = _db(using)
    with transaction.atomic(using=using):
        SearchKey.objects.using(using).filter(vehicle_id__in=ids).delete()
        with connections[using].cursor() as cursor:
            _insert(cursor, _vehicle_rows(_load_vehicles(ids, using)))


def reindex_vehicle(vehicle_id: int, *, using: str | None = None) -> None:
    reindex_vehicles([vehicle_id], using=using)


# ---------------------------------------------------------------------------------------------
# bulk rebuild
# ---------------------------------------------------------------------------------------------

# Only constants are interpolated into the SQL below; every value is a bound parameter.
_PG_REBUILD = f"""
INSERT INTO customers_searchkey (key, customer_id, vehicle_id, organisation_id, is_primary)
WITH c AS (
    SELECT id, owning_dealer_id AS org,
           lower(regexp_replace(normalize(name, NFKC), '{_PG_NAME_STRIP}', '', 'g')) AS n,
           lower(name_initials) AS ini
    FROM customers_customer
), ph AS (
    SELECT customer_id, digits_reversed AS d FROM customers_customerphone WHERE digits_reversed <> ''
    UNION
    SELECT id, reverse(regexp_replace(split_part(primary_phone, ';', 1), '^[+]86', ''))
    FROM customers_customer WHERE primary_phone LIKE '+86%'
), v AS (
    SELECT v.id, v.owner_id, reverse(upper(v.vin)) AS rv,
           upper(regexp_replace(normalize(v.plate, NFKC), '{_PG_PLATE_STRIP}', '', 'g')) AS p,
           o.org,
           o.org IS NOT DISTINCT FROM COALESCE(v.selling_dealer_id, v.servicing_dealer_id, cu.owning_dealer_id) AS prim
    FROM customers_vehicle v
    LEFT JOIN customers_customer cu ON cu.id = v.owner_id
    CROSS JOIN LATERAL (VALUES (v.selling_dealer_id, 1), (v.servicing_dealer_id, 2), (cu.owning_dealer_id, 3)) AS o(org, ord)
    WHERE (o.org IS NOT NULL
           AND (o.ord = 1 OR o.org IS DISTINCT FROM v.selling_dealer_id)
           AND (o.ord <= 2 OR o.org IS DISTINCT FROM v.servicing_dealer_id))
       OR (o.ord = 1 AND COALESCE(v.selling_dealer_id, v.servicing_dealer_id, cu.owning_dealer_id) IS NULL)
)
SELECT 'P' || ph.d, ph.customer_id, NULL::bigint, c.org, true FROM ph JOIN c ON c.id = ph.customer_id
UNION ALL SELECT left('N' || c.n, {KEY_MAX}), c.id, NULL, c.org, true FROM c WHERE c.n <> ''
UNION ALL SELECT left('n' || substr(c.n, i), {KEY_MAX}), c.id, NULL, c.org, true
    FROM c, generate_series(2, least(char_length(c.n) - 1, {NAME_INNER_MAX_START + 1})) AS i
UNION ALL SELECT left('I' || c.ini, {KEY_MAX}), c.id, NULL, c.org, true FROM c WHERE c.ini <> ''
UNION ALL SELECT 'V' || v.rv, v.owner_id, v.id, v.org, v.prim FROM v WHERE v.rv <> ''
UNION ALL SELECT left('L' || v.p, {KEY_MAX}), v.owner_id, v.id, v.org, v.prim FROM v WHERE v.p <> ''
UNION ALL SELECT left('l' || substr(v.p, i), {KEY_MAX}), v.owner_id, v.id, v.org, v.prim
    FROM v, generate_series(2, char_length(v.p) - 2) AS i
"""  # noqa: S608


def rebuild_search_index(*, using: str | None = None, batch: int = 5000, stdout=None,
                         manage_indexes: bool = True) -> int:
    """Rebuild the whole key table from the archive; returns the number of keys.

    PostgreSQL: one set-based ``INSERT … SELECT`` with the indexes dropped and rebuilt around it
    (1M customers + 1M vehicles in a few minutes).  Other engines (SQLite): batched Python, since
    SQLite has no ``reverse()``/``normalize()``.  Use after bulk imports and seeding.
    ``manage_indexes=False`` leaves the indexes alone (the creating migration builds them after).
    """
    from ..models import Customer, SearchKey, Vehicle

    using = _db(using)
    conn = connections[using]
    with transaction.atomic(using=using):
        if conn.vendor == "postgresql":
            indexes = list(SearchKey._meta.indexes) if manage_indexes else []
            with conn.cursor() as cursor:
                cursor.execute("TRUNCATE customers_searchkey RESTART IDENTITY")
                for idx in indexes:
                    cursor.execute(f'DROP INDEX IF EXISTS "{idx.name}"')
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cursor.execute(_PG_REBUILD)
            with conn.schema_editor(atomic=False, collect_sql=False) as editor:
                for idx in indexes:
                    editor.add_index(SearchKey, idx)
            with conn.cursor() as cursor:
                cursor.execute("ANALYZE customers_searchkey")
        else:
            with conn.cursor() as cursor:
                cursor.execute("DELETE FROM customers_searchkey")
                last = 0
                while True:
                    ids = list(Customer.objects.using(using).filter(pk__gt=last).order_by("pk")
                               .values_list("pk", flat=True)[:batch])
                    if not ids:
                        break
                    last = ids[-1]
                    customers, phones = _load_customers(ids, using)
                    _insert(cursor, _customer_rows(customers, phones))
                last = 0
                while True:
                    ids = list(Vehicle.objects.using(using).filter(pk__gt=last).order_by("pk")
                               .values_list("pk", flat=True)[:batch])
                    if not ids:
                        break
                    last = ids[-1]
                    _insert(cursor, _vehicle_rows(_load_vehicles(ids, using)))
                if conn.vendor == "sqlite":
                    cursor.execute("ANALYZE customers_searchkey")
    count = SearchKey.objects.using(using).count()
    if stdout:
        stdout.write(f"  search keys {count}")
    return count
