"""A deep page of the customer list shows that page's rows (issue 8 item 7): past
``core.paging.DEFERRED_FROM`` rows the page reads its ids first, through django-tables2 too."""

import pytest

from aftersales.core import paging


@pytest.mark.django_db
def test_a_deep_list_page_shows_the_rows_of_that_page(client, monkeypatch):
    """Through a real list page (django-tables2): page 2 of the customer list by name, descending."""
    from aftersales.customers import services
    from aftersales.org.testing import build_world

    monkeypatch.setattr(paging, "DEFERRED_FROM", 2)
    world = build_world()
    for i in range(7):
        services.customer_create(actor=world.user("admin"), data={"name": f"客户{i}", "owning_dealer": world.dealer_a},
                                 phones=[f"1390000000{i}"])
    client.force_login(world.user("admin"))
    html = client.get("/customers/customers/", {"sort": "name", "per_page": "25", "page": "1"}).content.decode()
    assert all(f"客户{i}" in html for i in range(7))
    html = client.get("/customers/customers/", {"sort": "-name", "per_page": "2", "page": "2"}).content.decode()
    assert "客户4" in html and "客户3" in html and "客户5" not in html and "客户2" not in html
