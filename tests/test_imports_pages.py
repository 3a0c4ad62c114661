"""Import pages: upload → dry-run report with per-row errors → nothing imported until told."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path

from aftersales import urls as root_urls
from aftersales.core.imports import services
from aftersales.core.imports.models import ImportJob

urlpatterns = [path("imports/", include("aftersales.core.imports.urls")), *root_urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

CSV = ("客户编号,客户类型,姓名,手机,所属经销商代码\n"
       ",个人,张伟,13812345678,P-D1\n"
       ",个人,,13912345678,P-D1\n"
       ",个人,李四,12345,P-D1\n").encode()


@pytest.fixture
def admin(django_user_model, db):
    from aftersales.org.models import Organisation, Region

    region = Region.objects.create(code="P-C", name="北京市", kind="city")
    Organisation.objects.create(code="P-D1", name="店", kind="dealer", region=region)
    return django_user_model.objects.create_superuser("imp-admin", "a@example.com", "pw")


def test_upload_check_report_then_apply_valid_only(client, admin, django_capture_on_commit_callbacks):
    from aftersales.customers.models import Customer

    client.force_login(admin)
    assert client.get("/imports/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        resp = client.post("/imports/new/", {"kind": "customers",
                                              "file": SimpleUploadedFile("c.csv", CSV, content_type="text/csv")})
    assert resp.status_code == 302
    job = ImportJob.objects.get()
    services.run_validation(job.pk)  # what the worker does
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-testid="import-errors"' in page and "姓名" in page
    assert "disabled" in page  # "import all" offered but disabled while rows have errors
    assert not Customer.objects.exists()
    resp = client.post(f"/imports/{job.pk}/apply/", {"mode": "all"})
    assert ImportJob.objects.get().status == ImportJob.Status.VALIDATED
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"/imports/{job.pk}/apply/", {"mode": "valid_only"})
    assert len(callbacks) == 1  # the apply task is enqueued after commit
    services.run_apply(job.pk)  # what the worker does
    assert ImportJob.objects.get().status == ImportJob.Status.DONE
    assert list(Customer.objects.values_list("name", flat=True)) == ["张伟"]
    assert client.get(f"/imports/{job.pk}/errors/").status_code == 200
    assert client.get("/imports/").status_code == 200


def test_htmx_progress_fragment_and_templates(client, admin):
    client.force_login(admin)
    job = ImportJob.objects.create(kind="customers", created_by=admin, status=ImportJob.Status.VALIDATING,
                                   total_rows=10, rows_processed=5)
    frag = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert frag.status_code == 200 and b"<progress" in frag.content and b"<html" not in frag.content
    assert b'hx-trigger="every 1s"' in frag.content
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATED)
    done = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    for fmt in ("xlsx", "csv"):
        resp = client.get(f"/imports/templates/customers.{fmt}")
        assert resp.status_code == 200
    assert client.get("/imports/templates/customers.csv").content.startswith(b"\xef\xbb\xbf")


def test_other_users_job_is_404(client, admin, django_user_model):
    job = ImportJob.objects.create(kind="customers", created_by=admin)
    other = django_user_model.objects.create_user("someone", password="pw")
    client.force_login(other)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
