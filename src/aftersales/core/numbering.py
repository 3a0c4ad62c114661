"""Business numbers (ADR 0009): a prefix, the organisation, the date and a per-organisation,
per-day sequence — ``C-D1001-20261202-0001`` for the first customer store D1001 created that day.
Ticket, repair-order, claim, complaint and shipment numbers use the same service with their own
prefix.

A number is taken inside the creating transaction, never as a placeholder fixed up afterwards.
It comes from one statement on both engines::

    INSERT INTO core_numbersequence (…) VALUES (…, n)
    ON CONFLICT (prefix, organisation_id, period) DO UPDATE SET last_value = last_value + n
    RETURNING last_value

On PostgreSQL a concurrent creator of the same series waits on the row lock until the first
transaction ends, then continues from its value (no duplicate, no serialisation error); a
rollback gives the numbers back, so a series has no gaps from failed creations. On SQLite the
settings' IMMEDIATE transactions already serialise writers. The lock is held until the creating
transaction commits, so take the number late in it.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from .models import NumberSequence

WIDTH = 4  # digits of the sequence; the 10,000th number of a day simply has five


def period_of(on: datetime.date | None = None) -> str:
    """The day in Asia/Shanghai, as ``YYYYMMDD``."""
    return (on or timezone.localdate()).strftime("%Y%m%d")


def format_number(prefix: str, organisation_code: str, period: str, value: int) -> str:
    parts = [prefix, organisation_code, period, f"{value:0{WIDTH}d}"]
    return "-".join(p for p in parts if p)


def reserve(*, prefix: str, organisation_id: int | None, period: str, count: int = 1) -> int:
    """Take ``count`` consecutive numbers of the series; returns the first. Must run inside the
    caller's transaction (the numbers are the caller's only if it commits)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("reserve() must run inside the creating transaction")
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (prefix, organisation_id, period, last_value, updated_at) "  # noqa: S608
            f"VALUES (%s, %s, %s, %s, %s) "
            f"ON CONFLICT (prefix, organisation_id, period) "
            f"DO UPDATE SET last_value = {table}.last_value + excluded.last_value, updated_at = excluded.updated_at "
            f"RETURNING last_value",
            [prefix, organisation_id or 0, period, count, now])
        last = int(cur.fetchone()[0])
    return last - count + 1


def next_number(*, prefix: str, organisation=None, on: datetime.date | None = None) -> str:
    """One new number for ``organisation`` (an object with ``pk`` and ``code``, or None)."""
    period = period_of(on)
    value = reserve(prefix=prefix, organisation_id=getattr(organisation, "pk", None), period=period)
    return format_number(prefix, getattr(organisation, "code", "") or "", period, value)
