"""Pages of export approval with the real customer exporter (R-CUS-7 item 8): an export above the
limit becomes a request with a reason → managers get a notification and a "我的工作" line → a
manager approves on the request page → the job exports → the requester downloads (logged)."""

from __future__ import annotations

import pytest

from aftersales.core.imports import exports
from aftersales.core.imports.models import ExportRequest, ImportJob
from aftersales.core.imports.registry import get_exporter
from aftersales.core.masking import can_see_personal_data
from aftersales.core.models import AuditEvent, PersonalDataAccess
from aftersales.customers.models import Customer
from aftersales.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(get_exporter("customers"), "approval_threshold", 2)
    for i in range(3):
        Customer.objects.create(code=f"C{i}", name=f"客户{i}", owning_dealer=world.dealer_a,
                                primary_phone=f"+861381234{i:04d}")
    # The shipped dealer role exports and must ask (issue 7 item 13): no permission added here.
    return world


def _ask(client, world):
    client.force_login(world.user("dealer"))
    resp = client.get("/imports/export/customers/?format=csv&q=")
    assert resp.status_code == 302 and resp["Location"].startswith("/imports/export-requests/new/customers/")
    page = client.get(resp["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="needs-approval"' in html and 'data-testid="row-count">3<' in html
    url = resp["Location"]
    assert client.post(url, {"reason": ""}).status_code == 400
    assert not ExportRequest.objects.exists()
    resp = client.post(url, {"reason": "三包到期提醒名单"})
    req = ExportRequest.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/imports/export-requests/{req.pk}/"
    return req


def test_request_approve_export_download(client, setup, django_capture_on_commit_callbacks):
    world = setup
    req = _ask(client, world)
    assert req.row_count == 3 and req.reason == "三包到期提醒名单" and req.params == {"q": ""}
    requester, manager = world.user("dealer"), world.user("manager")

    # managers are notified and see the work item "待审批的导出"
    note = Notification.objects.get(recipient=manager)
    assert note.url == f"/imports/export-requests/{req.pk}/"
    assert not Notification.objects.filter(recipient=requester).exists()
    client.force_login(manager)
    home = client.get("/").content.decode()
    assert "/imports/export-requests/?box=to_approve" in home
    detail = client.get(f"/imports/export-requests/{req.pk}/").content.decode()
    assert 'data-testid="decision-actions"' in detail and "三包到期提醒名单" in detail
    assert client.get("/imports/export-requests/?box=to_approve").status_code == 200

    # the requester cannot approve their own request; a user without the permission gets 403
    client.force_login(requester)
    page = client.get(f"/imports/export-requests/{req.pk}/").content.decode()
    assert 'data-testid="decision-actions"' not in page and 'data-testid="cancel"' in page
    assert client.post(f"/imports/export-requests/{req.pk}/approve/").status_code == 403
    client.force_login(world.user("advisor"))
    assert client.post(f"/imports/export-requests/{req.pk}/approve/").status_code == 403
    assert client.get(f"/imports/export-requests/{req.pk}/").status_code == 404
    assert ExportRequest.objects.get().status == ExportRequest.Status.PENDING

    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resp = client.post(f"/imports/export-requests/{req.pk}/approve/", {"note": "同意"})
    assert resp.status_code == 302 and len(callbacks) == 1
    req.refresh_from_db()
    assert req.status == ExportRequest.Status.APPROVED and req.decided_by == manager
    exports.run_export_job(req.job_id)  # what the worker does
    req.refresh_from_db()
    assert req.status == ExportRequest.Status.EXPORTED
    assert Notification.objects.filter(recipient=requester, url=f"/imports/export-requests/{req.pk}/").count() == 2
    assert client.get(f"/imports/export-requests/{req.pk}/download/").status_code == 403
    assert client.get(f"/imports/{req.job_id}/download/").status_code == 404  # not the manager's job

    client.force_login(requester)
    page = client.get(f"/imports/export-requests/{req.pk}/").content.decode()
    assert 'data-testid="download"' in page
    resp = client.get(f"/imports/export-requests/{req.pk}/download/")
    assert resp.status_code == 200
    text = b"".join(resp.streaming_content).decode("utf-8-sig")
    assert "客户0" in text
    # masked exactly as the requester's role sees the list (the run is the requester's, not the manager's)
    assert ("13812340001" in text) == can_see_personal_data(requester)
    logs = list(PersonalDataAccess.objects.filter(actor=requester).order_by("id"))
    assert [(a.action, a.row_count, a.object_id) for a in logs] == [("export", 3, req.pk), ("export", 3, req.pk)]
    assert "三包到期提醒名单" in logs[0].reason
    assert set(AuditEvent.objects.for_object(req).values_list("action", flat=True)) == {
        "core.export_request.created", "core.export_request.approved", "core.export_request.exported"}
    assert ImportJob.objects.get().created_by == requester


def test_reject_and_list_pages(client, setup):
    world = setup
    req = _ask(client, world)
    client.force_login(world.user("manager"))
    resp = client.post(f"/imports/export-requests/{req.pk}/reject/", {"note": ""})
    assert resp.status_code == 302 and ExportRequest.objects.get().status == ExportRequest.Status.PENDING
    client.post(f"/imports/export-requests/{req.pk}/reject/", {"note": "请只导出本月到期的客户"})
    req.refresh_from_db()
    assert req.status == ExportRequest.Status.REJECTED and req.decision_note == "请只导出本月到期的客户"
    assert not ImportJob.objects.exists()
    client.force_login(world.user("dealer"))
    page = client.get(f"/imports/export-requests/{req.pk}/").content.decode()
    assert "请只导出本月到期的客户" in page and 'data-testid="download"' not in page
    lst = client.get("/imports/export-requests/?box=mine&status=rejected").content.decode()
    assert f"/imports/export-requests/{req.pk}/" in lst
    assert "/imports/export-requests/" in client.get("/imports/").content.decode()
    assert client.get(f"/imports/export-requests/{req.pk}/download/").status_code == 404


def test_manager_exports_directly_and_small_exports_need_no_request(client, setup):
    world = setup
    client.force_login(world.user("manager"))
    resp = client.get("/imports/export/customers/?format=csv")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    client.force_login(world.user("dealer"))
    page = client.get("/imports/export-requests/new/customers/?format=csv&q=客户0").content.decode()
    assert 'data-testid="no-approval-needed"' in page
