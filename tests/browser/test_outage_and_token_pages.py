"""The 503 page while the database is down, and the API-token page, in a real browser
(issue 7 items 7 and 11)."""

import pytest
from rest_framework.authtoken.models import Token

from aftersales.core.testing.faults import DatabaseOutage
from aftersales.org.testing import TEST_PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=work-items]")


def test_a_signed_in_user_gets_the_branded_503_page_and_then_carries_on(live_server, page):
    build_world()
    log_in(page, live_server.url, "agent")
    with DatabaseOutage(down=True):
        response = page.goto(f"{live_server.url}/")
        assert response.status == 503 and response.headers["retry-after"] == "30"
        text = page.inner_text("[data-testid=error-page]")
        assert "服务暂时无法使用" in text and "之前保存的内容都完好无损" in text
        page.screenshot(path="test-results/503.png")
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("[data-testid=work-items]")


def test_the_owner_revokes_the_api_token_on_the_page(live_server, page):
    world = build_world()
    Token.objects.create(user=world.user("agent"))
    log_in(page, live_server.url, "agent")
    page.click("[data-testid=api-token-link]")
    assert "有效期至" in page.inner_text("[data-testid=api-token]")
    page.click("[data-testid=revoke-token]")
    page.wait_for_selector("text=已撤销")
    page.screenshot(path="test-results/api-token-revoked.png")
    assert not Token.objects.filter(user=world.user("agent")).exists()
    assert "您还没有 API 令牌" in page.inner_text("[data-testid=api-token]")
