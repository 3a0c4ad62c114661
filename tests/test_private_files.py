"""Nothing under media is public (ADR 0010, R-SYS-2): no URL serves MEDIA_ROOT, and every file view
checks who asks, logs the access and sends headers under which the browser runs nothing."""

from __future__ import annotations

import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve

from aftersales import urls as root_urls
from aftersales.core.imports import services
from aftersales.core.imports.models import ImportJob
from aftersales.core.models import PersonalDataAccess

pytestmark = pytest.mark.django_db

CSV = ("客户编号,客户类型,姓名,手机,所属经销商代码\n"
       ",个人,张伟,13812345678,P-D1\n"
       ",个人,,13912345678,P-D1\n").encode()


@pytest.fixture
def admin(django_user_model, db):
    from aftersales.org.models import Organisation, Region

    region = Region.objects.create(code="P-C", name="北京市", kind="city")
    Organisation.objects.create(code="P-D1", name="店", kind="dealer", region=region)
    return django_user_model.objects.create_superuser("file-admin", "a@example.com", "pw")


@pytest.fixture
def checked_job(client, admin):
    client.force_login(admin)
    client.post("/imports/new/", {"kind": "customers", "file": SimpleUploadedFile("c.csv", CSV)})
    return services.run_validation(ImportJob.objects.get().pk)


def test_no_url_serves_media_even_with_debug_on(settings):
    settings.DEBUG = True
    try:
        debug_urls = importlib.reload(root_urls)
        for url in ("/media/exports/job-3.xlsx", "/media/imports/job-1/errors.csv",
                    "/media/customers/documents/scan.pdf"):
            with pytest.raises(Resolver404):
                resolve(url, urlconf=debug_urls)
    finally:
        settings.DEBUG = False
        importlib.reload(root_urls)


def test_media_url_is_404_for_a_signed_in_manager(client, admin, checked_job):
    assert client.get(f"/media/{checked_job.error_report.name}").status_code == 404


def test_error_report_is_a_logged_download_that_cannot_run_script(client, admin, checked_job):
    resp = client.get(f"/imports/{checked_job.pk}/errors/")
    assert resp.status_code == 200
    assert resp["Content-Disposition"].startswith("attachment;")
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in resp["Content-Security-Policy"] and "default-src 'none'" in resp["Content-Security-Policy"]
    assert "行号" in b"".join(resp.streaming_content).decode("utf-8-sig")
    log = PersonalDataAccess.objects.get(object_id=checked_job.pk)
    assert log.actor == admin and log.action == "view"


def test_another_users_error_report_is_404_and_not_logged(client, admin, checked_job, django_user_model):
    other = django_user_model.objects.create_user("nosy", password="pw")
    client.force_login(other)
    assert client.get(f"/imports/{checked_job.pk}/errors/").status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_x_accel_redirect_hands_the_body_to_nginx(client, admin, checked_job, settings):
    settings.AFTERSALES_X_ACCEL_REDIRECT = "/protected-media/"
    resp = client.get(f"/imports/{checked_job.pk}/errors/")
    assert resp["X-Accel-Redirect"] == f"/protected-media/{checked_job.error_report.name}"
    assert resp.content == b""
    assert resp["X-Content-Type-Options"] == "nosniff"
