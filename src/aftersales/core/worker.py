"""``aftersales worker``: django-tasks-db's worker, kept alive through database faults (ADR 0013).

The library's ``Worker.run`` tolerates only "database is locked" while it claims a task; any other
``OperationalError`` (PostgreSQL restarting, the SQLite file on a stalled disk, a connection cut
by a firewall) ends the process, and with it every background job until someone restarts it.
``ResilientWorker`` runs the same steps — claim one ready task with ``SKIP LOCKED`` in an
exclusive transaction, run it with the library's ``run_task`` — one iteration at a time, and turns
a fault in any step into: log, drop the connections, back off (1, 2, 4 … 60 s), carry on.

A task whose outcome could not be recorded because the database went away mid-task is put back
to READY once the database answers again (tasks are idempotent, DESIGN.md rule 4), so the fault
loses no work.  ``sleep`` is injectable so tests drive the loop without waiting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import OperationalError, close_old_connections
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from .faults import DB_FAULTS, FAULT_PATHS, Backoff, drop_connections

log = logging.getLogger("aftersales.worker")

MAX_FAULT_RUNS = 5  # claims of one task before a "fault" is taken to be a real, lasting error


class ResilientWorker(Worker):
    def __init__(self, *, sleep: Callable[[float], None] = time.sleep, backoff: Backoff | None = None,
                 max_iterations: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.sleep = sleep
        self.backoff = backoff or Backoff()
        self.max_iterations = max_iterations  # tests: stop after this many loop turns
        self.faults = 0
        self._unfinished: str | None = None  # id of a task whose result could not be saved

    def _ready_tasks(self):
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        return tasks

    def _claim(self) -> tuple[DBTaskResult | None, bool]:
        """(task or None, whether the queue could be read); a locked SQLite file reads as "not now"."""
        tasks = self._ready_tasks()
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result, True
        except DB_FAULTS as exc:
            if is_locked_database_exception(exc):
                return None, False
            raise

    def _requeue_unfinished(self) -> None:
        """Put back the task whose result was lost with the connection: it runs again."""
        if self._unfinished is None:
            return
        DBTaskResult.objects.filter(pk=self._unfinished, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None)
        log.warning("task %s: its result was lost in a database fault; queued again", self._unfinished)
        self._unfinished = None

    def _retry_if_faulted(self, task_result: DBTaskResult) -> None:
        """A task that failed only because the database went away runs again (up to
        ``MAX_FAULT_RUNS`` claims), instead of staying FAILED with work undone."""
        if task_result.status != TaskResultStatus.FAILED:
            return
        if task_result.exception_class_path not in FAULT_PATHS or len(task_result.worker_ids) >= MAX_FAULT_RUNS:
            return
        DBTaskResult.objects.filter(pk=task_result.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, started_at=None, finished_at=None)
        log.warning("task %s failed in a database fault; queued again", task_result.pk)
        raise OperationalError(f"task {task_result.pk} hit a database fault")

    def step(self) -> str:
        """One turn of the loop: "ran", "idle", "locked" or "done" (batch mode, queue empty)."""
        close_old_connections()
        self._requeue_unfinished()
        task_result, read = self._claim()
        if task_result is not None:
            self._unfinished = str(task_result.pk)
            self.run_task(task_result)  # records success or failure itself; raises only on a fault
            self._unfinished = None
            close_old_connections()
            self._retry_if_faulted(task_result)
            return "ran"
        close_old_connections()
        if not read:
            return "locked"
        return "done" if self.batch else "idle"

    def reap(self) -> None:
        """At start: tasks left RUNNING by a worker that died (SIGKILL, power cut) run again or are
        given up (``core.reaper``); a fault here must not keep the worker from starting."""
        from .reaper import reap_lost_tasks

        try:
            reap_lost_tasks()
        except DB_FAULTS as exc:
            log.warning("worker %s: could not look for lost tasks (%s)", self.worker_id, exc)
            drop_connections()

    def run(self) -> None:
        log.info("worker %s started (queues %s)", self.worker_id, ",".join(self.queue_names))
        self.reap()
        iterations = 0
        while self.running:
            iterations += 1
            if self.max_iterations is not None and iterations > self.max_iterations:
                return
            try:
                outcome = self.step()
            except DB_FAULTS as exc:
                self.faults += 1
                delay = self.backoff.next_delay()
                log.warning("worker %s: database fault (%s: %s); retrying in %.0f s",
                            self.worker_id, type(exc).__name__, exc, delay)
                drop_connections()
                self.sleep(delay)
                continue
            if self.backoff.failures:
                log.info("worker %s: database reachable again after %d faults", self.worker_id, self.backoff.failures)
                self.backoff.reset()
            if outcome == "done":
                log.info("worker %s: queue empty, exiting (--batch)", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if outcome != "ran" and self.running:
                self.sleep(self.interval)
