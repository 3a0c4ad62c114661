"""Sessions and tokens (issue 7 item 11): API tokens expire, a password change and their owner
revoke them, and one address trying many usernames is throttled."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from aftersales.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Test-123"
LIST = "/api/customers/customers/"


def obtain(client, username="agent", password=PASSWORD):
    return client.post("/api/auth/token/", {"username": username, "password": password},
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")


def api(key):
    return Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="zh-hans")


class TestTokenExpiry:
    def test_a_token_older_than_the_lifetime_is_refused_with_a_clear_message(self, world, client, settings):
        settings.AFTERSALES_API_TOKEN_DAYS = 30
        key = obtain(client).json()["token"]
        assert api(key).get(LIST).status_code == 200
        Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(days=30, minutes=1))
        response = api(key).get(LIST)
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "token_expired" and "过期" in body["detail"]

    def test_asking_again_after_expiry_gives_a_new_working_key(self, world, client):
        old = obtain(client).json()["token"]
        assert obtain(client).json()["token"] == old  # still valid: same key
        Token.objects.filter(key=old).update(created=timezone.now() - dt.timedelta(days=31))
        new = obtain(client).json()["token"]
        assert new != old
        assert api(new).get(LIST).status_code == 200 and api(old).get(LIST).status_code == 401


class TestTokenRevocation:
    def test_a_password_change_revokes_the_token(self, world, client):
        key = obtain(client).json()["token"]
        user = world.user("agent")
        user.set_password("new-Pass-456")
        user.save()
        assert api(key).get(LIST).status_code == 401
        assert AuditEvent.objects.filter(action="auth.token.revoked", actor=user).exists()

    def test_saving_the_user_without_a_new_password_keeps_the_token(self, world, client):
        key = obtain(client).json()["token"]
        user = world.user("agent")
        user.first_name = "改名"
        user.save()
        assert api(key).get(LIST).status_code == 200

    def test_the_owner_revokes_through_the_api(self, world, client):
        key = obtain(client).json()["token"]
        assert api(key).delete("/api/auth/token/").status_code == 204
        assert api(key).get(LIST).status_code == 401
        assert Client().delete("/api/auth/token/").status_code in (401, 403)  # nobody signed in

    def test_the_owner_revokes_on_the_page(self, world, client):
        key = obtain(client).json()["token"]
        client.force_login(world.user("agent"))
        page = client.get("/account/api-token/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "撤销" in page and "有效期至" in page
        response = client.post("/account/api-token/", HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
        assert "已撤销" in response.content.decode()
        assert not Token.objects.filter(key=key).exists()
        assert api(key).get(LIST).status_code == 401
        assert "您还没有 API 令牌" in client.get("/account/api-token/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


class TestAddressThrottle:
    def login(self, username, password="wrong", address="10.0.0.1"):
        return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password},
                                                HTTP_ACCEPT_LANGUAGE="zh-hans")

    def test_one_address_trying_many_usernames_is_refused_other_addresses_are_not(self, world, settings):
        settings.AFTERSALES_LOGIN_ADDRESS_USERNAME_LIMIT = 5
        for n in range(5):
            assert self.login(f"nobody{n}").status_code == 200  # a wrong-password page, not yet a lock
        refused = self.login("dealer", PASSWORD)  # right password, but from the spraying address
        assert refused.status_code == 429
        assert "不同用户名" in refused.content.decode()
        assert self.login("dealer", PASSWORD, address="10.0.0.2").status_code == 302
        # The token API shares the limit.
        token = Client(REMOTE_ADDR="10.0.0.1").post("/api/auth/token/", {"username": "agent", "password": PASSWORD},
                                                    content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert token.status_code == 429 and token.json()["code"] == "locked_out"

    def test_a_store_of_colleagues_mistyping_stays_below_the_limit(self, world, settings):
        settings.AFTERSALES_LOGIN_ADDRESS_USERNAME_LIMIT = 5
        for name in ("agent", "advisor", "technician"):
            assert self.login(name).status_code == 200
        assert self.login("dealer", PASSWORD).status_code == 302
