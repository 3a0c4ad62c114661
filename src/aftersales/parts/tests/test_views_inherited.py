"""Suppliers and the parts catalogue on the inherited test base (issue 6 item 10; R-PRT-1, R-CUS-8,
R-SYS-5): list, detail, create, edit, stale version, deactivate and the query-count pin, as the
parts clerk (配件专员) uses them.  Both are network-wide reference data, so there is no scope case."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from aftersales.core.testing.model_cases import ReferenceDataCase
from aftersales.parts.choices import PartCategory, PartUnit
from aftersales.parts.models import Part, Supplier

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


class TestSupplierCase(ReferenceDataCase):
    model = Supplier
    url_prefix = "parts:supplier"
    api_url = "/api/parts/suppliers/"
    reader_role = "parts"
    writer_role = "parts"
    edit_changes = {"name": "江苏精驰电机股份有限公司"}

    def make(self, world, organisation):
        n = next(_seq)
        return Supplier.objects.create(code=f"S{n:04d}", name=f"测试供应商{n}有限公司", categories=[PartCategory.MOTOR])

    def create_data(self, world):
        return {"code": "S9001", "name": "上海瑞丰汽车电器有限公司", "categories": ["electrical"],
                "contact_phone": "021-69571833"}


class TestPartCase(ReferenceDataCase):
    model = Part
    url_prefix = "parts:part"
    api_url = "/api/parts/parts/"
    reader_role = "parts"
    writer_role = "parts"
    edit_changes = {"name": "钢制焊接轮辋 15寸"}

    def make(self, world, organisation):
        """Each part has its own supplier, so a list that loads suppliers one by one grows in queries."""
        n = next(_seq)
        supplier = Supplier.objects.create(code=f"P{n:04d}", name=f"配件供应商{n}号")
        return Part.objects.create(part_number=f"TB-{n:04d}", name=f"测试配件{n}号", category=PartCategory.CONSUMABLE,
                                   unit=PartUnit.PIECE, price=Decimal("12.50"), supplier=supplier)

    def create_data(self, world):
        return {"part_number": "RM-3100-01", "name": "钢制焊接轮辋 14寸", "category": "rim", "unit": "piece",
                "price": "380.00"}
