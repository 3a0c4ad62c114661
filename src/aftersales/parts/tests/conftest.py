from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from aftersales.parts.choices import PartCategory, PartUnit
from aftersales.parts.models import Part, Supplier

ALL_PARTS_PERMS = [f"parts.{verb}_{model}" for verb in ("view", "add", "change")
                   for model in ("part", "supplier", "monitoredpartcategory")]


def make_user(username: str, perms=()):
    user = get_user_model().objects.create_user(username=username)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return get_user_model().objects.get(pk=user.pk)  # fresh: no stale permission cache


@pytest.fixture
def clerk(db):
    """A parts clerk: may read, add and change suppliers and parts."""
    return make_user("clerk", ALL_PARTS_PERMS)


@pytest.fixture
def reader(db):
    return make_user("reader", ["parts.view_part", "parts.view_supplier", "parts.view_monitoredpartcategory"])


@pytest.fixture
def nobody(db):
    return make_user("nobody")


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def api(clerk):
    c = APIClient()
    c.force_authenticate(clerk)
    return c


@pytest.fixture
def supplier(db):
    return Supplier.objects.create(code="S101", name="江苏精驰电机有限公司", short_name="精驰电机",
                                   categories=[PartCategory.MOTOR], contact_phone="+8651986321188")


def make_part(number: str, category=PartCategory.MOTOR, supplier=None, **extra) -> Part:
    defaults = {"name": f"配件 {number}", "category": category, "unit": PartUnit.PIECE, "price": Decimal("100.00"),
                "supplier": supplier}
    defaults.update(extra)
    return Part.objects.create(part_number=number, **defaults)
