"""Issue "Customer and vehicle archive" — what it must show, in a real browser (R-CUS-4/5/7, R-SYS-2)."""

from datetime import date

import pytest

from aftersales.core.models import PersonalDataAccess
from aftersales.core.validators import vin_check_digit
from aftersales.customers import services
from aftersales.customers.models import Customer
from aftersales.org.testing import TEST_PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def vin(serial: int) -> str:
    body = f"LSJA24U6XJG{serial:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


@pytest.fixture
def archive(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    world = build_world()
    admin = world.user("admin")
    model = services.vehicle_model_create(
        actor=admin, data={"code": "EV1", "name": "小蚂蚁"},
        policy={"vehicle_months": 36, "vehicle_km": 60000},
        plan={"first_service_months": 3, "first_service_km": 3000, "interval_months": 6, "interval_km": 10000},
    )
    mine = services.customer_create(
        actor=admin, data={"name": "王建华", "owning_dealer": world.dealer_a}, phones=["13812345678"],
        addresses=[{"province": "北京市", "city": "北京市", "district": "朝阳区", "detail": "建国路 88 号"}])
    services.vehicle_create(actor=admin, data={
        "vin": vin(1), "plate": "京AD12345", "vehicle_model": model, "owner": mine, "selling_dealer": world.dealer_a,
        "sale_date": date(2025, 3, 1), "invoice_date": date(2025, 3, 1), "delivery_date": date(2025, 3, 5)})
    theirs = services.customer_create(
        actor=admin, data={"name": "李四海", "owning_dealer": world.dealer_b}, phones=["13987650000"])
    return world, mine, theirs


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=work-items]")


def find(page, base, text):
    page.goto(f"{base}/customers/lookup/")
    page.fill("[data-testid=lookup-input]", text)
    page.wait_for_selector("[data-testid=lookup-hit]")
    return page.inner_text("[data-testid=lookup-results]")


def test_agent_finds_the_caller_and_reveals_the_phone_with_a_reason(live_server, page, archive):
    world, mine, _ = archive
    base = live_server.url
    log_in(page, base, "agent")
    assert "王建华" in find(page, base, "5678")          # last 4 digits of the phone
    assert "王建华" in find(page, base, "AD123")         # plate fragment
    assert "王建华" in find(page, base, vin(1)[-6:])     # VIN tail
    find(page, base, "5678")
    page.click("[data-testid=lookup-hit]")
    page.wait_for_selector("[data-testid=contact]")
    assert "138****5678" in page.inner_text("[data-testid=primary-phone]")
    body = page.inner_text("main")
    assert "小蚂蚁" in body and "保修期内" in body and ("首保" in body or "定保" in body)
    page.screenshot(path="test-results/customer-360.png", full_page=True)
    page.fill("input[name=reason]", "客户来电要求回拨")
    page.click("[data-testid=contact] button[type=submit]")
    page.wait_for_selector("[data-testid=revealed]")
    assert "138 1234 5678" in page.inner_text("[data-testid=primary-phone]")
    log = PersonalDataAccess.objects.get(action="reveal", customer_id=mine.pk)
    assert log.reason == "客户来电要求回拨" and log.actor.username == "agent"


def test_dealer_cannot_open_another_dealers_customer(live_server, page, archive):
    _, mine, theirs = archive
    log_in(page, live_server.url, "dealer")
    assert page.goto(f"{live_server.url}/customers/customers/{theirs.pk}/").status == 404
    assert page.goto(f"{live_server.url}/customers/customers/{mine.pk}/").status == 200


def test_csv_import_shows_bad_rows_and_imports_nothing_until_told(live_server, page, archive, tmp_path):
    world, _, _ = archive
    csv = tmp_path / "customers.csv"
    csv.write_text(
        "客户类型,姓名,手机,所属经销商代码\n"
        "个人,赵一,13700000001,T-A\n"
        "个人,钱二,1370000,T-A\n"            # bad phone
        "个人,孙三,13700000003,NOPE\n"        # unknown dealer
        "个人,李四,13700000004,T-A\n",
        encoding="utf-8-sig",
    )
    before = Customer.objects.count()
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/imports/new/")
    page.select_option("select[name=kind]", "customers")
    page.set_input_files("input[name=file]", str(csv))
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=job-status]")
    page.wait_for_selector("[data-testid=import-errors]")
    errors = page.inner_text("[data-testid=import-errors]")
    assert "3" in errors and "4" in errors            # row numbers of the bad rows
    assert page.inner_text("[data-testid=valid-rows]").strip() == "2"
    assert Customer.objects.count() == before          # nothing imported yet
    assert page.locator("[data-testid=apply-actions] button").first.is_disabled()   # "import all"
    page.screenshot(path="test-results/import-errors.png", full_page=True)
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('仅导入')")
    page.wait_for_selector("[data-testid=job-status]:has-text('完成')")
    assert Customer.objects.count() == before + 2
    assert set(Customer.objects.filter(name__in=["赵一", "钱二", "孙三", "李四"]).values_list("name", flat=True)) == {"赵一", "李四"}
