"""Re-check the lookup key table against the archive and repair it (issue 7 item 7).

The keys are derived data (``models/search.py``); they go wrong when a rebuild was cut off (before
ADR 0013 a killed worker left a whole import unfindable) or a write path forgot to re-key.  The
check counts, per kind of damage, with set-based queries (``NOT EXISTS`` on the indexed id
columns); the repair re-keys only the damaged rows, or rebuilds everything when most of the table
is damaged (cheaper set-based).  ``aftersales repair_search_index`` prints both.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db.models import Exists, OuterRef, Q

from .lookup import index as lookup_index
from .models import Customer, SearchKey, Vehicle

BATCH = 2000


@dataclass
class IndexHealth:
    customers: int = 0
    customers_without_keys: int = 0
    customers_with_stale_dealer: int = 0
    vehicles: int = 0
    vehicles_without_keys: int = 0
    orphan_keys: int = 0
    keys: int = 0

    @property
    def problems(self) -> int:
        return (self.customers_without_keys + self.customers_with_stale_dealer + self.vehicles_without_keys
                + self.orphan_keys)

    def as_dict(self) -> dict:
        return asdict(self)


def _customer_keys():
    return SearchKey.objects.filter(customer_id=OuterRef("pk"), vehicle_id__isnull=True)


def _unkeyed_customers():
    return Customer.objects.unscoped(reason="the index repair checks the whole archive: a command, not a list for a viewer").filter(~Exists(_customer_keys()))


def _stale_dealer_customers():
    """Customers whose keys still carry another dealer (the customer moved, the keys did not)."""
    return Customer.objects.unscoped(reason="the index repair checks the whole archive: a command, not a list for a viewer").filter(Exists(_customer_keys().filter(
        ~Q(organisation_id=OuterRef("owning_dealer_id")) | Q(organisation_id__isnull=True))),
        owning_dealer_id__isnull=False)


def _unkeyed_vehicles():
    return Vehicle.objects.unscoped(reason="the index repair checks the whole archive: a command, not a list for a viewer").filter(~Exists(SearchKey.objects.filter(vehicle_id=OuterRef("pk"))))


def _orphan_keys():
    gone_customer = Q(vehicle_id__isnull=True, customer_id__isnull=False) & ~Q(
        Exists(Customer.objects.unscoped(reason="the index repair checks the whole archive: a command, not a list for a viewer").filter(pk=OuterRef("customer_id"))))
    gone_vehicle = Q(vehicle_id__isnull=False) & ~Q(Exists(Vehicle.objects.unscoped(reason="the index repair checks the whole archive: a command, not a list for a viewer").filter(pk=OuterRef("vehicle_id"))))
    return SearchKey.objects.filter(gone_customer | gone_vehicle)


def check() -> IndexHealth:
    return IndexHealth(
        customers=Customer.objects.unscoped(reason="the index repair checks the whole archive: a command, not a list for a viewer").count(), customers_without_keys=_unkeyed_customers().count(),
        customers_with_stale_dealer=_stale_dealer_customers().count(), vehicles=Vehicle.objects.unscoped(reason="the index repair checks the whole archive: a command, not a list for a viewer").count(),
        vehicles_without_keys=_unkeyed_vehicles().count(), orphan_keys=_orphan_keys().count(),
        keys=SearchKey.objects.count())


def _ids_in_batches(qs):
    last = 0
    while True:
        ids = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        last = ids[-1]
        yield ids


def repair(health: IndexHealth | None = None) -> tuple[IndexHealth, str]:
    """Repair what :func:`check` found; returns the health afterwards and "none", "rows" or "rebuild"."""
    health = health or check()
    if not health.problems:
        return health, "none"
    damaged = health.customers_without_keys + health.customers_with_stale_dealer + health.vehicles_without_keys
    if damaged * 2 > max(1, health.customers + health.vehicles):
        lookup_index.rebuild_search_index()
        return check(), "rebuild"
    _orphan_keys().delete()
    for ids in _ids_in_batches(_unkeyed_customers() | _stale_dealer_customers()):
        lookup_index.reindex_customers(ids)  # their vehicles too (the keys carry the owner's dealer)
    for ids in _ids_in_batches(_unkeyed_vehicles()):
        lookup_index.reindex_vehicles(ids)
    return check(), "rows"
