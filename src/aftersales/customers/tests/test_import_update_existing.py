"""The customer import's "update existing" mode (issue 8 item 9; R-CUS-7, R-CUS-1).

Re-importing a file whose phones are already on file matches those customers — when the user
asks for it on the import page or the API — instead of reporting duplicates.  The dry run says
how many will be updated and which row updates whom; only the user's own customers are matched
(another store's number is not named); an update is audited and versioned like an edit on the
page, keeps what the file leaves empty, and never moves a customer to another dealer.  Without the
option the phones are reported as taken, as before.
"""

from __future__ import annotations

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.core.imports import services as imports
from aftersales.core.imports.models import ImportJob
from aftersales.core.models import AuditEvent
from aftersales.customers import services
from aftersales.customers.models import Customer

pytestmark = pytest.mark.django_db

HEADER = "客户编号,客户类型,姓名,手机,其他电话,详细地址,所属经销商代码,备注\n"


@pytest.fixture
def archive(make_customer, make_user, dealer_a, dealer_b, admin_user):
    """张伟 and 李娜 at store A (李娜 with two mobiles), 王强 at store B; an advisor of store A."""
    zhang = make_customer(dealer_a, name="张伟", phone="13812345678")
    li = make_customer(dealer_a, name="李娜", phone="13912345678")
    services.phone_add(actor=admin_user, customer=li, number="13512345678")
    wang = make_customer(dealer_b, name="王强", phone="13712345678")
    return {"zhang": Customer.objects.get(pk=zhang.pk), "li": Customer.objects.get(pk=li.pk), "wang": wang,
            "user": make_user("dealer", dealer_a)}


def _file(dealer_code: str = "T-DA") -> bytes:
    return (HEADER
            + f",,张伟,13812345678,010-62345678,,{dealer_code},老客户回访\n"   # row 2: 张伟, new landline + note
            + f",,李娜,13912345678,,,{dealer_code},\n"                        # row 3: 李娜, nothing new
            + f",个人,赵六,13612345678,,望京街 9 号,{dealer_code},\n"          # row 4: a new customer
            + f",个人,王强,13712345678,,,{dealer_code},\n"                     # row 5: store B's number
            ).encode()


def _reasons(job) -> dict[tuple[int, str], str]:
    return {(e["row"], e["column"]): e["reason"] for e in job.result["first_errors"]}


def test_by_default_known_phones_are_still_reported_as_duplicates(archive):
    job = imports.import_start(actor=archive["user"], kind="customers", file=io.BytesIO(_file()),
                               filename="客户.csv", enqueue=False)
    job = imports.run_validation(job.pk)
    zhang, li = archive["zhang"], archive["li"]
    assert _reasons(job) == {(2, "手机"): f"该电话号码已属于客户 {zhang.code}。",
                             (3, "手机"): f"该电话号码已属于客户 {li.code}。"}
    assert job.result["will_update"] == 0


def test_the_page_previews_and_applies_an_update_of_existing_customers(archive, client):
    zhang, li, wang = archive["zhang"], archive["li"], archive["wang"]
    client.force_login(archive["user"])
    response = client.post(reverse("imports:new"), {
        "kind": "customers", "match_existing": "on",
        "file": SimpleUploadedFile("客户.csv", _file(), content_type="text/csv")})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.options["match_existing"] is True
    job = imports.run_validation(job.pk)
    assert (job.valid_rows, job.error_rows) == (4, 0), job.result

    page = html.unescape(client.get(reverse("imports:detail", args=[job.pk])).content.decode())
    assert "将更新 2 位已有客户，新建 2 位。" in page
    assert f"<tr><td>2</td><td>张伟</td><td><code>{zhang.code}</code></td></tr>" in page
    assert f"<tr><td>3</td><td>李娜</td><td><code>{li.code}</code></td></tr>" in page
    assert wang.code not in page                       # another store's number is never named

    client.post(reverse("imports:apply", args=[job.pk]), {"mode": "all"})
    job = imports.run_apply(job.pk)
    assert job.status == ImportJob.Status.DONE, job.message
    assert (job.result["created"], job.result["updated"], job.result["changed"]) == (2, 2, 1)

    after = Customer.objects.get(pk=zhang.pk)
    assert (after.notes, after.kind, after.owning_dealer_id) == ("老客户回访", "person", zhang.owning_dealer_id)
    assert after.version == zhang.version + 1
    assert set(after.phones.values_list("number", "kind", "is_primary")) == {
        ("+8613812345678", "mobile", True), ("+861062345678", "landline", False)}
    event = AuditEvent.objects.get(action="customers.customer.updated", customer_id=zhang.pk)
    assert event.actor == archive["user"]
    assert event.changes["notes"] == ["", "老客户回访"]
    assert event.changes["phones"] == [["+8613812345678"], ["+8613812345678", "+861062345678"]]
    assert event.note == f"导入任务 #{job.pk}，第 2 行（客户.csv）。"
    # 李娜's row changed nothing: no write, no event
    assert Customer.objects.get(pk=li.pk).version == li.version
    assert not AuditEvent.objects.filter(action="customers.customer.updated", customer_id=li.pk).exists()
    # a new 王强 at store A; store B's 王强 is untouched
    assert Customer.objects.filter(name="王强").count() == 2
    assert Customer.objects.get(pk=wang.pk).version == wang.version
    assert Customer.objects.filter(name__in=["张伟", "李娜"]).count() == 2   # no duplicates created


def test_two_rows_for_one_customer_and_a_move_to_another_dealer_are_refused(archive, admin_user):
    li, wang = archive["li"], archive["wang"]
    rows = (HEADER + ",,李娜,13912345678,,,T-DA,\n"
                     ",,李娜,13512345678,,,T-DA,\n"        # 李娜's second mobile: the same customer again
                     ",,王强,13712345678,,,T-DA,\n")       # head office sees store B's 王强: not moved to A
    job = imports.import_start(actor=admin_user, kind="customers", file=io.BytesIO(rows.encode()),
                               filename="客户.csv", match_existing=True, enqueue=False)
    job = imports.run_validation(job.pk)
    assert _reasons(job) == {
        (3, "手机"): f"文件中前面的一行已在更新客户 {li.code}。",
        (4, "所属经销商代码"): "导入不会把客户转到其他经销商；如需变更所属经销商，请在客户页面上操作。"}
    imports.import_apply(actor=admin_user, job=job, mode="valid_only", enqueue=False)
    assert imports.run_apply(job.pk).status == ImportJob.Status.DONE
    assert Customer.objects.get(pk=wang.pk).owning_dealer == wang.owning_dealer


def test_the_api_starts_an_update_and_reports_the_preview(archive):
    zhang = archive["zhang"]
    api = APIClient()
    api.force_authenticate(archive["user"])
    response = api.post("/api/imports/jobs/", {
        "kind": "customers", "match_existing": "true",
        "file": SimpleUploadedFile("客户.csv", _file(), content_type="text/csv")}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["match_existing"] is True
    job_id = response.json()["id"]
    imports.run_validation(job_id)
    body = api.get(f"/api/imports/jobs/{job_id}/").json()
    assert (body["will_update"], body["will_create"]) == (2, 2)
    assert body["matches"][0] == {"row": 2, "match": zhang.code, "label": "张伟"}
    response = api.post(f"/api/imports/jobs/{job_id}/apply/", {"mode": "all"}, format="json")
    assert response.status_code == 200, response.json()
    imports.run_apply(job_id)
    assert api.get(f"/api/imports/jobs/{job_id}/").json()["updated"] == 2
    assert Customer.objects.get(pk=zhang.pk).notes == "老客户回访"


def test_update_existing_is_only_offered_where_the_importer_can_match(archive):
    api = APIClient()
    api.force_authenticate(archive["user"])
    response = api.post("/api/imports/jobs/", {
        "kind": "vehicles", "match_existing": "true",
        "file": SimpleUploadedFile("车辆.csv", b"VIN\n", content_type="text/csv")}, format="multipart")
    assert response.status_code == 400
    assert response.json()["fields"]["match_existing"] == ["车辆导入不能更新已有记录。"]


def test_the_command_line_updates_existing_customers_when_asked(archive, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "客户.csv"
    path.write_bytes(_file())
    with pytest.raises(SystemExit):  # the system sees store B's 王强 too, and does not move him to store A
        call_command("import", "customers", str(path), "--update-existing", "--apply", "all", "--quiet-progress")
    out = capsys.readouterr().out
    assert "will update 2 existing · create 1 new" in out
    assert "5\t所属经销商代码" in out
    call_command("import", "customers", str(path), "--update-existing", "--apply", "valid-only", "--quiet-progress")
    assert Customer.objects.get(pk=archive["zhang"].pk).notes == "老客户回访"
    assert Customer.objects.get(pk=archive["wang"].pk).owning_dealer.code == "T-DB"


def test_the_api_offers_and_fires_only_the_allowed_import_actions(archive):
    """The import machine on the API (issue 6 item 1): a checked job offers 导入 and 取消 (``actions``),
    cancel fires it, and a second cancel is a 409 with the reason — nothing changed."""
    api = APIClient()
    api.force_authenticate(archive["user"])
    job_id = api.post("/api/imports/jobs/", {
        "kind": "customers", "file": SimpleUploadedFile("客户.csv", _file(), content_type="text/csv")},
        format="multipart").json()["id"]
    imports.run_validation(job_id)
    assert sorted(api.get(f"/api/imports/jobs/{job_id}/").json()["actions"]) == ["apply", "cancel"]
    response = api.post(f"/api/imports/jobs/{job_id}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert response.json()["actions"] == []
    again = api.post(f"/api/imports/jobs/{job_id}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    assert again.json()["detail"] == "只能取消未在执行中的导入。"
