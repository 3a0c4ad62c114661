"""The customer and vehicle lists as a store's advisor reads them after the rendering speed-up
(issue 8 item 7, ``core.tables``): times in Beijing time, dates as 2025-01-10, every cell labelled
with its column for the phone layout, sorting links and the empty state unchanged."""

import datetime
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>(.*?)</tr>", re.search(r"<tbody.*?</tbody>", html, re.S).group(0), re.S)


def test_customer_list_shows_the_first_visit_in_beijing_time_and_labels_each_cell(
        make_customer, make_user, dealer_a, client):
    # 16:30 UTC on 1 March is 00:30 on 2 March in Beijing
    zhang = make_customer(dealer_a, name="张伟",
                          first_visit_at=datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC))
    client.force_login(make_user("advisor", dealer_a))
    html = client.get(reverse("customers:customer_list"), **ZH).content.decode()
    (row,) = _rows(html)
    assert '<td data-label="首次到店">2026-03-02 00:30</td>' in row
    assert f'<td data-label="客户编号"><a href="{zhang.get_absolute_url()}">{zhang.code}</a></td>' in row
    labels = re.findall(r'<td[^>]* data-label="([^"]+)"', row)
    headers = re.findall(r"<th[^>]*>\s*(?:<a [^>]*>)?([^<]+?)\s*(?:</a>)?\s*</th>", html)
    assert labels == headers and len(labels) == 9
    assert 'href="?sort=code"' in html  # sortable columns still link


def test_vehicle_list_shows_the_sale_date(make_customer, make_vehicle, make_user, dealer_a, client):
    make_vehicle(make_customer(dealer_a), plate="京A12345", sale_date=datetime.date(2025, 1, 10))
    client.force_login(make_user("advisor", dealer_a))
    (row,) = _rows(client.get(reverse("customers:vehicle_list"), **ZH).content.decode())
    assert re.search(r'<td data-label="[^"]+">2025-01-10</td>', row)
    assert "京A12345" in row


def test_an_empty_list_still_says_what_to_do(make_user, dealer_a, client):
    client.force_login(make_user("advisor", dealer_a))
    html = client.get(reverse("customers:customer_list"), **ZH).content.decode()
    assert 'data-testid="empty-state"' in html
