"""Search keys (R-CUS-5): what a customer or a vehicle is found by, one key row per token with a
kind prefix (``P`` reversed phone digits, ``V`` reversed VIN, ``L``/``l`` plate and its inner
suffixes, ``N``/``n`` name and its inner suffixes, ``I`` pinyin initials).  The normalisers here
and their SQL mirrors (``_PG_*``, used by the set-based rebuild) live together on purpose.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from aftersales.core.validators import normalise_plate, phone_digits

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
    from ..services import name_initials

    return name_initials(name)
