"""Imports of customers, vehicles and parts (R-CUS-7): dry run, error report, apply, idempotency."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from aftersales.core.exceptions import ServiceError
from aftersales.core.imports import services
from aftersales.core.imports.models import ImportJob
from aftersales.core.models import AuditEvent, PersonalDataAccess
from aftersales.core.validators import vin_check_digit
from aftersales.customers.models import Customer, CustomerAddress, CustomerPhone, Vehicle, VehicleModel

pytestmark = pytest.mark.django_db

HEADER = "客户编号,客户类型,姓名,手机,其他电话,省,市,区,详细地址,负责人,所属经销商代码,来源,标签,备注\n"
GOOD = [
    ",个人,张伟,13812345678,010-62345678,北京,北京市,朝阳区,建国路88号,,T-DA,购车,老客户,\n",
    "C900002,车队,顺丰车队,+86 139-1234-5678,,北京,北京市,海淀区,中关村1号,李经理,T-DA,,\"车队,大客户\",重要\n",
    ",,王芳,15012345678,,,,,,,T-DA,,,\n",
]
BAD = [
    ",个人,,13812340000,,,,,,,T-DA,,,\n",              # row 5: name empty
    ",个人,李四,1381234,,,,,,,T-DA,,,\n",               # row 6: bad mobile
    ",个人,赵六,13712345678,,,,,,,NOPE,,,\n",           # row 7: unknown dealer
    ",个人,钱七,13812345678,,,,,,,T-DA,,,\n",           # row 8: duplicate mobile in file (row 2)
]


def _vin(serial: int) -> str:
    body = f"LSJA24U6X{'J'}G{serial:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


def _start(user, content: bytes, filename: str = "customers.csv", kind: str = "customers") -> ImportJob:
    job = services.import_start(actor=user, kind=kind, file=io.BytesIO(content), filename=filename, enqueue=False)
    return services.run_validation(job.pk)


@pytest.fixture
def importer_user(admin_user, dealer_a):
    return admin_user


def test_dry_run_reports_every_bad_row_and_imports_nothing(importer_user):
    job = _start(importer_user, (HEADER + "".join(GOOD + BAD)).encode("utf-8"))
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.total_rows, job.valid_rows, job.error_rows) == (7, 3, 4), job.result
    errors = {(e["row"], e["column"]) for e in job.result["first_errors"]}
    assert {(5, "姓名"), (6, "手机"), (7, "所属经销商代码"), (8, "手机")} <= errors
    assert all(e["reason"] for e in job.result["first_errors"])
    with open(job.error_report.path, encoding="utf-8-sig") as fh:
        report = fh.read().splitlines()
    assert report[0] == "行号,列,值,原因"
    assert len(report) - 1 == job.error_count
    assert not Customer.objects.exists()

    with pytest.raises(ServiceError) as exc:
        services.import_apply(actor=importer_user, job=job, mode="all", enqueue=False)
    assert exc.value.code == "has_errors"
    assert not Customer.objects.exists()

    services.import_apply(actor=importer_user, job=job, mode="valid_only", enqueue=False)
    job = services.run_apply(job.pk)
    assert job.status == ImportJob.Status.DONE, job.message
    assert Customer.objects.count() == 3
    zw = Customer.objects.get(name="张伟")
    assert zw.primary_phone == "+8613812345678" and zw.name_initials == "zw"
    assert set(zw.phones.values_list("number", "is_primary")) == {("+8613812345678", True), ("+861062345678", False)}
    assert zw.phones.get(is_primary=True).digits_reversed == "87654321831"
    assert zw.addresses.get().detail == "建国路88号"
    fleet = Customer.objects.get(code="C900002")
    assert fleet.kind == "fleet" and fleet.tags == ["车队", "大客户"] and fleet.person_in_charge == "李经理"
    assert AuditEvent.objects.filter(action="imports.customers.applied").count() == 1
    log = PersonalDataAccess.objects.get(action="import")
    assert log.row_count == 3

    # apply again (e.g. a re-run after a crash): nothing duplicates
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING)
    job = services.run_apply(job.pk)
    assert job.status == ImportJob.Status.DONE
    assert Customer.objects.count() == 3 and CustomerPhone.objects.count() == 4 and CustomerAddress.objects.count() == 2


def test_import_all_when_clean(importer_user):
    job = _start(importer_user, (HEADER + "".join(GOOD)).encode("utf-8"))
    assert job.error_rows == 0
    services.import_apply(actor=importer_user, job=job, mode="all", enqueue=False)
    assert services.run_apply(job.pk).status == ImportJob.Status.DONE
    assert Customer.objects.count() == 3


@pytest.mark.parametrize("encoding,expected", [("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("utf-8", "utf-8")])
def test_encodings_detected(importer_user, encoding, expected):
    job = _start(importer_user, (HEADER + "".join(GOOD)).encode(encoding))
    assert job.encoding == expected
    assert job.valid_rows == 3, job.result
    services.import_apply(actor=importer_user, job=job, mode="all", enqueue=False)
    services.run_apply(job.pk)
    assert Customer.objects.filter(name="顺丰车队").exists()


def test_undecodable_file_fails_clearly(importer_user):
    job = _start(importer_user, HEADER.encode("utf-8") + b"\xff\xfe\x00\x81\x30\x00garbage\xff\n")
    assert job.status == ImportJob.Status.FAILED
    assert job.message
    assert not Customer.objects.exists()


def test_wrong_file_type_and_size_refused(importer_user, settings):
    with pytest.raises(ServiceError):
        services.import_start(actor=importer_user, kind="customers", file=io.BytesIO(b"x"), filename="a.pdf",
                              enqueue=False)
    settings.AFTERSALES_IMPORT_MAX_BYTES = 10
    with pytest.raises(ServiceError) as exc:
        services.import_start(actor=importer_user, kind="customers", file=io.BytesIO(b"x" * 100), filename="a.csv",
                              enqueue=False)
    assert "MB" in str(exc.value.message)
    assert not ImportJob.objects.exists()


def test_missing_column_fails(importer_user):
    job = _start(importer_user, "姓名,备注\n张三,x\n".encode())
    assert job.status == ImportJob.Status.FAILED and "手机" in job.message


def test_corrupt_xlsx_fails_with_message(importer_user):
    job = _start(importer_user, b"PK\x03\x04 this is not really a workbook", filename="customers.xlsx")
    assert job.status == ImportJob.Status.FAILED and job.message
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not excel")
    job = _start(importer_user, buf.getvalue(), filename="customers.xlsx")
    assert job.status == ImportJob.Status.FAILED and job.message
    assert not Customer.objects.exists()


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_import_and_formula_cells(importer_user):
    head = HEADER.strip().split(",")
    rows = [head, ["", "个人", "张伟", 13812345678, "", "", "", "", "", "", "T-DA", "", "", ""],
            ["", "个人", "=A1&\"x\"", 13912345678, "", "", "", "", "", "", "T-DA", "", "", ""]]
    job = _start(importer_user, _xlsx(rows), filename="customers.xlsx")
    assert job.status == ImportJob.Status.VALIDATED, job.message
    assert job.valid_rows == 1 and job.error_rows == 1
    assert any(e["row"] == 3 and e["column"] == "姓名" for e in job.result["first_errors"])
    services.import_apply(actor=importer_user, job=job, mode="valid_only", enqueue=False)
    services.run_apply(job.pk)
    assert Customer.objects.get().primary_phone == "+8613812345678"


VEH_HEADER = "车架号VIN,车牌号,车型代码,颜色,生产日期,生产批次,销售经销商代码,销售日期,开票日期,车主手机,客户编号,里程\n"


def test_vehicle_import_duplicates_and_unknown_codes(importer_user, dealer_a):
    VehicleModel.objects.create(code="EV500", name="EV500")
    _start(importer_user, (HEADER + GOOD[0]).encode())
    job = ImportJob.objects.get()
    services.import_apply(actor=importer_user, job=job, mode="all", enqueue=False)
    services.run_apply(job.pk)
    v1, v2, v3 = _vin(1), _vin(2), _vin(3)
    bad_vin = v1[:8] + ("0" if v1[8] != "0" else "1") + v1[9:]
    csv_text = VEH_HEADER + "".join([
        f"{v1},京A12345,EV500,白色,2025-03-01,B1,T-DA,2025-05-01,2025-05-01,13812345678,,12000\n",
        f"{v2},京AD12345,EV500,,2025/03/01,B1,,,,,,\n",
        f"{v1},京A12346,EV500,,,,,,,,,\n",            # duplicate VIN in file
        f"{bad_vin},京A1234,NOPE,,2099-01-01,,XX,,,,,abc\n",  # check digit, plate, model, dealer, date, mileage
    ])
    job = _start(importer_user, csv_text.encode(), filename="vehicles.csv", kind="vehicles")
    errs = {(e["row"], e["column"]) for e in job.result["first_errors"]}
    assert (4, "车架号VIN") in errs
    assert {(5, "车架号VIN"), (5, "车牌号"), (5, "车型代码"), (5, "销售经销商代码"), (5, "生产日期"), (5, "里程")} <= errs
    assert job.valid_rows == 2
    services.import_apply(actor=importer_user, job=job, mode="valid_only", enqueue=False)
    assert services.run_apply(job.pk).status == ImportJob.Status.DONE
    v = Vehicle.objects.get(vin=v1)
    assert v.owner.name == "张伟" and v.plate_kind == "ordinary" and v.current_mileage == 12000
    assert Vehicle.objects.get(vin=v2).plate_kind == "new_energy_small"
    # the same VINs again: duplicates against the database
    job = _start(importer_user, (VEH_HEADER + f"{v1},,EV500,,,,,,,,,\n{v3},,EV500,,,,,,,,,\n").encode(),
                 filename="vehicles.csv", kind="vehicles")
    assert [(e["row"], e["column"]) for e in job.result["first_errors"]] == [(2, "车架号VIN")]


def test_parts_import(importer_user):
    text = "配件编号,名称,类别,单位,单价,供应商代码,精品\nmt-2200-01,驱动电机总成,motor,件,12800.00,,否\nBAD NO,x,nope,,abc,S9,maybe\n"
    job = _start(importer_user, text.encode(), filename="parts.csv", kind="parts")
    assert job.valid_rows == 1 and job.error_rows == 1, (job.message, job.result)
    services.import_apply(actor=importer_user, job=job, mode="valid_only", enqueue=False)
    assert services.run_apply(job.pk).status == ImportJob.Status.DONE
    from aftersales.parts.models import Part

    part = Part.objects.get()
    assert part.part_number == "MT-2200-01" and str(part.price) == "12800.00"


def test_permission_required(make_user, dealer_a):
    user = make_user("technician", dealer_a)
    with pytest.raises(ServiceError):
        services.import_start(actor=user, kind="customers", file=io.BytesIO(b"a"), filename="a.csv", enqueue=False)


def test_cli_exit_1_with_errors(importer_user, tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "".join(GOOD + BAD), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("import", "customers", str(path), "--actor", importer_user.username, "--apply", "all")
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "姓名" in out and "error report" in out
    assert not Customer.objects.exists()
    call_command("import", "customers", str(path), "--actor", importer_user.username, "--apply", "valid-only")
    assert Customer.objects.count() == 3


def test_resume_stale_requeues(importer_user):
    from datetime import timedelta

    from django.utils import timezone

    job = _start(importer_user, (HEADER + "".join(GOOD)).encode())
    services.import_apply(actor=importer_user, job=job, mode="all", enqueue=False)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert services.resume_stale(enqueue=False) == [job.pk]
    assert services.run_apply(job.pk).status == ImportJob.Status.DONE


def _index_definitions(tables) -> set[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT tablename, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(tables)])
        indexes = set(cur.fetchall())
        cur.execute(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s)", [list(tables)])
        return indexes | set(cur.fetchall())


@pytest.mark.postgres
def test_bulk_index_mode_loads_and_restores_every_index(importer_user, monkeypatch):
    """The bulk-load path drops secondary indexes and foreign keys, loads, and rebuilds them exactly."""
    from django.db import connection

    from aftersales.core.imports.sql import BulkIndexes

    dropped = []
    original_drop = BulkIndexes.drop

    def spy(self):
        dropped.append(True)
        return original_drop(self)

    monkeypatch.setattr(BulkIndexes, "drop", spy)

    if connection.vendor != "postgresql":
        pytest.skip("bulk-index mode exists on PostgreSQL only; the CI PostgreSQL pass runs this")
    tables = ("customers_customer", "customers_customerphone", "customers_customeraddress")
    before = _index_definitions(tables)
    job = _start(importer_user, (HEADER + "".join(GOOD)).encode("utf-8"))
    job.options = {**(job.options or {}), "bulk_indexes": "on"}
    job.save(update_fields=["options"])
    services.import_apply(actor=importer_user, job=job, mode="all", enqueue=False)
    job = services.run_apply(job.pk)
    assert job.status == ImportJob.Status.DONE, job.message
    assert dropped == [True]
    assert Customer.objects.count() == 3 and CustomerPhone.objects.count() == 4
    assert _index_definitions(tables) == before


def test_imported_customers_continue_the_customer_page_series(importer_user, dealer_a, make_customer):
    """R-CUS-1/R-CUS-7: one customer-number series per dealer and day, whether created on the page
    or imported; a second apply of the same job keeps every number (ADR 0009)."""
    from django.utils import timezone

    day = timezone.localdate().strftime("%Y%m%d")
    first = make_customer(dealer_a, name="页面客户", phone="13600000001")
    assert first.code == f"C-T-DA-{day}-0001"
    job = _start(importer_user, (HEADER + "".join(GOOD)).encode("utf-8"))
    services.import_apply(actor=importer_user, job=job, mode="all", enqueue=False)
    assert services.run_apply(job.pk).status == ImportJob.Status.DONE
    codes = dict(Customer.objects.values_list("name", "code"))
    assert codes["张伟"] == f"C-T-DA-{day}-0002" and codes["王芳"] == f"C-T-DA-{day}-0003"
    assert codes["顺丰车队"] == "C900002"  # a number given in the file is kept
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING)
    services.run_apply(job.pk)
    assert dict(Customer.objects.values_list("name", "code")) == codes
    assert make_customer(dealer_a, name="又一位", phone="13600000002").code == f"C-T-DA-{day}-0004"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_a_large_import_is_applied(importer_user, settings):
    """The import page polls the job row while the apply transaction is open; a lock held on that
    row by the apply made the progress writer wait for the end of the import — the import hung
    forever at its first progress report (seen with 200,000 rows).  Progress shows mid-way."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("the progress channel's second connection is PostgreSQL's")
    settings.AFTERSALES_IMPORT_CHUNK_ROWS = 2
    rows = "".join(f",个人,客户{i},1391234{i:04d},,,,,,,T-DA,,,\n" for i in range(9))
    job = _start(importer_user, (HEADER + rows).encode("utf-8"))
    assert job.status == ImportJob.Status.VALIDATED, job.message
    services.import_apply(actor=importer_user, job=job, mode="all", enqueue=False)
    watcher = connections.create_connection("default")  # what the polling page reads, in its own connection
    seen = []

    def progress(_job):
        with watcher.cursor() as cur:
            cur.execute("SELECT rows_processed FROM core_importjob WHERE id = %s", [job.pk])
            processed = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM customers_customer")
            seen.append((processed, cur.fetchone()[0]))

    try:
        job = services.run_apply(job.pk, progress=progress)
    finally:
        watcher.close()
    assert job.status == ImportJob.Status.DONE, job.message
    assert Customer.objects.count() == 9
    # a count of processed rows, read while the import's own rows were not committed yet
    assert any(processed > 0 and committed == 0 for processed, committed in seen), seen
