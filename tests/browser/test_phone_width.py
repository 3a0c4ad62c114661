"""Phone width, 390 px (issue 8 item 5): no page scrolls sideways, lists are cards, and the quick
lookup is one tap from the header. Field engineers, technicians and warehouse pickers work on phones."""

import pytest

from aftersales.org.testing import build_world

from .test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Every page of every demo login at 390 px: tests/browser/test_every_page_chinese.py (one walk reads the
# words at 1366 px and the width at 390 px).


def test_a_list_is_cards_and_the_lookup_is_one_tap_away(live_server, phone_page):
    from aftersales.customers import services

    world = build_world()
    for i, name in enumerate(["张伟", "王芳", "李娜"]):
        services.customer_create(actor=world.user("admin"), data={"name": name, "owning_dealer": world.dealer_a},
                                 phones=[f"1381234567{i}"])
    page = phone_page
    log_in(page, live_server.url, "advisor")
    page.wait_for_selector("[data-testid=work-items]")
    page.click("[data-testid=lookup-tap]")
    page.wait_for_url("**/customers/lookup/**")
    assert page.evaluate("document.activeElement && document.activeElement.name") == "q"

    page.goto(f"{live_server.url}/customers/customers/")
    first = page.locator("tbody tr").first
    box = first.bounding_box()
    assert box["width"] > 300  # a card across the screen, not a column one character wide
    cell = first.locator("td[data-label]").first
    label = page.evaluate("el => getComputedStyle(el, '::before').content", cell.element_handle())
    assert label.strip('"') == cell.get_attribute("data-label") != ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.screenshot(path="test-results/phone-customer-list.png", full_page=True)
