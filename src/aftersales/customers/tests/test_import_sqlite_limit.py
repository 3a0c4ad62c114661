"""On SQLite an import above AFTERSALES_SQLITE_IMPORT_MAX_ROWS is refused with a clear message
(its one write lock would lock logins out for the whole apply; issue 7 item 7, ADR 0013)."""

import io

import pytest
from django.db import connection

from aftersales.core.exceptions import ServiceError
from aftersales.core.imports import services
from aftersales.core.imports.models import ImportJob
from aftersales.customers.models import Customer

pytestmark = pytest.mark.django_db

HEADER = "客户编号,客户类型,姓名,手机,其他电话,省,市,区,详细地址,负责人,所属经销商代码,来源,标签,备注\n"
ROWS = "".join(f",个人,客户{n},1381234{n:04d},,,,,,,T-DA,,,\n" for n in range(5))


def _validated(user):
    job = services.import_start(actor=user, kind="customers", file=io.BytesIO((HEADER + ROWS).encode()),
                                filename="customers.csv", enqueue=False)
    return services.run_validation(job.pk)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the limit is SQLite's")
def test_an_import_above_the_sqlite_limit_is_refused_and_nothing_changes(admin_user, dealer_a, settings):
    settings.AFTERSALES_SQLITE_IMPORT_MAX_ROWS = 4
    job = _validated(admin_user)
    assert job.valid_rows == 5
    with pytest.raises(ServiceError) as refused:
        services.import_apply(actor=admin_user, job=job, mode="all", enqueue=False)
    assert refused.value.code == "too_large_for_sqlite" and refused.value.status == 400
    message = str(refused.value.message)
    assert "PostgreSQL" in message and "4" in message and "拆分" in message
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED and not Customer.objects.exists()


def test_at_the_limit_or_without_one_the_import_runs(admin_user, dealer_a, settings):
    settings.AFTERSALES_SQLITE_IMPORT_MAX_ROWS = 5
    job = _validated(admin_user)
    services.import_apply(actor=admin_user, job=job, mode="all", enqueue=False)
    assert services.run_apply(job.pk).status == ImportJob.Status.DONE
    assert Customer.objects.count() == 5
