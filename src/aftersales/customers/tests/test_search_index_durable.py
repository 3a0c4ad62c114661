"""A large import's search-index rebuild is durable work of the job, and ``repair_search_index``
re-checks and repairs the index (issue 7 item 7, ADR 0013, R-CUS-5, R-CUS-7)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from aftersales.core.imports import services
from aftersales.core.imports.models import ImportJob
from aftersales.customers.importers import search_index
from aftersales.customers.lookup import index as lookup
from aftersales.customers.models import Customer, SearchKey

pytestmark = pytest.mark.django_db

HEADER = "客户编号,客户类型,姓名,手机,其他电话,省,市,区,详细地址,负责人,所属经销商代码,来源,标签,备注\n"
ROWS = [
    ",个人,张伟,13812345678,,北京,北京市,朝阳区,建国路88号,,T-DA,购车,,\n",
    ",个人,王芳,15012345678,,,,,,,T-DA,,,\n",
    ",个人,刘洋,13612345678,,,,,,,T-DA,,,\n",
    ",个人,陈静,13512345678,,,,,,,T-DA,,,\n",
]


class KilledWorker(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing on the way catches it."""


@pytest.fixture
def large_import(admin_user, dealer_a, monkeypatch):
    """Four rows count as a "large" import: the index is rebuilt after commit, not keyed inline."""
    monkeypatch.setattr(search_index, "REINDEX_LIMIT", 2)
    job = services.import_start(actor=admin_user, kind="customers", file=io.BytesIO((HEADER + "".join(ROWS)).encode()),
                                filename="customers.csv", enqueue=False)
    job = services.run_validation(job.pk)
    services.import_apply(actor=admin_user, job=job, mode="all", enqueue=False)
    return job


def _keys_of(name: str) -> int:
    return SearchKey.objects.filter(customer_id=Customer.objects.get(name=name).pk).count()


def test_a_worker_killed_in_the_rebuild_leaves_a_job_that_is_retried_not_done(large_import, monkeypatch):
    real_rebuild = lookup.rebuild_search_index

    def killed(**kwargs):
        SearchKey.objects.all().delete()  # half-way: the old keys are gone, the new not written
        raise KilledWorker

    monkeypatch.setattr(lookup, "rebuild_search_index", killed)
    with pytest.raises(KilledWorker):
        services.run_apply(large_import.pk)
    job = ImportJob.objects.get(pk=large_import.pk)
    assert Customer.objects.count() == 4  # the rows committed …
    assert job.status == ImportJob.Status.APPLYING and job.phase == "finishing"  # … the job is not done

    # The worker is gone: the heartbeat goes stale, the periodic resume runs the job again,
    # which only finishes (no second import of the rows).
    monkeypatch.setattr(lookup, "rebuild_search_index", real_rebuild)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert services.resume_stale(enqueue=False) == [job.pk]
    job = services.run_apply(job.pk)
    assert job.status == ImportJob.Status.DONE, job.message
    assert Customer.objects.count() == 4
    assert _keys_of("张伟") > 0 and SearchKey.objects.filter(key="N张伟").exists()


def test_a_rebuild_that_fails_keeps_the_job_finishing(large_import, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(lookup, "rebuild_search_index", broken)
    job = services.run_apply(large_import.pk)
    assert job.status == ImportJob.Status.APPLYING and job.phase == "finishing"


def test_the_rebuild_runs_once_and_the_job_is_done(large_import):
    job = services.run_apply(large_import.pk)
    assert job.status == ImportJob.Status.DONE and job.phase == "done"
    assert all(_keys_of(n) > 0 for n in ("张伟", "王芳", "刘洋", "陈静"))


def test_repair_search_index_finds_and_repairs_missing_and_stale_keys(large_import, dealer_b, capsys):
    services.run_apply(large_import.pk)
    zw, wf = Customer.objects.get(name="张伟"), Customer.objects.get(name="王芳")
    SearchKey.objects.filter(customer_id=zw.pk).delete()            # lost keys
    Customer.objects.filter(pk=wf.pk).update(owning_dealer=dealer_b)  # moved, keys not updated
    SearchKey.objects.create(key="N幽灵", customer_id=999_999, organisation_id=dealer_b.pk)  # deleted record

    with pytest.raises(CommandError):
        call_command("repair_search_index", "--check")
    capsys.readouterr()

    call_command("repair_search_index")
    out = capsys.readouterr().out
    assert "无搜索键：1" in out
    assert _keys_of("张伟") > 0
    assert set(SearchKey.objects.filter(customer_id=wf.pk).values_list("organisation_id", flat=True)) == {dealer_b.pk}
    assert not SearchKey.objects.filter(customer_id=999_999).exists()
    call_command("repair_search_index", "--check")  # healthy now: no error
