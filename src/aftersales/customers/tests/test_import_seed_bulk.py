"""seed_bulk: deterministic, valid identifiers, plates matching the dealer's city, idempotent."""

from __future__ import annotations

import io

import pytest

from aftersales.core.validators import classify_plate, validate_phone, validate_vin
from aftersales.customers.models import Customer, Vehicle
from aftersales.customers.seed_bulk import seed_bulk
from aftersales.org.seed import DEALERS, city_plate_prefixes

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    from aftersales.org.choices import OrganisationKind, RegionKind
    from aftersales.org.models import Organisation, Region

    country = Region.objects.create(code="CN", name="中国", kind=RegionKind.COUNTRY)
    for code, name, short, city in DEALERS[:4]:
        region, _ = Region.objects.get_or_create(code=city, defaults={"name": city, "kind": RegionKind.CITY,
                                                                      "parent": country})
        Organisation.objects.create(code=code, name=name, short_name=short, kind=OrganisationKind.DEALER, region=region)


def test_seed_bulk_small_scale(org):
    out = io.StringIO()
    made = seed_bulk(scale=0.3, stdout=out)
    assert made == {"customers": 300, "vehicles": 450}
    assert Customer.objects.count() == 300 and Vehicle.objects.count() == 450
    prefixes = city_plate_prefixes()
    for v in Vehicle.objects.select_related("selling_dealer__region", "owner")[:200]:
        assert validate_vin(v.vin) == v.vin
        assert classify_plate(v.plate) is not None
        assert v.plate.startswith(prefixes[v.selling_dealer.region.code])
        assert v.owner_id and v.production_batch and v.current_mileage >= 0
    c = Customer.objects.first()
    assert validate_phone(c.primary_phone) == c.primary_phone and c.name_initials and c.phones.count() == 1
    assert seed_bulk(scale=0.3, stdout=out) == {"customers": 0, "vehicles": 0}
    assert Vehicle.objects.count() == 450
