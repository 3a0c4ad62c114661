"""The printable 客户档案 sheet (R-CUS-4) and the documents-by-month chart (R-CUS-6)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from aftersales.core import fonts
from aftersales.core.models import PersonalDataAccess

from .. import services

needs_pdftotext = pytest.mark.skipif(not (shutil.which("pdftotext") and fonts.find_cjk_font()),
                                     reason="needs poppler-utils and fonts-noto-cjk")


def _pdf_text(tmp_path, content: bytes) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@needs_pdftotext
def test_archive_sheet_prints_the_customer_masked_for_a_masking_role(
        tmp_path, client, make_customer, make_vehicle, make_user, dealer_a, hq, admin_user):
    customer = make_customer(dealer_a, name="王建华", phone="13812345678")
    vehicle = make_vehicle(customer, plate="京A12345")
    services.document_create(actor=admin_user, data={"customer": customer, "kind": "service_receipt",
                                                     "title": "首保结算单", "number": "RO-77"})
    agent = make_user("agent", hq)  # sees every dealer, personal data masked
    client.force_login(agent)
    response = client.get(reverse("customers:customer_archive_pdf", args=[customer.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(tmp_path, response.content)
    assert "王建华" in text and customer.code in text and "甲4S店" in text
    assert vehicle.vin in text and "京A12345" in text and "RO-77" in text and "首保结算单" in text
    assert "138****5678" in text and "13812345678" not in text
    assert not PersonalDataAccess.objects.filter(actor=agent).exists()  # nothing unmasked, nothing logged


@needs_pdftotext
def test_unmasked_print_is_logged_and_outside_the_scope_is_404(tmp_path, client, make_customer, make_user,
                                                                 dealer_a, dealer_b):
    customer = make_customer(dealer_a, phone="13812345678")
    advisor = make_user("advisor", dealer_a)
    client.force_login(advisor)
    response = client.get(reverse("customers:customer_archive_pdf", args=[customer.pk]))
    assert "13812345678" in _pdf_text(tmp_path, response.content)
    assert PersonalDataAccess.objects.filter(actor=advisor, customer_id=customer.pk, action="view").count() == 1
    client.force_login(make_user("advisor", dealer_b))
    assert client.get(reverse("customers:customer_archive_pdf", args=[customer.pk])).status_code == 404


def test_without_a_font_the_user_is_told_what_to_install(client, make_customer, dealer_a, admin_user,
                                                         settings, tmp_path):
    customer = make_customer(dealer_a)
    fonts._discover.cache_clear()
    settings.AFTERSALES_PDF_FONT = str(tmp_path / "nope.ttf")
    try:
        client.force_login(admin_user)
        response = client.get(reverse("customers:customer_archive_pdf", args=[customer.pk]), follow=True)
    finally:
        fonts._discover.cache_clear()
    assert response.redirect_chain[-1][0] == customer.get_absolute_url()
    assert "fonts-noto-cjk" in response.content.decode()


def test_documents_page_charts_counts_by_month_stacked_by_kind(client, make_customer, dealer_a, admin_user):
    customer = make_customer(dealer_a)
    for day, kind in ((date(2026, 3, 2), "service_receipt"), (date(2026, 3, 9), "service_receipt"),
                      (date(2026, 3, 9), "warranty_card"), (date(2026, 5, 1), "warranty_card")):
        services.document_create(actor=admin_user, data={"customer": customer, "kind": kind, "title": "回执",
                                                         "document_date": day})
    client.force_login(admin_user)
    html = client.get(reverse("customers:document_list")).content.decode()
    chart = re.search(r'data-testid="document-chart">(<svg.*?</svg>)', html, re.S)
    assert chart, "chart missing"
    svg = chart.group(1)
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert " style=" not in svg  # renders under the page's CSP
    assert {"2026-03", "2026-04", "2026-05"} <= set(labels)  # every month in the range, empty ones too
    assert " style=" not in svg  # renders under the page's CSP
    assert "售后服务回执" in labels or "After-sales service receipt" in labels


def test_chart_series_are_the_counts_per_month_and_kind():
    from ..views.documents import documents_by_month_chart

    rows = [{"month": date(2026, 5, 1), "kind": "warranty_card", "count": 1},
            {"month": date(2026, 3, 1), "kind": "service_receipt", "count": 2},
            {"month": date(2026, 3, 1), "kind": "warranty_card", "count": 1}]
    chart = documents_by_month_chart(rows, {"service_receipt": "回执", "warranty_card": "保修卡"})
    assert list(chart.categories) == ["2026-03", "2026-04", "2026-05"]
    assert dict(chart.series) == {"回执": [2, 0, 0], "保修卡": [1, 0, 1]}
    assert documents_by_month_chart([], {}) is None
