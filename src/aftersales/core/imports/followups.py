"""Follow-up steps of an import that must survive the worker (issue 7 item 7, ADR 0013).

A large customer import rebuilds the search index after its rows commit (a set-based rebuild beats
millions of single re-keys).  That step used to be a ``transaction.on_commit`` callback: a worker
killed between the commit and the end of the rebuild left a job marked *done* whose customers had
no search keys and could never be found.

Now an importer asks for the step with :func:`after_commit` (a dotted path to an idempotent
callable).  Inside :func:`~aftersales.core.imports.services.run_apply` the path is written into the
job, in the import transaction, and the job commits as *applying* in phase ``finishing`` instead of
*done*.  :func:`finish` then runs the steps and marks the job done in one transaction, holding the
job's row lock: a worker killed half-way rolls back the step and the "done"; the job's heartbeat
goes stale and ``resume_stale_imports`` runs it again, which goes straight to :func:`finish`.
Outside an import (seeding, the shell) :func:`after_commit` stays an ``on_commit`` callback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.utils.module_loading import import_string

from .models import ImportJob

log = logging.getLogger("aftersales.imports")

PHASE = "finishing"
_pending: ContextVar[list[str] | None] = ContextVar("import_followups", default=None)


def after_commit(path: str) -> None:
    """Run the callable at ``path`` once the current import has committed, durably (see above)."""
    pending = _pending.get()
    if pending is None:
        transaction.on_commit(import_string(path))
    elif path not in pending:
        pending.append(path)


@contextmanager
def collecting() -> Iterator[list[str]]:
    """Collect the follow-ups asked for while an import applies."""
    pending: list[str] = []
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)


def pending_for(job: ImportJob) -> list[str]:
    return list((job.result or {}).get("followups", []))


def finish(job: ImportJob, complete: Callable[[], None]) -> bool:
    """Run the job's follow-ups, then ``complete()`` (mark it done), in one transaction under the
    job's row lock; a second worker waits, then finds it done.  False when a step failed: the job
    stays in phase ``finishing`` and is retried when its heartbeat goes stale."""
    try:
        with transaction.atomic():
            locked = ImportJob.objects.unscoped(reason="the worker finishing a job it runs, not a read for a viewer").select_for_update().filter(
                pk=job.pk, status=ImportJob.Status.APPLYING, phase=PHASE).first()
            if locked is None:
                return True
            for path in pending_for(locked):
                log.info("import %s: running %s", job.pk, path)
                import_string(path)()
            complete()
    except Exception:
        log.exception("import %s: a follow-up step failed; it runs again when the job is resumed", job.pk)
        return False
    return True
