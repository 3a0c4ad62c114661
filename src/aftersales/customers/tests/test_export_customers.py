"""Exports (R-CUS-7): masked per role, logged, approval above 1,000 customers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from aftersales.core.exceptions import ServiceError
from aftersales.core.imports import exports
from aftersales.core.masking import can_see_personal_data
from aftersales.core.models import PersonalDataAccess
from aftersales.customers.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(dealer_a):
    return [Customer.objects.create(code=f"C{i}", name=f"客户{i}", owning_dealer=dealer_a,
                                    primary_phone=f"+861381234{i:04d}") for i in range(3)]


def _grant(user, *codenames):
    for full in codenames:
        app, code = full.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=code))
    return type(user).objects.get(pk=user.pk)


def test_csv_export_masks_phones_and_logs(make_user, dealer_a, customers, tmp_path):
    user = _grant(make_user("technician", dealer_a), "customers.export_customer", "customers.view_customer")
    assert not can_see_personal_data(user)
    out = tmp_path / "c.csv"
    count = exports.export_to_path(actor=user, kind="customers", params={}, fmt="csv", path=out)
    assert count == 3
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "138****0001" in text and "13812340001" not in text
    log = PersonalDataAccess.objects.get(action="export")
    assert log.row_count == 3 and log.actor == user


def test_xlsx_export_unmasked_for_admin(admin_user, customers, tmp_path):
    out = tmp_path / "c.xlsx"
    exports.export_to_path(actor=admin_user, kind="customers", params={"q": ""}, fmt="xlsx", path=out)
    rows = list(load_workbook(out, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 4
    if can_see_personal_data(admin_user):
        assert "+8613812340001" in [c for r in rows for c in r]


def test_export_over_threshold_needs_approval(make_user, dealer_a, customers, monkeypatch):
    from aftersales.core.imports.registry import get_exporter

    monkeypatch.setattr(get_exporter("customers"), "approval_threshold", 2)
    user = _grant(make_user("technician", dealer_a), "customers.export_customer", "customers.view_customer")
    with pytest.raises(ServiceError) as exc:
        exports.export_prepare(actor=user, kind="customers", params={}, fmt="csv")
    assert exc.value.code == "approval_required"
    user = _grant(user, "customers.approve_customer_export")
    assert exports.export_prepare(actor=user, kind="customers", params={}, fmt="csv")[2] == 3


def test_export_without_permission_refused(make_user, dealer_a, customers):
    user = make_user("technician", dealer_a)
    with pytest.raises(ServiceError):
        exports.export_prepare(actor=user, kind="customers", params={}, fmt="csv")


def test_csv_export_row_reads_as_the_page_does(make_user, dealer_a, tmp_path):
    """One whole row, written out by hand: Chinese type and source, the primary address (not the
    other one), its street part masked for a role without personal data, the dealer's code."""
    import csv as csvmod

    from aftersales.customers.models import CustomerAddress

    c = Customer.objects.create(code="C77", name="张伟", kind="fleet", source="walk_in", owning_dealer=dealer_a,
                                primary_phone="+8613912345678", tags=["车队", "大客户"])
    CustomerAddress.objects.create(customer=c, province="江苏省", city="苏州市", district="昆山市",
                                   detail="前进路8号", is_primary=True)
    CustomerAddress.objects.create(customer=c, province="上海市", city="上海市", district="浦东新区", detail="世纪大道1号")
    user = _grant(make_user("technician", dealer_a), "customers.export_customer", "customers.view_customer")
    out = tmp_path / "c.csv"
    exports.export_to_path(actor=user, kind="customers", params={}, fmt="csv", path=out)
    header, row = list(csvmod.reader(out.read_text(encoding="utf-8-sig").splitlines()))[:2]
    got = dict(zip(header, row, strict=True))
    assert got["客户编号"] == "C77" and got["姓名"] == "张伟"
    assert got["客户类型"] == "车队" and got["来源"] == "自然进店"
    assert got["手机"] == "139****5678"
    assert got["地址"] == "江苏省苏州市昆山市****"
    assert got["所属经销商"] == dealer_a.code
    assert got["标签"] == "车队、大客户"
