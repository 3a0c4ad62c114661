"""Lookup results (R-CUS-5, R-SYS-2): hits in the user's scope in full (phone masked per role),
exact-identifier hits outside it masked and without a link, with a hint to receive the vehicle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connections, router
from django.utils.translation import gettext_lazy as _

from aftersales.core.masking import can_see_personal_data
from aftersales.core.scoping import scope_for
from aftersales.core.validators import mask_name, mask_phone

from .keys import _MATCH
from .query import plan_query, search_sql


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
    from ..models import SearchKey

    with connections[router.db_for_read(SearchKey)].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _hits(rows, user, limit)
