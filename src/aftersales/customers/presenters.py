"""Personal-data masking for the customer archive, in ONE place for pages, API and exports (R-SYS-2).

Phones, addresses and resident IDs are masked for roles without ``core.view_personal_data``
(138****5678, 北京市朝阳区****, 110105********002X) and for customers outside the user's own scope
(a vehicle sold here whose owner moved to another dealer); an explicit, logged reveal shows them.
Audit changes are masked by the models' ``personal_data`` declarations in ``core.timelines``.
"""

from __future__ import annotations

from aftersales.core.masking import can_see_personal_data, masked
from aftersales.core.validators import mask_address, mask_phone, mask_resident_id

from .models import Customer


def phone(value: str, user, *, revealed: bool = False, unmasked: bool | None = None) -> str:
    """``unmasked``: the caller's row decision (``core.masking.person_unmasked``) for a person who
    is not the row the page was fetched by — e.g. a vehicle's owner."""
    return masked(value, mask_phone, user, revealed=revealed, unmasked=unmasked)


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


def customers_in_scope(user, customer_ids) -> set[int]:
    """The person resolver of ``core.masking`` (registered in ``CustomersConfig.ready``): which of
    these customers the user's scope holds — their own organisation's or granted ones."""
    return set(Customer.objects.restrict(user).filter(pk__in=list(customer_ids)).values_list("pk", flat=True))
