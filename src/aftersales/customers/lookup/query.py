"""Query planning and the one SQL statement of the lookup (R-CUS-5): which index probes answer a
query (phone tail, VIN tail, plate, name, pinyin initials), the list pages' key filter, and the
ranked, scoped, hydrated search as a single statement (``search_sql``, also the benchmark's floor).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from aftersales.core.scoping import Scope
from aftersales.core.validators import (
    PLATE_PROVINCES,
    classify_plate,
    normalise_phone,
    normalise_plate,
    phone_digits,
)

from .keys import _ALNUM, _CJK, _MATCH, _PHONE_INPUT, _PRIO, MAX_QUERY, norm_name


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

    from ..models import SearchKey

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

    from ..models import Customer, Vehicle

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
