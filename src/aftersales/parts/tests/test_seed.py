import pytest

from aftersales.core.models import AuditEvent
from aftersales.core.registry import seed_steps
from aftersales.parts.choices import PartCategory
from aftersales.parts.models import Part, Supplier
from aftersales.parts.seed import PARTS, SUPPLIERS, seed_parts

pytestmark = pytest.mark.django_db


def test_seed_is_registered_after_org():
    step = next(s for s in seed_steps() if s.name == "parts")
    assert step.order == 20 and step.run is seed_parts


def test_seed_covers_every_category_and_is_idempotent():
    seed_parts()
    assert Supplier.objects.count() == len(SUPPLIERS) >= 12
    assert Part.objects.count() == len(PARTS) >= 60
    assert set(Part.objects.values_list("category", flat=True)) == set(PartCategory.values)
    assert all(s.contact_phone.startswith("+86") and s.quality_contact_email for s in Supplier.objects.all())
    assert Part.objects.get(part_number="MT-2200-01").is_key_part is True
    assert Part.objects.get(part_number="CS-9000-01").is_key_part is False
    assert Part.objects.get(part_number="AC-9500-01").is_accessory is True
    snapshot = list(Part.objects.order_by("pk").values_list("part_number", "price", "supplier__code", "is_key_part"))
    events = AuditEvent.objects.count()
    seed_parts()
    assert list(Part.objects.order_by("pk").values_list("part_number", "price", "supplier__code", "is_key_part")) == snapshot
    assert AuditEvent.objects.count() == events
