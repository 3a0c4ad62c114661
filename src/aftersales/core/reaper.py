"""Background jobs whose worker died (issue 7 item 7, "crashed job"; ADR 0013).

A worker SIGKILLed (out of memory, a deploy that did not wait, a power cut) leaves its task RUNNING:
django-tasks-db claims a task by setting RUNNING and never looks at it again, so the job would
stay "running" on the jobs page for ever and its work would never be done.

``reap_lost_tasks()`` finds RUNNING tasks whose worker is gone and puts them back to READY (tasks
are idempotent, DESIGN.md rule 4) — up to ``MAX_RUNS`` claims, then FAILED with
``WORKER_LOST`` as the error the jobs page explains.  A worker is gone when

- its id names this host and a process id that no longer exists (workers started by
  ``aftersales worker`` are ``<host>:<pid>:<random>``), or
- the task started longer ago than the lease (``AFTERSALES_TASK_LEASE_SECONDS``, default 6 h):
  the only evidence there is for a worker on another host or with an old-style id.

A task kind with its own recovery registers a handler (``register_lost_task_handler``): the
import jobs do, so a lost "check" or "import" task resumes the job (or fails it with a translated
reason after its attempts) through the import kernel, never ends as silently "done".

Run by ``aftersales worker`` at start and by the scheduler every ``REAP_EVERY`` seconds.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

log = logging.getLogger("aftersales.worker")

MAX_RUNS = 3  # claims of one task (the crashed ones included) before it is given up
DEFAULT_LEASE_SECONDS = 6 * 3600
REAP_EVERY = 60.0  # seconds, in the scheduler's loop
WORKER_LOST = "aftersales.core.reaper.WorkerLost"


class WorkerLost(Exception):
    """Recorded as a task's error when its worker died ``MAX_RUNS`` times."""


_handlers: dict[str, Callable] = {}


def register_lost_task_handler(task_path: str, handler: Callable) -> None:
    """``handler(task_result)`` recovers a lost task of this kind itself; the reaper then marks the
    task FAILED (its work is carried on by whatever the handler enqueued)."""
    _handlers[task_path] = handler


def has_own_recovery(task_path: str) -> bool:
    return task_path in _handlers


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def worker_gone(worker_id: str) -> bool | None:
    """True/False for a worker of this host; None when this host cannot tell."""
    host, _, rest = (worker_id or "").partition(":")
    pid, _, _ = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    return not _pid_alive(int(pid))


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "AFTERSALES_TASK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def lost_tasks(now: dt.datetime | None = None) -> list:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - lease()
    lost = []
    for task in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
            "id", "started_at", "worker_ids", "task_path"):
        gone = worker_gone(task.worker_ids[-1]) if task.worker_ids else None
        if gone or (gone is None and task.started_at is not None and task.started_at < cutoff):
            lost.append(task)
    return lost


def reap_lost_tasks(now: dt.datetime | None = None) -> dict[str, list[str]]:
    """Requeue or give up every lost task; returns {"requeued": ids, "failed": ids, "handed": ids}."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    out: dict[str, list[str]] = {"requeued": [], "failed": [], "handed": []}
    for task in lost_tasks(now):
        running = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING)
        handler = _handlers.get(task.task_path)
        if handler is not None:
            # Conditional update first: of two reapers, one hands the task on.
            if running.update(status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=WORKER_LOST,
                              traceback="worker lost; recovered by its own job"):
                handler(task)
                out["handed"].append(str(task.pk))
            continue
        if len(task.worker_ids) >= MAX_RUNS:
            if running.update(status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=WORKER_LOST,
                              traceback=f"worker lost {len(task.worker_ids)} times"):
                log.error("task %s (%s): its worker died %d times; given up", task.pk, task.task_path,
                          len(task.worker_ids))
                out["failed"].append(str(task.pk))
            continue
        if running.update(status=TaskResultStatus.READY, started_at=None):
            log.warning("task %s (%s): its worker %s is gone; queued again", task.pk, task.task_path,
                        task.worker_ids[-1] if task.worker_ids else "?")
            out["requeued"].append(str(task.pk))
    return out
