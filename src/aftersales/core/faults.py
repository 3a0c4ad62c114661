"""Database faults and how every process rides them out (ADR 0013, issue 7 item 7).

A fault is the database being unreachable or, on SQLite, locked for longer than the busy timeout:
Django raises ``OperationalError`` (or ``InterfaceError`` for a connection that died under it).
Web requests answer 503 with ``Retry-After`` (``core.views.errors``); the worker and the scheduler
log, back off and carry on (``core.worker``, ``core.scheduling.run_forever``).  Recovery needs no
restart: Django drops an unusable connection at the end of a request (``CONN_HEALTH_CHECKS`` on
PostgreSQL, no persistent connection on SQLite) and the loops here close theirs after a fault.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError, connections

log = logging.getLogger("aftersales.faults")

DB_FAULTS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
# The same, as the task backend stores a failed job's exception (worker retries, jobs page).
FAULT_PATHS = frozenset(f"{cls.__module__}.{cls.__qualname__}" for cls in DB_FAULTS)

# Seconds a client is told to wait before trying again (the ``Retry-After`` header).
RETRY_AFTER_SECONDS = 30


def is_database_fault(exc: BaseException | None) -> bool:
    """True for the connection-level errors that a retry later can cure (not bad SQL, not bad data)."""
    return isinstance(exc, DB_FAULTS)


def drop_connections() -> None:
    """Forget every database connection after a fault, so the next query opens a fresh one.

    Closing a dead connection can itself fail; that is the state we are recovering from, so the
    error is swallowed (and logged at debug level only)."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - a dead socket may refuse even to close
            log.debug("closing a broken %s connection failed", conn.alias, exc_info=True)
            conn.connection = None


@dataclass
class Backoff:
    """Exponential back-off after consecutive faults: 1, 2, 4 … seconds up to ``maximum``."""

    initial: float = 1.0
    maximum: float = 60.0
    failures: int = 0

    def next_delay(self) -> float:
        self.failures += 1
        return min(self.maximum, self.initial * (2 ** (self.failures - 1)))

    def reset(self) -> None:
        self.failures = 0
