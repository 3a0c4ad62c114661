"""Faults answer 503, never 500, and lose nothing (issue 7 item 7, R-SYS-4, ADR 0013).

The database is made to fail by ``DatabaseOutage`` (every new cursor raises OperationalError, as
when PostgreSQL is stopped or the SQLite file stays locked); loops are driven with an injected
sleep, so nothing here waits."""

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.tasks import task
from django.test import Client
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token

from aftersales.core.faults import Backoff
from aftersales.core.models import PeriodicRun
from aftersales.core.registry import PeriodicJob
from aftersales.core.scheduling import run_forever
from aftersales.core.testing.faults import DatabaseOutage
from aftersales.core.worker import ResilientWorker

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_client(world):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.user("agent"))
    return client


class TestWebAnswers503:
    def test_a_page_answers_the_branded_chinese_503_page_and_recovers(self, page_client):
        with DatabaseOutage(down=True) as outage:
            response = page_client.get("/")
            assert outage.refused >= 1
        assert response.status_code == 503
        assert response["Retry-After"].isdigit() and int(response["Retry-After"]) > 0
        html = response.content.decode()
        assert 'data-status="503"' in html and "暂时无法使用" in html and "售后服务" in html
        # The database is back: the same session works again, no restart.
        assert page_client.get("/").status_code == 200

    def test_the_api_answers_json_service_unavailable(self, world):
        token = Token.objects.create(user=world.user("agent"))
        client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token.key}",
                        HTTP_ACCEPT_LANGUAGE="zh-hans")
        with DatabaseOutage(down=True):
            response = client.get("/api/customers/customers/")
        assert response.status_code == 503
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert body["code"] == "service_unavailable" and "数据库" in body["detail"] and body["fields"] == {}
        assert int(response["Retry-After"]) > 0
        assert client.get("/api/customers/customers/").status_code == 200

    def test_the_api_with_a_session_answers_json_too(self, page_client):
        with DatabaseOutage(down=True):
            response = page_client.get("/api/customers/customers/")
        assert response.status_code == 503 and response.json()["code"] == "service_unavailable"

    def test_healthz_answers_503_with_and_without_a_session_cookie(self, page_client):
        anonymous = Client(raise_request_exception=False)
        with DatabaseOutage(down=True):
            with_cookie = page_client.get("/healthz")
            without = anonymous.get("/healthz")
        for response in (with_cookie, without):
            assert response.status_code == 503
            assert response.json()["database"] == "unreachable"
        assert page_client.get("/healthz").json()["status"] == "ok"

    def test_a_login_attempt_during_the_outage_is_503_not_500(self, world):
        client = Client(raise_request_exception=False)
        client.get("/login/")  # CSRF cookie not enforced by the test client; the page loads first
        with DatabaseOutage(down=True):
            response = client.post("/login/", {"username": "agent", "password": "pw-Test-123"})
        assert response.status_code == 503

    def test_a_bug_is_still_a_500(self, page_client, monkeypatch):
        from aftersales.core.views import pages

        def broken(self, **kwargs):
            raise ValueError("a bug, not a fault")

        monkeypatch.setattr(pages.HomeView, "get_context_data", broken)
        response = page_client.get("/")
        assert response.status_code == 500 and "Retry-After" not in response


# --- the worker ----------------------------------------------------------------------------

@task
def count_users() -> int:
    """A task that reads the database (so an outage can hit it mid-run)."""
    return get_user_model().objects.count()


FLAKY_CALLS: list[int] = []


@task
def flaky_count() -> int:
    """Its first run loses the connection half-way (as when PostgreSQL restarts mid-task)."""
    FLAKY_CALLS.append(1)
    if len(FLAKY_CALLS) == 1:
        raise OperationalError("server closed the connection unexpectedly")
    return get_user_model().objects.count()


class ScriptedSleep:
    """Records each sleep; brings the database back after ``outage_turns`` back-off sleeps."""

    def __init__(self, outage: DatabaseOutage, outage_turns: int):
        self.outage, self.outage_turns, self.delays = outage, outage_turns, []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if len(self.delays) >= self.outage_turns:
            self.outage.down = False


def make_worker(sleep, **kwargs):
    return ResilientWorker(queue_names=["*"], interval=1.0, batch=True, backend_name="default",
                           startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
                           sleep=sleep, backoff=Backoff(initial=1, maximum=4), max_iterations=50, **kwargs)


@pytest.mark.django_db(transaction=True)
class TestWorkerSurvives:
    def test_an_outage_is_backed_off_and_the_queued_job_runs_afterwards(self):
        result = count_users.enqueue()
        with DatabaseOutage(down=True) as outage:
            sleep = ScriptedSleep(outage, outage_turns=4)
            worker = make_worker(sleep)
            worker.run()
        assert worker.faults == 4
        assert sleep.delays[:4] == [1, 2, 4, 4]  # exponential, capped
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "SUCCESSFUL"

    def test_a_locked_sqlite_file_is_waited_out(self):
        result = count_users.enqueue()
        with DatabaseOutage(down=True, message="database is locked") as outage:
            sleep = ScriptedSleep(outage, outage_turns=3)
            worker = make_worker(sleep)
            worker.run()
        assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
        assert len(sleep.delays) >= 3

    def test_a_task_cut_off_by_the_outage_runs_again_instead_of_staying_failed(self):
        FLAKY_CALLS.clear()
        result = flaky_count.enqueue()
        with DatabaseOutage():
            worker = make_worker(lambda s: None)
            worker.run()
        assert len(FLAKY_CALLS) == 2
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "SUCCESSFUL" and len(row.worker_ids) == 2


# --- the scheduler -------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
class TestSchedulerSurvives:
    def test_it_backs_off_through_an_outage_and_still_enqueues_the_period(self, monkeypatch):
        import datetime as dt

        from aftersales.core import scheduling

        job = PeriodicJob(name="test.count", task_path="tests.test_faults.count_users", every=dt.timedelta(minutes=1))
        monkeypatch.setattr(scheduling, "periodic_jobs", lambda: [job])
        with DatabaseOutage(down=True) as outage:
            sleep = ScriptedSleep(outage, outage_turns=3)
            faults = run_forever(interval=20, sleep=sleep, max_loops=4, backoff=Backoff(initial=1, maximum=60))
        assert faults == 3
        assert sleep.delays == [1, 2, 4, 20]  # three back-offs, then the normal interval
        assert PeriodicRun.objects.filter(job="test.count").count() == 1
        assert DBTaskResult.objects.filter(task_path="tests.test_faults.count_users").count() == 1
