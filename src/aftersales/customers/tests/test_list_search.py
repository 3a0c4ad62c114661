"""The list pages' search box answers like the lookup box (issue 8 item 7, R-CUS-5): the customer
list finds a customer by a plate of one of their cars or a phone tail, the vehicle list finds cars
by their owner's phone tail, and neither shows anything outside the user's scope."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def world(make_customer, make_vehicle, make_user, dealer_a, dealer_b):
    zhang = make_customer(dealer_a, name="张伟", phone="13812345678")
    li = make_customer(dealer_a, name="李娜", phone="13900001111")
    other = make_customer(dealer_b, name="王五", phone="13712345678")
    make_vehicle(zhang, plate="京A12345")
    make_vehicle(li, plate="京B67890")
    make_vehicle(other, plate="京A12346")
    return {"zhang": zhang, "li": li, "other": other, "advisor": make_user("advisor", dealer_a)}


def _codes(client, url, q):
    html = client.get(url, {"q": q}, **ZH).content.decode()
    return html


@pytest.mark.parametrize("q", ["京A12345", "A12345", "5678", "13812345678", "张伟", "zw"])
def test_customer_list_finds_by_plate_phone_tail_name_and_initials(world, client, q):
    client.force_login(world["advisor"])
    html = _codes(client, reverse("customers:customer_list"), q)
    assert world["zhang"].code in html
    assert world["li"].code not in html
    assert world["other"].code not in html  # 王五 of the other store also ends in 5678


def test_vehicle_list_finds_cars_by_the_owners_phone_tail(world, client):
    client.force_login(world["advisor"])
    html = _codes(client, reverse("customers:vehicle_list"), "1111")
    assert "京B67890" in html
    assert "京A12345" not in html and "京A12346" not in html


def test_a_search_the_index_cannot_answer_finds_nothing_rather_than_everything(world, client):
    client.force_login(world["advisor"])
    html = _codes(client, reverse("customers:vehicle_list"), "!!")
    assert "京A12345" not in html and "京B67890" not in html


def test_region_filter_offers_a_store_only_its_own_regions(world, make_user, hq, region, client):
    from aftersales.org.choices import RegionKind
    from aftersales.org.models import Region

    shanghai = Region.objects.create(code="T-SH", name="上海市", kind=RegionKind.CITY, parent=region.parent)
    client.force_login(world["advisor"])
    html = client.get(reverse("customers:customer_list"), **ZH).content.decode()
    assert f'<option value="{region.pk}"' in html
    assert f'<option value="{shanghai.pk}"' not in html
    client.force_login(make_user("manager", hq))
    html = client.get(reverse("customers:customer_list"), **ZH).content.decode()
    assert f'<option value="{region.pk}"' in html and f'<option value="{shanghai.pk}"' in html


@pytest.mark.parametrize("url_name", ["customers:customer_list", "customers:vehicle_list"])
def test_list_pages_never_count_the_whole_table(world, client, url_name):
    """Every COUNT a list page runs is bounded (LIMIT): an unbounded COUNT(*) of a million
    customers cost 190 ms per page view (issue 8 item 7).  The page still says its total."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["advisor"])
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse(url_name), **ZH).content.decode()
    table = {"customers:customer_list": "customers_customer", "customers:vehicle_list": "customers_vehicle"}[url_name]
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and f'"{table}"' in q["sql"]]
    assert counts, "the page counts its rows"
    assert all("LIMIT" in sql.upper() for sql in counts), counts
    assert "共 2 条" in html
