"""Manager's approval of large exports (R-CUS-7 item 8): the ExportRequest state machine, its
services, audit events, access log, work item, notice hook and API.

Core may not import the apps above it, so these tests register a small exporter of user accounts
with the customer archive's permission names (threshold 3); the cross-app page test
(tests/test_export_approval_pages.py) runs the real customer exporter.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import include, path
from django.utils import timezone
from rest_framework.authtoken.models import Token

from aftersales import urls as root_urls
from aftersales.core.exceptions import ServiceError, TransitionNotAllowed
from aftersales.core.imports import approval_selectors, approvals, exports, registry
from aftersales.core.imports.models import ExportRequest, ImportJob
from aftersales.core.models import AuditEvent, PersonalDataAccess
from aftersales.core.registry import work_items_for

urlpatterns = [path("api/imports/", include("aftersales.core.imports.api")), *root_urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

KIND = "approval-test"
EXPORT = "customers.export_customer"
APPROVE = "customers.approve_customer_export"
Status = ExportRequest.Status


def _users(user, params):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username__startswith=params.get("prefix", "")).order_by("id")


@pytest.fixture(autouse=True)
def exporter(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    registry.autodiscover()
    exp = registry.Exporter(kind=KIND, label="accounts", permission=EXPORT, queryset=_users,
                            columns=lambda user: [("Username", lambda u: u.username)], approval_threshold=3,
                            approval_permission=APPROVE)
    monkeypatch.setitem(registry._exporters, KIND, exp)
    return exp


def _grant(user, *perms):
    for full in perms:
        app, code = full.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=code))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def requester(world):
    return _grant(world.user("dealer"), EXPORT)


@pytest.fixture
def manager(world):
    return world.user("manager")


@pytest.fixture
def notices():
    sent = []

    def listen(sender, **kwargs):
        sent.append(kwargs)

    approvals.export_request_notice.connect(listen, dispatch_uid="test-notices")
    yield sent
    approvals.export_request_notice.disconnect(dispatch_uid="test-notices")


def _ask(requester, **kw):
    return approvals.export_request_create(actor=requester, kind=KIND, params=kw.pop("params", {}),
                                           fmt=kw.pop("fmt", "csv"), reason=kw.pop("reason", "年度客户回访名单"))


def _account(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username)


def _actions(obj):
    return list(AuditEvent.objects.for_object(obj).order_by("at", "id").values_list("action", "changes"))


def test_over_threshold_export_without_request_is_refused(requester):
    with pytest.raises(ServiceError) as exc:
        exports.export_prepare(actor=requester, kind=KIND, params={}, fmt="csv")
    assert exc.value.code == "approval_required"
    with pytest.raises(ServiceError):
        exports.export_start(actor=requester, kind=KIND, params={}, fmt="csv", enqueue=False)
    assert not ImportJob.objects.exists()
    # under the threshold no approval is needed, and no request can be made
    assert exports.export_prepare(actor=requester, kind=KIND, params={"prefix": "dealer"})[2] == 2
    with pytest.raises(ServiceError) as exc:
        _ask(requester, params={"prefix": "dealer"})
    assert exc.value.code == "approval_not_needed"


def test_request_needs_reason_and_export_permission(world, requester):
    with pytest.raises(ServiceError) as exc:
        _ask(requester, reason="  ")
    assert exc.value.field == "reason"
    with pytest.raises(ServiceError) as exc:
        _ask(world.user("technician"))
    assert exc.value.code == "permission_denied"
    _ask(requester)
    with pytest.raises(ServiceError) as exc:
        _ask(requester)
    assert exc.value.code == "duplicate"


def test_request_approve_export_download(world, requester, manager, notices, django_capture_on_commit_callbacks):
    req = _ask(requester)
    n_users = len(world.users)
    assert req.status == Status.PENDING and req.row_count == n_users
    assert req.organisation_id == world.dealer_a.pk
    # approvers (manager, admin) are told; the requester is not one of them
    assert {u.username for u in notices[0]["recipients"]} == {"manager", "admin"}
    assert notices[0]["url"] == f"/imports/export-requests/{req.pk}/"
    assert approval_selectors.export_requests_to_approve(user=manager).get() == req
    assert not approval_selectors.export_requests_to_approve(user=requester).exists()
    assert approval_selectors.allowed_actions(user=manager, export_request=req) == ["approve", "reject"]
    assert approval_selectors.allowed_actions(user=requester, export_request=req) == ["cancel"]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        req = approvals.export_request_approve(actor=manager, export_request=req, note="同意")
    assert len(callbacks) == 1  # the export job is enqueued after commit
    assert req.status == Status.APPROVED and req.decided_by == manager and req.decision_note == "同意"
    job = req.job
    assert job.created_by == requester and job.options["approved_rows"] == n_users
    assert notices[-1]["recipients"] == [requester]
    assert not PersonalDataAccess.objects.exists()

    exports.run_export_job(job.pk)  # what the worker does
    req.refresh_from_db()
    assert req.status == Status.EXPORTED and req.job.status == ImportJob.Status.DONE
    assert notices[-1]["recipients"] == [requester] and notices[-1]["level"] == "success"
    log = PersonalDataAccess.objects.get()
    assert log.actor == requester and log.row_count == n_users and log.action == "export"
    assert log.object_id == req.pk and "年度客户回访名单" in log.reason

    # only the requester downloads; the download is logged
    with pytest.raises(approvals.ApprovalDenied):
        approvals.export_request_download(actor=manager, export_request=req)
    fh, name = approvals.export_request_download(actor=requester, export_request=req, ip_address="10.0.0.9")
    with fh:
        assert fh.read().decode("utf-8-sig").startswith("Username")
    assert name.endswith(".csv")
    download = PersonalDataAccess.objects.order_by("-id").first()
    assert download.actor == requester and download.ip_address == "10.0.0.9" and download.object_id == req.pk

    assert [(a, c["status"]) for a, c in _actions(req)] == [
        ("core.export_request.created", [None, "pending"]),
        ("core.export_request.approved", ["pending", "approved"]),
        ("core.export_request.exported", ["approved", "exported"]),
    ]
    events = AuditEvent.objects.for_object(req)
    assert events.get(action="core.export_request.approved").actor == manager
    assert events.get(action="core.export_request.created").actor == requester
    # a second run of the task changes nothing (idempotent)
    exports.run_export_job(job.pk)
    assert ExportRequest.objects.get(pk=req.pk).status == Status.EXPORTED
    assert AuditEvent.objects.for_object(req).count() == 3


def test_reject_with_note(requester, manager, notices):
    req = _ask(requester)
    with pytest.raises(ServiceError) as exc:
        approvals.export_request_reject(actor=manager, export_request=req, note="")
    assert exc.value.field == "note"
    req = approvals.export_request_reject(actor=manager, export_request=req, note="范围太大，请按门店导出")
    assert req.status == Status.REJECTED and req.decided_by == manager and req.job is None
    assert notices[-1]["recipients"] == [requester] and notices[-1]["body"] == "范围太大，请按门店导出"
    action, changes = _actions(req)[-1]
    assert action == "core.export_request.rejected" and changes["status"] == ["pending", "rejected"]
    assert changes["decided_by"][1]["id"] == manager.pk and changes["decision_note"] == ["", "范围太大，请按门店导出"]
    with pytest.raises(TransitionNotAllowed):
        approvals.export_request_approve(actor=manager, export_request=req)
    assert not ImportJob.objects.exists()


def test_requester_cannot_decide_own_request(requester):
    req = _ask(requester)
    requester = _grant(requester, APPROVE)  # even after getting the approval permission
    with pytest.raises(approvals.ApprovalDenied):
        approvals.export_request_approve(actor=requester, export_request=req)
    with pytest.raises(approvals.ApprovalDenied):
        approvals.export_request_reject(actor=requester, export_request=req, note="x")
    assert ExportRequest.objects.get().status == Status.PENDING


def test_user_without_approve_permission_cannot_decide(world, requester):
    req = _ask(requester)
    for role in ("agent", "advisor", "dealer_b"):
        with pytest.raises(approvals.ApprovalDenied):
            approvals.export_request_approve(actor=world.user(role), export_request=req)
    # an approver outside the requester's organisations may not decide either
    other = _grant(world.user("dealer_b"), APPROVE)
    with pytest.raises(approvals.ApprovalDenied):
        approvals.export_request_approve(actor=other, export_request=req)
    assert not approval_selectors.export_request_list(user=other).exists()
    assert ExportRequest.objects.get().status == Status.PENDING


def test_cancel_only_by_requester_while_pending(requester, manager):
    req = _ask(requester)
    with pytest.raises(approvals.ApprovalDenied):
        approvals.export_request_cancel(actor=manager, export_request=req)
    req = approvals.export_request_cancel(actor=requester, export_request=req)
    assert req.status == Status.CANCELLED
    assert _actions(req)[-1][1]["status"] == ["pending", "cancelled"]
    with pytest.raises(TransitionNotAllowed):
        approvals.export_request_cancel(actor=requester, export_request=req)


def test_recount_more_than_ten_percent_fails_the_export(world, requester, manager, notices):
    req = _ask(requester)
    n = req.row_count  # 11 accounts
    _account("late1")  # +1 row: within 10 %
    req = approvals.export_request_approve(actor=manager, export_request=req, enqueue=False)
    _account("late2")  # +2 rows: more than 10 % above n
    assert not exports.within_approval(n + 2, n) and exports.within_approval(n + 1, n)
    job = exports.run_export_job(req.job_id)
    assert job.status == ImportJob.Status.FAILED and str(n) in job.message
    req.refresh_from_db()
    assert req.status == Status.FAILED and req.message == job.message
    assert notices[-1]["level"] == "danger"
    assert not PersonalDataAccess.objects.exists()
    assert _actions(req)[-1][1]["status"] == ["approved", "failed"]


def test_approval_refused_when_filter_grew(world, requester, manager):
    req = _ask(requester)
    for i in range(3):
        _account(f"late{i}")
    with pytest.raises(ServiceError) as exc:
        approvals.export_request_approve(actor=manager, export_request=req)
    assert exc.value.code == "approval_exceeded"
    assert ExportRequest.objects.get().status == Status.PENDING and not ImportJob.objects.exists()


def test_housekeeping_expires_requests_and_files(requester, manager, django_capture_on_commit_callbacks):
    old = _ask(requester)
    ExportRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    done = _ask(requester, params={"prefix": ""}, fmt="xlsx")
    done = approvals.export_request_approve(actor=manager, export_request=done, enqueue=False)
    exports.run_export_job(done.job_id)
    done.refresh_from_db()
    storage, name = done.job.output_file.storage, done.job.output_file.name
    assert storage.exists(name)
    approvals.housekeeping()
    assert ExportRequest.objects.get(pk=old.pk).status == Status.EXPIRED
    assert ExportRequest.objects.get(pk=done.pk).status == Status.EXPORTED  # still in its download window
    ExportRequest.objects.filter(pk=done.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):  # the file is deleted after commit
        approvals.housekeeping(now=timezone.now())
    done.refresh_from_db()
    assert done.status == Status.EXPIRED and not done.job.output_file and not storage.exists(name)
    with pytest.raises(ServiceError):
        approvals.export_request_download(actor=requester, export_request=done)
    assert AuditEvent.objects.for_object(old).filter(action="core.export_request.expired", actor=None).exists()


def test_housekeeping_fails_a_stuck_job(requester, manager):
    req = approvals.export_request_approve(actor=manager, export_request=_ask(requester), enqueue=False)
    ImportJob.objects.filter(pk=req.job_id).update(status=ImportJob.Status.APPLYING,
                                                   heartbeat_at=timezone.now() - dt.timedelta(hours=2))
    approvals.housekeeping()
    req.refresh_from_db()
    assert req.status == Status.FAILED and req.job.status == ImportJob.Status.FAILED


def test_work_item_for_managers(requester, manager, world):
    def item(user):
        return next((i for i in work_items_for(user) if i.key == "core.export_requests.to_approve"), None)

    assert item(manager) is None  # nothing to decide: no line
    _ask(requester)
    assert item(manager).count == 1 and "box=to_approve" in item(manager).url
    assert item(requester) is None and item(world.user("agent")) is None


def test_transition_table_is_closed():
    from aftersales.core.imports.models import EXPORT_REQUEST_TRANSITIONS

    assert set(EXPORT_REQUEST_TRANSITIONS) == set(Status.values)
    for targets in EXPORT_REQUEST_TRANSITIONS.values():
        assert set(targets) <= set(Status.values)


# --- API --------------------------------------------------------------------------------------------

def _api(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return api_client


def test_api_create_list_approve(api_client, requester, manager, django_capture_on_commit_callbacks):
    url = "/api/imports/export-requests/"
    client = _api(api_client, requester)
    resp = client.post(url, {"kind": KIND, "params": {}, "format": "csv", "reason": ""}, format="json")
    assert resp.status_code == 400 and "reason" in resp.json()["fields"]
    resp = client.post(url, {"kind": KIND, "params": {}, "format": "csv", "reason": "回访"}, format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["status"] == "pending" and body["actions"] == ["cancel"] and body["download_url"] is None
    pk = body["id"]
    # the requester may not approve (own request, and no approval permission)
    assert client.post(f"{url}{pk}/approve/", {}, format="json").status_code == 403

    client = _api(api_client, manager)
    listed = client.get(url, {"box": "to_approve"}).json()
    assert [r["id"] for r in listed["results"]] == [pk]
    with django_capture_on_commit_callbacks(execute=False):
        resp = client.post(f"{url}{pk}/approve/", {"note": "ok"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
    assert client.post(f"{url}{pk}/reject/", {"note": "no"}, format="json").status_code == 409

    exports.run_export_job(ExportRequest.objects.get(pk=pk).job_id)
    body = _api(api_client, requester).get(f"{url}{pk}/").json()
    assert body["status"] == "exported" and body["download_url"].endswith(f"/imports/export-requests/{pk}/download/")


def test_api_reject_cancel_and_403(api_client, world, requester, manager):
    url = "/api/imports/export-requests/"
    first = _ask(requester)
    second = _ask(requester, params={"prefix": ""}, fmt="xlsx")
    # no approval permission: 403 (even before the lookup)
    assert _api(api_client, world.user("advisor")).post(f"{url}{first.pk}/approve/", {}, format="json").status_code == 403
    # a colleague without the approval permission does not see the request
    assert _api(api_client, world.user("advisor")).get(f"{url}{first.pk}/").status_code == 404
    client = _api(api_client, manager)
    assert client.post(f"{url}{first.pk}/reject/", {"note": ""}, format="json").status_code == 400
    resp = client.post(f"{url}{first.pk}/reject/", {"note": "不需要全部客户"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "rejected"
    assert client.post(f"{url}{second.pk}/cancel/", {}, format="json").status_code == 403
    resp = _api(api_client, requester).post(f"{url}{second.pk}/cancel/", {}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled"
    mine = _api(api_client, requester).get(url, {"box": "mine", "status": "rejected"}).json()
    assert [r["id"] for r in mine["results"]] == [first.pk]
