"""A job whose worker was killed does not stay "running" for ever (issue 7 item 7, crashed job).

The worker process here is a real process killed with SIGKILL: its task row is left RUNNING with
the dead worker's id (``<host>:<pid>:…``, as ``aftersales worker`` claims), exactly what the queue
holds after ``kill -9`` of a worker.  (A real ``aftersales worker`` subprocess would need the test
database in a file; the in-memory SQLite of the suite cannot be shared, so the claim is written
as the library writes it.)  Then a worker starts, or the scheduler turns, and the task runs again —
or, after ``MAX_RUNS`` claims, is given up with a message on the jobs page.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aftersales.core.faults import Backoff
from aftersales.core.reaper import MAX_RUNS, WORKER_LOST, reap_lost_tasks
from aftersales.core.scheduling import run_forever
from aftersales.core.worker import ResilientWorker

pytestmark = pytest.mark.django_db(transaction=True)

HOST = socket.gethostname()


@task
def count_users() -> int:
    return get_user_model().objects.count()


def _killed_pid() -> int:
    """The pid of a process that was running and got SIGKILL (and is reaped: the pid is free)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL
    return proc.pid


def _claimed(result_id, worker_ids: list[str], started: dt.datetime | None = None) -> None:
    DBTaskResult.objects.filter(pk=result_id).update(status="RUNNING", started_at=started or timezone.now(),
                                                    worker_ids=worker_ids)


def _worker():
    return ResilientWorker(queue_names=["*"], interval=1.0, batch=True, backend_name="default",
                           startup_delay=False, max_tasks=None, worker_id=f"{HOST}:{os.getpid()}:test",
                           excluded_queue_names=[], sleep=lambda s: None, backoff=Backoff(initial=1, maximum=4),
                           max_iterations=20)


def test_a_task_of_a_killed_worker_runs_again_when_a_worker_starts():
    result = count_users.enqueue()
    _claimed(result.id, [f"{HOST}:{_killed_pid()}:dead"])
    _worker().run()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"
    assert len(row.worker_ids) == 2  # the dead worker's claim and the new one


def test_a_running_task_of_a_live_worker_is_left_alone():
    result = count_users.enqueue()
    _claimed(result.id, [f"{HOST}:{os.getpid()}:alive"])
    assert reap_lost_tasks()["requeued"] == []
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"


def test_a_worker_elsewhere_is_presumed_gone_only_after_the_lease(settings):
    settings.AFTERSALES_TASK_LEASE_SECONDS = 3600
    recent, old = count_users.enqueue(), count_users.enqueue()
    _claimed(recent.id, ["other-host:123:x"], started=timezone.now() - dt.timedelta(minutes=30))
    _claimed(old.id, ["other-host:123:x"], started=timezone.now() - dt.timedelta(hours=2))
    assert reap_lost_tasks()["requeued"] == [str(old.id)]
    assert DBTaskResult.objects.get(pk=recent.id).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=old.id).status == "READY"


def test_after_its_runs_it_is_given_up_and_the_jobs_page_says_why(client):
    from aftersales.org.testing import build_world

    world = build_world()
    result = count_users.enqueue()
    dead = _killed_pid()
    _claimed(result.id, [f"{HOST}:{dead}:{n}" for n in range(MAX_RUNS)])
    assert reap_lost_tasks()["failed"] == [str(result.id)]
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and row.exception_class_path == WORKER_LOST
    client.force_login(world.user("manager"))
    page = client.get("/system/jobs/").content.decode()
    assert f"执行此任务的后台进程已 {MAX_RUNS} 次意外停止（被终止或崩溃），已放弃该任务。" in page


def test_the_scheduler_reaps_too():
    result = count_users.enqueue()
    _claimed(result.id, [f"{HOST}:{_killed_pid()}:dead"])
    run_forever(interval=0, sleep=lambda s: None, max_loops=1)
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"


@pytest.fixture
def stuck_import(settings, tmp_path):
    """An import job in its dry run (VALIDATING) whose worker was killed; its heartbeat is fresh,
    so the import kernel's own 10-minute stale check would not see it yet."""
    from aftersales.core.imports.models import ImportJob
    from aftersales.core.imports.tasks import validate_import
    from aftersales.core.tests.scope_factories import import_job
    from aftersales.org.testing import build_world

    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    job = import_job(world.dealer_a)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING, phase="validate", attempts=1,
                                               heartbeat_at=timezone.now())
    result = validate_import.enqueue(job.pk)
    _claimed(result.id, [f"{HOST}:{_killed_pid()}:dead"])
    return ImportJob.objects.get(pk=job.pk), result


def test_an_import_whose_worker_died_resumes_not_done(stuck_import):
    from aftersales.core.imports.models import ImportJob

    job, result = stuck_import
    assert reap_lost_tasks()["handed"] == [str(result.id)]
    job.refresh_from_db()
    assert job.status not in (ImportJob.Status.DONE, ImportJob.Status.FAILED)
    again = DBTaskResult.objects.filter(task_path="aftersales.core.imports.tasks.validate_import", status="READY")
    assert [r.args_kwargs["args"] for r in again] == [[job.pk]]
    assert DBTaskResult.objects.get(pk=result.id).exception_class_path == WORKER_LOST


def test_an_import_whose_worker_kept_dying_fails_with_a_reason(stuck_import):
    from aftersales.core.imports.models import ImportJob
    from aftersales.core.imports.services import MAX_ATTEMPTS

    job, result = stuck_import
    ImportJob.objects.filter(pk=job.pk).update(attempts=MAX_ATTEMPTS)
    reap_lost_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "放弃" in job.message  # translated: the job stopped N times and was given up
