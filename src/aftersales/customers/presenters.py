"""Personal-data masking for the customer archive, in ONE place for pages, API and exports (R-SYS-2).

Phones, addresses and resident IDs are masked for roles without ``core.view_personal_data``
(138****5678, 北京市朝阳区****, 110105********002X); an explicit, logged reveal shows them.
"""

from __future__ import annotations

from aftersales.core.masking import can_see_personal_data, masked
from aftersales.core.validators import mask_address, mask_phone, mask_resident_id

# audit-change field name -> mask, so the timeline and history never leak what the page masks
_CHANGE_MASKS = {
    "primary_phone": mask_phone, "number": mask_phone, "phones": mask_phone,
    "detail": mask_address, "address": mask_address, "addresses": mask_address,
    "resident_id": mask_resident_id,
}


def phone(value: str, user, *, revealed: bool = False) -> str:
    return masked(value, mask_phone, user, revealed=revealed)


def address(value: str, user, *, revealed: bool = False) -> str:
    return masked(value, mask_address, user, revealed=revealed)


def resident_id(value: str, user, *, revealed: bool = False) -> str:
    return masked(value, mask_resident_id, user, revealed=revealed)


def is_masked_for(user) -> bool:
    return not can_see_personal_data(user)


def customer_contact(customer, user, *, revealed: bool = False) -> dict:
    """Contact data of a customer as this user may see it (uses prefetched phones/addresses)."""
    return {
        "primary_phone": phone(customer.primary_phone, user, revealed=revealed),
        "phones": [{"id": p.pk, "number": phone(p.number, user, revealed=revealed), "label": p.label,
                    "kind": p.get_kind_display(), "is_primary": p.is_primary} for p in customer.phones.all()],
        "addresses": [{"id": a.pk, "text": address(str(a), user, revealed=revealed), "label": a.label,
                       "is_primary": a.is_primary} for a in customer.addresses.all()],
        "resident_id": resident_id(customer.resident_id, user, revealed=revealed),
        "masked": is_masked_for(user) and not revealed,
    }


def _mask_value(value, mask):
    if isinstance(value, list):
        return [_mask_value(v, mask) for v in value]
    if isinstance(value, str):
        return mask(value)
    return value


def masked_changes(changes, user) -> list[tuple[str, str, object, object]]:
    """Labelled timeline changes (core.selectors.labelled_changes) with personal fields masked."""
    see = can_see_personal_data(user)
    rows = []
    for name, label, old, new in changes:
        mask = _CHANGE_MASKS.get(name)
        if mask and not see:
            old, new = _mask_value(old, mask), _mask_value(new, mask)
        rows.append((name, label, old, new))
    return rows


def timeline_rows(entries, user) -> list[dict]:
    """Timeline entries (core.selectors.TimelineEntry) for core/_timeline.html, masked for ``user``."""
    return [{"event": e.event, "text": e.text, "changes": masked_changes(e.changes, user)} for e in entries]
