"""Business numbers (ADR 0009): prefix, organisation, day, per-organisation sequence; taken in the
creating transaction; no duplicate and no error under 50 concurrent creators."""

from __future__ import annotations

import datetime
import threading
from types import SimpleNamespace

import pytest
from django.db import connection, connections, transaction

from aftersales.core import numbering

STORE = SimpleNamespace(pk=7, code="D1001")
OTHER = SimpleNamespace(pk=8, code="D2001")
DAY = datetime.date(2026, 12, 2)


@pytest.mark.django_db
def test_numbers_count_per_organisation_and_day():
    with transaction.atomic():
        assert numbering.next_number(prefix="W", organisation=STORE, on=DAY) == "W-D1001-20261202-0001"
        assert numbering.next_number(prefix="W", organisation=STORE, on=DAY) == "W-D1001-20261202-0002"
        assert numbering.next_number(prefix="W", organisation=OTHER, on=DAY) == "W-D2001-20261202-0001"
        assert numbering.next_number(prefix="R", organisation=STORE, on=DAY) == "R-D1001-20261202-0001"
        next_day = DAY + datetime.timedelta(days=1)
        assert numbering.next_number(prefix="W", organisation=STORE, on=next_day) == "W-D1001-20261203-0001"
        assert numbering.next_number(prefix="S", organisation=None, on=DAY) == "S-20261202-0001"


@pytest.mark.django_db
def test_a_block_of_numbers_is_consecutive():
    with transaction.atomic():
        assert numbering.reserve(prefix="C", organisation_id=7, period="20261202", count=500) == 1
        assert numbering.reserve(prefix="C", organisation_id=7, period="20261202", count=1) == 501


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_creation_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        numbering.next_number(prefix="W", organisation=STORE, on=DAY)
        raise RuntimeError("the creation failed after taking a number")
    with transaction.atomic():
        assert numbering.next_number(prefix="W", organisation=STORE, on=DAY).endswith("-0001")


@pytest.mark.django_db(transaction=True)
def test_a_number_outside_a_transaction_is_refused():
    with pytest.raises(transaction.TransactionManagementError):
        numbering.next_number(prefix="W", organisation=STORE, on=DAY)


def _file_or_server_database() -> bool:
    return connection.vendor == "postgresql" or (connection.vendor == "sqlite"
                                                 and not connection.is_in_memory_db())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_creators_get_fifty_different_numbers_without_error():
    """On PostgreSQL (and SQLite with a file database, AFTERSALES_TEST_DB_FILE=1): 50 threads, each
    in its own connection and transaction, start together on the same series."""
    if not _file_or_server_database():
        pytest.skip("needs PostgreSQL or a file SQLite database: threads cannot share an in-memory one")
    creators = 50
    start = threading.Barrier(creators)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def create():
        try:
            start.wait()
            with transaction.atomic():
                numbers.append(numbering.next_number(prefix="W", organisation=STORE, on=DAY))
        except BaseException as exc:  # noqa: BLE001 - every failure is the finding
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(creators)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"W-D1001-20261202-{i:04d}" for i in range(1, creators + 1)]
