"""Picker kinds for customers and vehicles (issue 8 item 6, R-CUS-5, R-SYS-2): a form field that
chooses an owner, a document's customer or vehicle searches the lookup index (phone tail, plate,
VIN tail, name, pinyin initials, and the customer no.) inside the user's scope, and shows enough to
tell two 张伟 apart — customer no., phone masked as the role sees it, owning dealer, city; for a
vehicle plate, VIN tail, model and owner.  Registered in ``CustomersConfig.ready()``.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.core.masking import person_name, persons_in_scope
from aftersales.core.pickers import PickerKind, PickerOption, register_picker
from aftersales.core.validators import format_phone

from . import presenters
from .lookup.results import lookup
from .models import Customer, Vehicle

SEP = " · "


def _hits(user, q: str, limit: int):
    # Only hits inside the user's scope: an exact phone or VIN of another store's customer is never
    # offered as a choice (the lookup page shows it masked, with the hint to receive the vehicle).
    return [h for h in lookup(user=user, q=q, limit=limit * 2) if not h.masked]


def _ordered(queryset, ids: list[int], limit: int) -> list:
    by_pk = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
    return [by_pk[i] for i in ids if i in by_pk][:limit]


def search_customers(*, user, q: str, limit: int = 20) -> list[Customer]:
    ids: list[int] = []
    code = q.strip().upper()
    exact = Customer.objects.restrict(user).filter(code=code).values_list("pk", flat=True).first()
    if exact is not None:
        ids.append(exact)
    for hit in _hits(user, q, limit):
        if hit.customer_id is not None and hit.customer_id not in ids:
            ids.append(hit.customer_id)  # a plate or VIN hit names its owner
    customers = Customer.objects.restrict(user).filter(is_active=True).select_related("owning_dealer", "region")
    return _ordered(customers, ids, limit)


def describe_customers(customers, *, user) -> list[PickerOption]:
    held = persons_in_scope(user, [c.pk for c in customers])
    options = []
    for c in customers:
        in_scope = c.pk in held
        name = person_name(c.name, user, c.pk, in_scope=held)
        phone = presenters.phone(c.primary_phone, user, unmasked=in_scope) if c.primary_phone else ""
        if phone and phone == c.primary_phone:
            phone = format_phone(phone)  # shown unmasked: as people write it, 138 1234 5678
        dealer = str(c.owning_dealer) if c.owning_dealer_id else ""
        city = c.region.name if c.region_id else ""
        options.append(PickerOption(c.pk, SEP.join(p for p in (name, c.code) if p),
                                    SEP.join(p for p in (phone, dealer, city) if p)))
    return options


def search_vehicles(*, user, q: str, limit: int = 20) -> list[Vehicle]:
    vehicle_ids: list[int] = []
    owner_ids: list[int] = []
    for hit in _hits(user, q, limit):
        if hit.type == "vehicle" and hit.vehicle_id not in vehicle_ids:
            vehicle_ids.append(hit.vehicle_id)
        elif hit.type == "customer" and hit.customer_id not in owner_ids:
            owner_ids.append(hit.customer_id)  # a name or phone: that customer's cars
    vehicles = (Vehicle.objects.restrict(user).filter(is_active=True)
                .select_related("vehicle_model", "owner", "servicing_dealer", "selling_dealer"))
    found = _ordered(vehicles, vehicle_ids, limit)
    if owner_ids and len(found) < limit:
        seen = {v.pk for v in found}
        owned = vehicles.filter(owner_id__in=owner_ids).order_by("-id")[: limit * 2]
        rank = {o: i for i, o in enumerate(owner_ids)}
        found += sorted((v for v in owned if v.pk not in seen), key=lambda v: rank.get(v.owner_id, 0))
    return found[:limit]


def describe_vehicles(vehicles, *, user) -> list[PickerOption]:
    held = persons_in_scope(user, [v.owner_id for v in vehicles if v.owner_id])
    options = []
    for v in vehicles:
        plate = v.plate or gettext("no plate")
        owner = person_name(v.owner.name, user, v.owner_id, in_scope=held) if v.owner_id else ""
        dealer = v.servicing_dealer or v.selling_dealer
        detail = [v.vehicle_model.name if v.vehicle_model_id else "",
                  gettext("owner %(name)s") % {"name": owner} if owner else "", str(dealer) if dealer else ""]
        options.append(PickerOption(v.pk, SEP.join((plate, v.vin)), SEP.join(p for p in detail if p)))
    return options


CUSTOMERS = register_picker(PickerKind(
    key="customers", model="customers.Customer", permission="customers.view_customer",
    search=search_customers, describe=describe_customers,
    placeholder=_("Name, phone tail, plate, VIN tail or customer no."),
))
VEHICLES = register_picker(PickerKind(
    key="vehicles", model="customers.Vehicle", permission="customers.view_vehicle",
    search=search_vehicles, describe=describe_vehicles,
    placeholder=_("Plate, VIN tail, owner's name or phone tail"),
))
