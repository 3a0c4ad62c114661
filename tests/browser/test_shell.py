"""The shell in a real browser: Chinese first, English on request, scope 404s (issue #2)."""

import pytest

from aftersales.org.testing import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Test-123")
    page.click("button[type=submit]")


def test_agent_logs_in_sees_chinese_home_and_switches_to_english(live_server, page):
    build_world()
    page.goto(f"{live_server.url}/login/")
    assert "登录" in page.content()
    log_in(page, live_server.url, "agent")
    page.wait_for_selector("[data-testid=work-items]")
    assert "我的工作" in page.inner_text("main")
    page.screenshot(path="test-results/home-zh.png", full_page=True)
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert "My work" in page.inner_text("main")
    page.screenshot(path="test-results/home-en.png", full_page=True)


def test_dealer_gets_404_for_another_dealers_organisation(live_server, page):
    world = build_world()
    log_in(page, live_server.url, "dealer")
    page.wait_for_selector("[data-testid=work-items]")
    response = page.goto(f"{live_server.url}/org/organisations/{world.dealer_b.pk}/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/org/organisations/{world.dealer_a.pk}/")
    assert response.status == 200 and "北京甲4S店" in page.content()


def test_wrong_password_message_in_chinese(live_server, page):
    build_world()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "agent")
    page.fill("#id_password", "nope")
    page.click("button[type=submit]")
    assert page.locator("[data-testid=login-error]").is_visible()
    assert "密码" in page.inner_text("[data-testid=login-error]")


def test_pages_work_on_a_phone(live_server, phone_page):
    build_world()
    log_in(phone_page, live_server.url, "engineer")
    phone_page.wait_for_selector("[data-testid=work-items]")
    # The sidebar is folded away on a narrow screen and opens from the menu button.
    assert not phone_page.locator(".as-sidebar").is_visible()
    phone_page.click("[data-as-toggle-sidebar]")
    assert phone_page.locator(".as-sidebar").is_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
