"""Fast lookup of customers and vehicles (R-CUS-5): one search box, the API and the telephony
screen-pop (caller number → customers).

Decision (ADR material)
-----------------------
*Index*: a derived key table, ``SearchKey`` (see ``models/search.py``), one row per token with a
kind prefix: reversed phone digits, reversed VIN, whole plate, inner plate suffixes (>= 3 chars),
whole name, inner name suffixes (>= 2 chars), pinyin initials.  Every kind of lookup becomes a
B-tree range scan ``key >= lo AND key < hi`` (suffix search = prefix search on the reversed string,
substring search = prefix search on the suffixes), identical on PostgreSQL and SQLite, so one code
path and one query plan shape serve both engines.  Rejected: pg_trgm (a 2-character Chinese name
has no useful trigram: ~190 ms on 1M rows), FTS5 (SQLite only, needs a second code path), LIKE
(collation- and ``case_sensitive_like``-dependent prefix optimisation).  Cost: ~5 rows per customer
and ~6 per vehicle and organisation; kept in sync by ``reindex_customer`` / ``reindex_vehicle``
(called by the archive services) and rebuilt set-based by ``rebuild_search_index`` after bulk
imports.

*Scope* (DESIGN.md "Scoping model"): the key rows carry ``organisation_id`` (customer: owning
dealer; vehicle: one row per selling / servicing / owner's dealer), so a dealer's fragment search is
an ordered scan of ``(organisation_id, key, -id)`` that stops after ``limit`` rows, however common
the fragment is network-wide.  Access grants (the one scoping method honours them) are extra
branches ``customer_id / vehicle_id IN (active grants of my organisations)``.  Exact identifiers
(full phone, full VIN, full valid plate) search network-wide; hits outside the scope come back
``masked`` (name and phone masked, no link) with a hint to receive the vehicle, which creates the
access grant (``services.receive_vehicle``).

*Ranking*: exact identifier matches first, then by kind (phone, VIN, plate, name, initials), then
by key (the exact token sorts before longer ones: 张伟 before 张伟明), then most recently indexed;
``limit`` (default 20) rows.  Everything — branches, ranking, limit and hydration (name, phone,
plate, VIN, dealer) — is ONE SQL statement; ``search_sql`` exposes it for the benchmark's floor.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.masking import can_see_personal_data
from aftersales.core.scoping import Scope, scope_for
from aftersales.core.validators import (
    PLATE_PROVINCES,
    classify_plate,
    mask_phone,
    normalise_phone,
    normalise_plate,
    phone_digits,
)

__all__ = [
    "LookupHit",
    "Probe",
    "customer_keys",
    "lookup",
    "plan_query",
    "rebuild_search_index",
    "reindex_customer",
    "reindex_customers",
    "reindex_vehicle",
    "reindex_vehicles",
    "search_sql",
    "vehicle_keys",
]

KEY_MAX = 64
NAME_INNER_MAX_START = 10  # inner name suffixes start at most this far in (long company names)
MAX_QUERY = 64

# Match kinds (the API's "match" field) and their priority after exact matches.
PHONE, VIN, PLATE, NAME, INITIALS = "phone", "vin", "plate", "name", "initials"
_PRIO = {"P": 10, "V": 20, "L": 30, "l": 31, "N": 40, "n": 41, "I": 50}
_MATCH = {"P": PHONE, "V": VIN, "L": PLATE, "l": PLATE, "N": NAME, "n": NAME, "I": INITIALS}

_NAME_STRIP = re.compile(r"[\s·•・･.\-]+")
_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
_ALNUM = re.compile(r"^[0-9A-Z]+$")
_PHONE_INPUT = re.compile(r"^\+?[0-9][0-9\s\-()]*$")
# SQL mirrors of the Python normalisers (PostgreSQL rebuild), kept next to them on purpose.
_PG_NAME_STRIP = r"[[:space:]·•・･.-]+"
_PG_PLATE_STRIP = r"[[:space:]·•・･‐‑–—-]+"


# ---------------------------------------------------------------------------------------------
# keys
# ---------------------------------------------------------------------------------------------

def norm_name(name: str) -> str:
    """Name as a key: NFKC, without spaces and separators (欧阳·娜娜), lower-case Latin."""
    return _NAME_STRIP.sub("", unicodedata.normalize("NFKC", name or "")).lower()


def _reversed_digits(e164: str) -> str:
    try:
        return phone_digits(e164)[::-1]
    except ValueError:
        return ""


def customer_keys(*, name: str, initials: str, phones_reversed: Iterable[str]) -> list[str]:
    n = norm_name(name)
    keys = {"P" + d for d in phones_reversed if d}
    if n:
        keys.add("N" + n)
        keys.update("n" + n[i:] for i in range(1, min(len(n) - 1, NAME_INNER_MAX_START + 1)))
    ini = (initials or "").lower()
    if ini:
        keys.add("I" + ini)
    return sorted(k[:KEY_MAX] for k in keys)


def vehicle_keys(*, vin: str, plate: str) -> list[str]:
    keys = {"V" + (vin or "").upper()[::-1]} if vin else set()
    p = normalise_plate(plate or "")
    if p:
        keys.add("L" + p)
        keys.update("l" + p[i:] for i in range(1, len(p) - 2))
    return sorted(k[:KEY_MAX] for k in keys)


def _vehicle_orgs(selling: int | None, servicing: int | None, owning: int | None) -> list[tuple[int | None, bool]]:
    """One (organisation, is_primary) per distinct organisation that sees the vehicle."""
    orgs: list[int] = []
    for org in (selling, servicing, owning):
        if org is not None and org not in orgs:
            orgs.append(org)
    return [(o, i == 0) for i, o in enumerate(orgs)] or [(None, True)]


def _initials(name: str) -> str:
    from .services import name_initials

    return name_initials(name)


def _db(using):
    from .models import SearchKey

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
    from .models import Customer, CustomerPhone

    customers = list(Customer.objects.using(using).filter(pk__in=ids).values_list(
        "id", "name", "name_initials", "primary_phone", "owning_dealer_id"))
    phones: dict[int, set[str]] = {}
    for cid, rev in CustomerPhone.objects.using(using).filter(customer_id__in=ids).values_list(
            "customer_id", "digits_reversed"):
        phones.setdefault(cid, set()).add(rev)
    return customers, phones


def _load_vehicles(ids: list[int], using: str) -> list[tuple]:
    from .models import Vehicle

    return list(Vehicle.objects.using(using).filter(pk__in=ids).values_list(
        "id", "vin", "plate", "owner_id", "selling_dealer_id", "servicing_dealer_id", "owner__owning_dealer_id"))


def reindex_customers(customer_ids: Iterable[int], *, using: str | None = None, with_vehicles: bool = True) -> None:
    """Replace the keys of these customers (and of the vehicles they own, whose rows carry the
    owner's dealer).  Call after any change of name, phones or owning dealer."""
    from .models import SearchKey, Vehicle

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
    from .models import SearchKey

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
    from .models import Customer, SearchKey, Vehicle

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


# ---------------------------------------------------------------------------------------------
# query planning
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Probe:
    """One index probe: ``key`` is matched exactly (network-wide) or as a prefix (within scope)."""

    key: str
    exact: bool = False

    @property
    def kind(self) -> str:
        return self.key[0]

    @property
    def match(self) -> str:
        return _MATCH[self.kind]

    @property
    def prio(self) -> int:
        return 0 if self.exact else _PRIO[self.kind]

    @property
    def upper(self) -> str:
        """Exclusive upper bound of the prefix range (UTF-8 byte order = code-point order)."""
        return self.key[:-1] + chr(ord(self.key[-1]) + 1)


def _full_phone(raw: str) -> str | None:
    """Reversed national digits when ``raw`` is a complete phone number (mobile, landline with
    area code, 400/800), else None."""
    try:
        nsn = phone_digits(normalise_phone(raw))
    except ValueError:
        return None
    return nsn[::-1] if len(nsn) >= 10 else None


def plan_query(q: str, *, phone_only: bool = False) -> list[Probe]:
    """Which index probes answer ``q``.

    - digits: complete phone → exact phone (network-wide); 4+ digits → phone tail; 3–6 digits →
      plate fragment; 6+ digits → VIN tail.
    - 17 VIN characters → exact VIN (network-wide).
    - starts with a province character: a valid plate → exact plate (network-wide), else a plate
      prefix (京A12).
    - 3+ letters/digits → plate fragment; with a digit and 6+ long → VIN tail; 2–10 letters →
      pinyin initials (and a Latin name).
    - Chinese characters → name prefix, and (2+ characters) name substring.
    """
    raw = unicodedata.normalize("NFKC", q or "").strip()[:MAX_QUERY]
    if not raw:
        return []
    if _PHONE_INPUT.match(raw):
        digits = re.sub(r"\D", "", raw)
        full = _full_phone(raw)
        if full:
            return [Probe("P" + full, exact=True)]
        probes = []
        if len(digits) >= 4:
            probes.append(Probe("P" + digits[::-1]))
        if phone_only:
            return probes
        if 6 <= len(digits) <= 16:
            probes.append(Probe("V" + digits[::-1]))
        if 3 <= len(digits) <= 6:
            probes.append(Probe("l" + digits))
        return probes
    if phone_only:
        return []
    compact = normalise_plate(raw)  # NFKC, no spaces/separators, upper-case
    if not compact:
        return []
    if len(compact) == 17 and _ALNUM.match(compact):
        return [Probe("V" + compact[::-1], exact=True)]
    if compact[0] in PLATE_PROVINCES and len(compact) >= 2 and _ALNUM.match(compact[1:]):
        if classify_plate(compact):
            return [Probe("L" + compact, exact=True)]
        return [Probe("L" + compact)]
    if _ALNUM.match(compact):
        probes = []
        if compact.isalpha() and 2 <= len(compact) <= 10:
            probes.append(Probe("I" + compact.lower()))
            probes.append(Probe("N" + compact.lower()))
        if any(ch.isdigit() for ch in compact) and 6 <= len(compact) <= 16:
            probes.append(Probe("V" + compact[::-1]))
        if len(compact) >= 3:
            probes.append(Probe("l" + compact))
        return probes
    name = norm_name(raw)
    if name and _CJK.match(name):
        probes = [Probe("N" + name)]
        if len(name) >= 2:
            probes.append(Probe("n" + name))
        return probes
    if name:
        return [Probe("N" + name)]
    return []


def matching_keys(q: str):
    """The index rows that answer ``q``, for the list pages' search box (issue 8 item 7).

    The customer and vehicle lists search the same way the lookup box does (phone tail, plate,
    VIN tail, name, pinyin initials) and through the same index, so a phone-tail or plate search
    over a million customers is a range scan instead of a join over every phone.  The caller
    filters its already scoped queryset by the ids; the key table itself grants nothing.
    Returns None when ``q`` asks nothing of the index.
    """
    from django.db.models import Q

    from .models import SearchKey

    probes = plan_query(q)
    if not probes:
        return None
    condition = Q()
    for probe in probes:
        condition |= Q(key=probe.key) if probe.exact else Q(key__gte=probe.key, key__lt=probe.upper)
    return SearchKey.objects.filter(condition)


# A list search resolving to more ids than this keeps the ids as a subquery instead of a list.
SEARCH_ID_LIST_MAX = 2000


def matching_ids(keys, column: str) -> list[int] | None:
    """The distinct ``column`` ids (customer_id / vehicle_id / pk) of the rows ``keys``, as a list
    when there are at most ``SEARCH_ID_LIST_MAX`` of them, else None (the caller keeps the subquery).

    A list page filters its scoped queryset by these ids and then counts and sorts; with a
    subquery OR-ed to another condition PostgreSQL scanned the whole customers table for the
    count (1.4 s on a million customers); with a short list of ids it reads a few index pages.
    """
    ids = list(keys.filter(**{f"{column}__isnull": False}).order_by().values_list(column, flat=True)
               .distinct()[: SEARCH_ID_LIST_MAX + 1])
    return None if len(ids) > SEARCH_ID_LIST_MAX else ids


# ---------------------------------------------------------------------------------------------
# the one SQL statement
# ---------------------------------------------------------------------------------------------

_COLS = 'k.id, k."key", k.customer_id, k.vehicle_id'


def _in(values: Iterable[int]) -> tuple[str, list]:
    values = sorted(values)
    return ", ".join(["%s"] * len(values)), values


def _grant_subquery(ct_id: int, orgs: list[int], now) -> tuple[str, list]:
    ph, vals = _in(orgs)
    return (f"SELECT g.object_id FROM core_accessgrant g WHERE g.content_type_id = %s AND g.organisation_id IN ({ph}) "  # noqa: S608
            "AND g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > %s)", [ct_id, *vals, now])


def _content_type_ids() -> tuple[int, int]:
    from django.contrib.contenttypes.models import ContentType

    from .models import Customer, Vehicle

    return (ContentType.objects.get_for_model(Customer).pk, ContentType.objects.get_for_model(Vehicle).pk)


def search_sql(probes: list[Probe], scope: Scope, *, limit: int = 20) -> tuple[str, list]:
    """The lookup as one SQL statement (branches per probe, ranking, limit, hydration).

    Result columns: id, key, customer_id, vehicle_id, ex, prio, in_scope, c.name,
    c.primary_phone, v.id, v.plate, v.vin, dealer name.
    """
    now = timezone.now()
    orgs = sorted(scope.organisation_ids)
    branches: list[tuple[str, list]] = []
    grants: tuple[tuple[str, list], tuple[str, list]] | None = None
    if not scope.everything and orgs:
        ct_c, ct_v = _content_type_ids()
        grants = (_grant_subquery(ct_c, orgs, now), _grant_subquery(ct_v, orgs, now))
    for probe in probes:
        prio = probe.prio
        whole = probe.kind in "NLI"
        if probe.exact:
            if scope.everything:
                in_scope, in_params = "1", []
            elif orgs:
                ph, vals = _in(orgs)
                in_scope = (f"CASE WHEN k.organisation_id IN ({ph}) OR k.customer_id IN ({grants[0][0]}) "
                            f"OR k.vehicle_id IN ({grants[1][0]}) THEN 1 ELSE 0 END")
                in_params = [*vals, *grants[0][1], *grants[1][1]]
            else:
                in_scope, in_params = "0", []
            branches.append((
                f'SELECT {_COLS}, 0 AS ex, {prio} AS prio, {in_scope} AS in_scope FROM customers_searchkey k '  # noqa: S608
                f'WHERE k."key" = %s ORDER BY k.id DESC LIMIT %s', [*in_params, probe.key, limit * 3]))
            continue
        ex = "CASE WHEN k.\"key\" = %s THEN 0 ELSE 1 END" if whole else "1"
        ex_params = [probe.key] if whole else []
        rng = 'k."key" >= %s AND k."key" < %s'
        rng_params = [probe.key, probe.upper]
        head = f"SELECT {_COLS}, {ex} AS ex, {prio} AS prio, 1 AS in_scope FROM customers_searchkey k WHERE "  # noqa: S608
        tail = ' ORDER BY k."key", k.id DESC LIMIT %s'
        if scope.everything:
            branches.append((head + rng + " AND k.is_primary = %s" + tail, [*ex_params, *rng_params, True, limit]))
        elif orgs:
            ph, vals = _in(orgs)
            org_filter = f"k.organisation_id = {ph}" if len(vals) == 1 else f"k.organisation_id IN ({ph})"
            branches.append((head + org_filter + " AND " + rng + tail, [*ex_params, *vals, *rng_params, limit]))
            for column, (sub, sub_params) in zip(("customer_id", "vehicle_id"), grants, strict=True):
                branches.append((head + f"k.{column} IN ({sub}) AND " + rng + tail,
                                 [*ex_params, *sub_params, *rng_params, limit]))
    if not branches:
        return "", []
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) b{i}" for i, (sql, _p) in enumerate(branches))  # noqa: S608
    params = [p for _sql, ps in branches for p in ps]
    top = f'({union} ORDER BY ex, prio, "key", id DESC LIMIT %s)'  # noqa: S608
    sql = "".join((
        'SELECT h.id, h."key", h.customer_id, h.vehicle_id, h.ex, h.prio, h.in_scope, ',
        "c.id, c.name, c.primary_phone, v.id, v.plate, v.vin, COALESCE(NULLIF(o.short_name, ''), o.name) ",
        "FROM ", top, " h ",
        "LEFT JOIN customers_vehicle v ON v.id = COALESCE(h.vehicle_id, ",
        "(SELECT MAX(v2.id) FROM customers_vehicle v2 WHERE v2.owner_id = h.customer_id)) ",
        "LEFT JOIN customers_customer c ON c.id = CASE WHEN h.vehicle_id IS NULL THEN h.customer_id ELSE v.owner_id END ",
        "LEFT JOIN org_organisation o ON o.id = CASE WHEN h.vehicle_id IS NULL THEN c.owning_dealer_id ",
        "ELSE COALESCE(v.servicing_dealer_id, v.selling_dealer_id, c.owning_dealer_id) END ",
        'ORDER BY h.ex, h.prio, h."key", h.id DESC',
    ))
    # Vehicles have one key row per organisation: fetch a little more, deduplicate in Python.
    return sql, [*params, limit + limit // 2 + 5]


# ---------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------

@dataclass
class LookupHit:
    type: str  # "customer" | "vehicle"
    id: int
    customer_id: int | None
    vehicle_id: int | None
    name: str
    phone: str
    plate: str
    vin: str
    dealer: str
    masked: bool
    match: str
    exact: bool
    url: str = ""
    customer_url: str = ""
    hint: str = ""
    _raw: dict = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict:
        return {"type": self.type, "id": self.id, "customer_id": self.customer_id, "vehicle_id": self.vehicle_id,
                "name": self.name, "phone": self.phone, "plate": self.plate, "vin": self.vin,
                "dealer": self.dealer, "masked": self.masked, "match": self.match, "exact": self.exact,
                "url": self.url, "hint": str(self.hint)}


def mask_name(name: str) -> str:
    """张伟 → 张*, 欧阳娜娜 → 欧***; Latin names keep their first letter."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_plate(plate: str) -> str:
    """粤B12345 → 粤B***45."""
    return plate[:2] + "***" + plate[-2:] if len(plate) > 4 else ("*" * len(plate))


_PK_MARK = 987654321


def _url_maker(name: str):
    """``pk -> url`` for a detail route, reversing once per lookup instead of once per hit."""
    from django.urls import NoReverseMatch, reverse

    try:
        pattern = reverse(name, args=[_PK_MARK])
    except NoReverseMatch:
        return lambda pk: ""
    return lambda pk: pattern.replace(str(_PK_MARK), str(pk)) if pk is not None else ""


def _hits(rows: list[tuple], user, limit: int) -> list[LookupHit]:
    see_personal = can_see_personal_data(user)
    urls = (_url_maker("customers:customer_detail"), _url_maker("customers:vehicle_detail"))
    hits: dict[tuple[str, int], LookupHit] = {}
    for (_kid, key, _cid, vehicle_id, ex, _prio, in_scope, cid, name, phone, vid, plate, vin, dealer) in rows:
        if cid is None and vid is None:
            continue  # stale key of a deleted record
        if vehicle_id is not None and vid is None:
            continue
        typ, pk = ("vehicle", vid) if vehicle_id is not None else ("customer", cid)
        if cid is None and typ == "customer":
            continue
        existing = hits.get((typ, pk))
        if existing is not None:
            if in_scope and existing.masked:  # another organisation row of the same vehicle
                hits[(typ, pk)] = existing = _hit(typ, pk, key, ex, True, cid, name, phone, vid, plate, vin, dealer,
                                                  see_personal, urls)
            continue
        if len(hits) >= limit:
            continue
        hits[(typ, pk)] = _hit(typ, pk, key, ex, bool(in_scope), cid, name, phone, vid, plate, vin, dealer, see_personal,
                                urls)
    return list(hits.values())


def _hit(typ, pk, key, ex, in_scope, cid, name, phone, vid, plate, vin, dealer, see_personal, urls) -> LookupHit:
    kind = key[0]
    if in_scope:
        return LookupHit(
            type=typ, id=pk, customer_id=cid, vehicle_id=vid, name=name or "",
            phone=(phone if see_personal else mask_phone(phone)) if phone else "",
            plate=plate or "", vin=vin or "", dealer=dealer or "", masked=False, match=_MATCH[kind], exact=ex == 0,
            url=urls[1](pk) if typ == "vehicle" else urls[0](pk), customer_url=urls[0](cid))
    return LookupHit(
        type=typ, id=pk, customer_id=cid, vehicle_id=vid, name=mask_name(name or ""),
        phone=mask_phone(phone) if phone else "",
        plate=(plate or "") if kind in "Ll" else mask_plate(plate or ""), vin=vin or "", dealer=dealer or "",
        masked=True, match=_MATCH[kind], exact=ex == 0,
        hint=_("Outside your organisation: receive the vehicle to open its record.") if vid else
        _("Outside your organisation."))


def lookup(*, user, q: str, limit: int = 20, phone_only: bool = False) -> list[LookupHit]:
    """Customers and vehicles matching ``q`` for ``user``, best first, at most ``limit``.

    Fragments search the user's scope only; a full phone, VIN or plate reaches across the network
    and returns out-of-scope hits masked (``masked=True``).  ``phone_only`` is the telephony
    screen-pop: the caller's number (or its tail) only.
    """
    limit = max(1, min(int(limit), 100))
    probes = plan_query(q, phone_only=phone_only)
    if not probes:
        return []
    sql, params = search_sql(probes, scope_for(user), limit=limit)
    if not sql:
        return []
    from .models import SearchKey

    with connections[router.db_for_read(SearchKey)].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _hits(rows, user, limit)


# ---------------------------------------------------------------------------------------------
# page (include ``urlpatterns_page`` in customers/urls.py → ``customers:lookup``)
# ---------------------------------------------------------------------------------------------

def lookup_page(request):
    """``/customers/lookup/?q=…``: results update as you type (htmx partial ``results``).

    Enter submits ``go=1`` and opens the first result; the navbar box submits ``go=only``, which
    opens the result only when there is exactly one.  Masked hits are never opened.
    """
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect, render

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("customers.view_customer"):
        raise PermissionDenied
    q = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    hits = lookup(user=request.user, q=q) if q else []
    go = request.GET.get("go")
    htmx = bool(getattr(request, "htmx", False))
    if hits and not htmx and hits[0].url and (go == "1" or (go == "only" and len(hits) == 1)):
        return redirect(hits[0].url)
    context = {"q": q, "hits": hits, "title": _("Find customer or vehicle")}
    return render(request, "customers/lookup.html#results" if htmx else "customers/lookup.html", context)


def _page_urls():
    from django.urls import path

    return [path("lookup/", lookup_page, name="lookup")]


urlpatterns_page = _page_urls()
