"""Issue 8 item 2 in a real browser: as agent, the 360 page reads as a service history and the
change log is one tab away (ADR 0015)."""

from datetime import date

import pytest

from aftersales.customers import services

from .test_customers import archive, log_in  # noqa: F401  (fixture and helper shared with the archive tests)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_reads_the_customer_story_and_opens_the_change_log(live_server, page, archive, tmp_path):  # noqa: F811
    world, mine, _ = archive
    vehicle = mine.vehicles.get()
    services.record_mileage(actor=world.user("admin"), vehicle=vehicle, reading_km=12300, read_on=date(2025, 9, 1))
    base = live_server.url
    log_in(page, base, "agent")
    page.goto(f"{base}/customers/customers/{mine.pk}/")
    story = page.inner_text("[data-testid=timeline]")
    page.screenshot(path=str(tmp_path / "story.png"), full_page=True)
    assert "登记了车辆 京AD12345（小蚂蚁）" in story
    assert "里程更新为 12,300 km（京AD12345）" in story
    assert "建立了客户档案" in story
    for raw in ("customers.", "phones", "+86", "13812345678", "['"):
        assert raw not in story
    page.click("[data-testid=tab-changes]")
    page.wait_for_selector("[data-testid=change-history]")
    log = page.inner_text("[data-testid=timeline]")  # every event with its fields, old → new
    page.screenshot(path=str(tmp_path / "changes.png"), full_page=True)
    assert "电话" in log and "138****5678" in log and "13812345678" not in log and "phones" not in log
