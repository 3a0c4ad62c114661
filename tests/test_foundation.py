"""Foundation behaviour a user notices: login and lockout, audit trail and timelines, optimistic
locking, JSON errors, capped pagination, access grants, scheduler keys, health, navigation by role."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from aftersales.core import services as core_services
from aftersales.core.models import AuditEvent, PeriodicRun
from aftersales.core.registry import PeriodicJob
from aftersales.core.scoping import forget_scope
from aftersales.org import services as org_services
from aftersales.org.models import Organisation, Region

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def login(client, username, password="pw-Test-123"):
    return client.post("/login/", {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="zh-hans")


class TestLogin:
    def test_login_page_speaks_chinese(self, client):
        html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "登录" in html and "密码" in html

    def test_wrong_password_gives_a_clear_message(self, world, client):
        response = login(client, "agent", "wrong")
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode() or "用户名和密码" in response.content.decode()

    def test_sixth_failure_locks_the_username_not_the_address(self, world, client):
        for _ in range(4):
            assert login(client, "agent", "wrong").status_code == 200
        # The fifth failure locks the username for 15 minutes; the sixth attempt is refused even
        # with the right password.
        assert login(client, "agent", "wrong").status_code == 429
        locked = login(client, "agent", "pw-Test-123")
        assert locked.status_code == 429
        assert "15" in locked.content.decode()
        # Same address, other user: still logs in.
        ok = login(client, "dealer", "pw-Test-123")
        assert ok.status_code == 302 and ok["Location"] == "/"

    def test_login_is_audited(self, world, client):
        assert login(client, "manager").status_code == 302
        assert AuditEvent.objects.filter(action="auth.login", actor=world.user("manager")).exists()


class TestAuditTrail:
    def test_update_records_old_and_new_values_and_shows_on_timeline(self, world, client):
        org = world.dealer_a
        org_services.organisation_update(org, actor=world.user("admin"), data={"address": "北京市朝阳区汽车城 1 号"})
        org_services.organisation_update(org, actor=world.user("admin"), data={"address": "北京市朝阳区汽车城 9 号"})
        event = AuditEvent.objects.for_object(org).filter(action="org.organisation.updated").first()
        assert event.changes["address"] == ["北京市朝阳区汽车城 1 号", "北京市朝阳区汽车城 9 号"]
        assert event.actor == world.user("admin")
        client.force_login(world.user("manager"))
        html = client.get(org.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "汽车城 9 号" in html and 'data-testid="timeline"' in html

    def test_request_id_is_stored_with_the_event(self, world, client):
        client.force_login(world.user("admin"))
        response = client.post(reverse("org:organisation_edit", args=[world.dealer_a.pk]), {
            "code": "T-A", "name": "北京甲4S店", "short_name": "甲店", "kind": "dealer",
            "region": world.dealer_a.region_id, "status": "active", "version": world.dealer_a.version,
        }, HTTP_X_REQUEST_ID="req-12345")
        assert response.status_code == 302
        event = AuditEvent.objects.for_object(world.dealer_a).latest("at")
        assert event.request_id == "req-12345" and event.changes["short_name"] == ["", "甲店"]

    def test_invalid_form_keeps_input_and_saves_nothing(self, world, client):
        client.force_login(world.user("admin"))
        before = AuditEvent.objects.count()
        response = client.post(reverse("org:organisation_add"), {
            "code": "NEW1", "name": "新店", "kind": "dealer", "region": world.north.pk, "status": "active",
            "contract_start": "2026-05-01", "contract_end": "2026-01-01",
        }, HTTP_ACCEPT_LANGUAGE="zh-hans")
        html = response.content.decode()
        assert response.status_code == 400
        assert 'value="NEW1"' in html and 'data-testid="error-contract_end"' in html
        assert not Organisation.objects.filter(code="NEW1").exists()
        assert AuditEvent.objects.count() == before


class TestApi:
    def token(self, api_client, username):
        response = api_client.post("/api/auth/token/", {"username": username, "password": "pw-Test-123"}, format="json")
        assert response.status_code == 200
        return response.json()["token"]

    def test_token_and_scoped_list(self, world, api_client):
        key = self.token(api_client, "dealer")
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        body = api_client.get("/api/org/organisations/").json()
        assert [o["code"] for o in body["results"]] == ["T-A"]
        assert api_client.get(f"/api/org/organisations/{world.dealer_b.pk}/").status_code == 404

    def test_malformed_json_is_a_400_not_a_500(self, world, api_client):
        api_client.force_authenticate(world.user("admin"))
        response = api_client.generic("POST", "/api/org/organisations/", "{not json", content_type="application/json")
        assert response.status_code == 400
        assert set(response.json()) == {"code", "detail", "fields"}

    def test_field_errors_in_chinese_and_nothing_saved(self, world, api_client):
        api_client.force_authenticate(world.user("admin"))
        response = api_client.post("/api/org/organisations/", {"code": "", "kind": "nonsense"}, format="json",
                                   HTTP_ACCEPT_LANGUAGE="zh-hans")
        body = response.json()
        assert response.status_code == 400 and body["code"] == "invalid"
        assert "code" in body["fields"] and "kind" in body["fields"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in json.dumps(body, ensure_ascii=False))
        assert Organisation.objects.count() == 3

    def test_model_validation_errors_come_back_as_fields(self, world, api_client):
        api_client.force_authenticate(world.user("admin"))
        response = api_client.patch(f"/api/org/organisations/{world.dealer_a.pk}/",
                                    {"contract_start": "2026-05-01", "contract_end": "2026-01-01",
                                     "version": world.dealer_a.version}, format="json")
        assert response.status_code == 400 and "contract_end" in response.json()["fields"]

    def test_count_is_capped(self, world, api_client, monkeypatch):
        from aftersales.core.api import pagination

        monkeypatch.setattr(pagination, "COUNT_CAP", 2)
        api_client.force_authenticate(world.user("manager"))
        body = api_client.get("/api/org/organisations/?page_size=1").json()
        assert body["count"] == 2 and body["count_capped"] is True and body["next"]

    def test_schema_and_docs_are_served_locally(self, world, client):
        client.force_login(world.user("admin"))
        schema = client.get("/api/schema/?format=json")
        assert schema.status_code == 200 and "/api/org/organisations/" in schema.json()["paths"]
        docs = client.get("/api/docs/").content.decode()
        assert "swagger-ui" in docs and "cdn" not in docs.lower()


class TestAccessGrant:
    def test_grant_opens_one_object_and_is_audited(self, world, monkeypatch):
        from aftersales.core.scoping import ScopeRule

        # Organisations are not shareable in the product; borrow the model to test the mechanism.
        monkeypatch.setattr(Organisation, "scope_rule", ScopeRule(paths=("id",), grant_via=("self",)))
        dealer = world.user("dealer")
        assert not Organisation.objects.restrict(dealer).filter(pk=world.dealer_b.pk).exists()
        grant = core_services.grant_access(actor=world.user("admin"), organisation_id=world.dealer_a.pk,
                                           obj=world.dealer_b, reason="接车: 外地车辆")
        forget_scope(dealer)
        assert Organisation.objects.restrict(dealer).filter(pk=world.dealer_b.pk).exists()
        assert AuditEvent.objects.filter(action="core.access.granted", object_id=world.dealer_b.pk).exists()
        core_services.revoke_access(actor=world.user("admin"), grant=grant, reason="结束")
        assert not Organisation.objects.restrict(dealer).filter(pk=world.dealer_b.pk).exists()

    def test_grant_needs_a_reason(self, world):
        from aftersales.core.exceptions import ServiceError

        with pytest.raises(ServiceError):
            core_services.grant_access(actor=world.user("admin"), organisation_id=world.dealer_a.pk,
                                       obj=world.dealer_b, reason=" ")


class TestRegions:
    def test_moving_a_region_moves_its_subtree(self, world, django_capture_on_commit_callbacks):
        """华北 moved under 华东: Beijing moves with it, Shanghai stays, and the engineer covering 华北
        still reaches the Beijing dealer but not the Shanghai one (scopes refresh after commit)."""
        from aftersales.core.scoping import scope_for

        admin = world.user("admin")
        country = Region.objects.get(code="T-CN")
        beijing = Region.objects.get(code="T-BJ")
        shanghai = Region.objects.get(code="T-SH")
        shanghai_path = shanghai.path
        with django_capture_on_commit_callbacks(execute=True):
            org_services.region_update(world.north, actor=admin, data={"parent": world.east})
        beijing.refresh_from_db()
        shanghai.refresh_from_db()
        world.north.refresh_from_db()
        assert world.north.path == f"/{country.pk}/{world.east.pk}/{world.north.pk}/"
        assert beijing.path == f"/{country.pk}/{world.east.pk}/{world.north.pk}/{beijing.pk}/"
        assert shanghai.path == shanghai_path
        engineer = get_user_model().objects.get(username="engineer")
        assert scope_for(engineer).covers(world.dealer_a.pk)
        assert not scope_for(engineer).covers(world.dealer_b.pk)


class TestStaff:
    def test_deactivating_staff_blocks_login(self, world, client):
        profile = world.user("advisor").staff_profile
        org_services.staff_set_active(profile, actor=world.user("admin"), active=False, reason="离职")
        assert login(client, "advisor").status_code == 200
        assert not get_user_model().objects.get(username="advisor").is_active

    def test_roles_become_permissions(self, world):
        assert world.user("agent").has_perm("core.reveal_personal_data")
        assert not world.user("agent").has_perm("core.view_personal_data")
        assert world.user("admin").has_perm("org.change_organisation")
        assert not world.user("dealer").has_perm("org.change_organisation")


class TestScheduler:
    def test_a_period_runs_once_whatever_the_schedulers(self, monkeypatch, settings):
        from aftersales.core import registry, scheduling

        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
        job = PeriodicJob(name="test.heartbeat", task_path="aftersales.core.tasks.heartbeat",
                          every=dt.timedelta(minutes=5))
        monkeypatch.setattr(registry, "_periodic", {job.name: job})
        # A fixed instant on a five-minute boundary, so "30 s later" is the same period and
        # "5 min later" the next one whatever the clock says when the test runs.
        start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SH)
        assert scheduling.run_due(start) == ["test.heartbeat"]
        assert scheduling.run_due(start + dt.timedelta(seconds=30)) == []
        assert scheduling.run_due(start) == []
        assert PeriodicRun.objects.filter(job="test.heartbeat").count() == 1
        assert scheduling.run_due(start + dt.timedelta(minutes=5)) == ["test.heartbeat"]
        assert PeriodicRun.objects.filter(job="test.heartbeat").count() == 2

    def test_daily_and_weekly_period_keys(self):
        daily = PeriodicJob(name="d", task_path="x", daily_at=dt.time(2, 0))
        weekly = PeriodicJob(name="w", task_path="x", daily_at=dt.time(7, 0), weekly_on=0)
        monday_early = dt.datetime(2026, 11, 30, 1, 0, tzinfo=SH)
        monday_late = dt.datetime(2026, 11, 30, 8, 0, tzinfo=SH)
        tuesday = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SH)
        assert daily.period_key(monday_early) is None
        assert daily.period_key(monday_late) == "2026-11-30"
        assert weekly.period_key(monday_early) is None
        # A scheduler that was down on Monday still produces this week's run on Tuesday, same key.
        assert weekly.period_key(monday_late) == weekly.period_key(tuesday) == "2026-W49"


class TestShell:
    def test_health(self, db, client):
        body = client.get("/healthz").json()
        assert body["status"] == "ok" and "queue_depth" in body

    def test_navigation_follows_the_role(self, world, client):
        client.force_login(world.user("dealer"))
        html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert 'data-nav="org:organisation_list"' in html
        assert 'data-nav="org:region_list"' not in html and 'data-nav="core:job_list"' not in html
        client.force_login(world.user("admin"))
        html = client.get("/").content.decode()
        assert 'data-nav="core:job_list"' in html and 'data-nav="org:region_list"' in html

    def test_home_lists_failed_jobs_for_admins_only(self, world, client):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.create(status="FAILED", args_kwargs={"args": [], "kwargs": {}}, task_path="x.y",
                                    backend_name="default", run_after=timezone.now(), finished_at=timezone.now(),
                                    exception_class_path="builtins.RuntimeError", traceback="boom")
        client.force_login(world.user("admin"))
        assert 'data-work-item="core.failed_jobs"' in client.get("/").content.decode()
        client.force_login(world.user("dealer"))
        assert 'data-work-item="core.failed_jobs"' not in client.get("/").content.decode()
        assert client.get("/system/jobs/").status_code == 403

    def test_english_switch(self, world, client):
        client.force_login(world.user("agent"))
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert response.status_code == 302
        html = client.get("/").content.decode()
        assert "My work" in html

    def test_csp_header_has_a_nonce_and_no_inline_scripts(self, world, client):
        client.force_login(world.user("agent"))
        response = client.get("/")
        csp = response["Content-Security-Policy"]
        assert "nonce-" in csp and "unsafe-inline" not in csp
        html = response.content.decode()
        assert "<script>" not in html and "cdn" not in html.lower()


class TestScopeCache:
    def test_role_change_takes_effect_at_once(self, world, django_capture_on_commit_callbacks):
        from aftersales.core.scoping import scope_for
        from aftersales.org.models import Role

        engineer = world.user("engineer")
        assert not scope_for(engineer).everything
        with django_capture_on_commit_callbacks(execute=True):
            org_services.staff_update(engineer.staff_profile, actor=world.user("admin"), data={},
                                      m2m={"roles": [Role.objects.get(code="manager")]})
        fresh = get_user_model().objects.get(pk=engineer.pk)
        assert scope_for(fresh).everything

    def test_deactivated_organisation_loses_scope(self, world, django_capture_on_commit_callbacks):
        from aftersales.core.scoping import scope_for

        dealer = world.user("dealer")
        assert scope_for(dealer).covers(world.dealer_a.pk)
        with django_capture_on_commit_callbacks(execute=True):
            org_services.organisation_set_active(world.dealer_a, actor=world.user("admin"), active=False, reason="停业")
        fresh = get_user_model().objects.get(pk=dealer.pk)
        assert not scope_for(fresh).covers(world.dealer_a.pk)
