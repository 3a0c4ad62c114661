"""Make the database fail on purpose (ADR 0013): every new cursor raises ``OperationalError`` while
``outage.down`` is true, as when PostgreSQL is stopped or the SQLite file stays locked.

    with DatabaseOutage() as outage:
        outage.down = True
        ...              # requests, worker turns, scheduler turns see the fault
        outage.down = False
"""

from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper


class DatabaseOutage:
    def __init__(self, *, down: bool = False, message: str = "could not connect to server: Connection refused"):
        self.down = down
        self.message = message
        self.refused = 0
        self._patch = None

    def __enter__(self) -> DatabaseOutage:
        original = BaseDatabaseWrapper.cursor
        outage = self

        def cursor(conn, *args, **kwargs):
            if outage.down:
                outage.refused += 1
                raise OperationalError(outage.message)
            return original(conn, *args, **kwargs)

        self._patch = mock.patch.object(BaseDatabaseWrapper, "cursor", cursor)
        self._patch.start()
        return self

    def __exit__(self, *exc) -> None:
        self._patch.stop()
