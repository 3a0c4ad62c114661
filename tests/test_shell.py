"""The shell as a newcomer meets it: branded error pages, favicon, API docs under CSP, the demo's
truthful data and progress (issue 8 items 11 and 12; R-SYS-1, R-SYS-5)."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import path
from django.utils import timezone

from aftersales.core.progress import ProgressBar

README = Path(__file__).resolve().parent.parent / "README.md"


def boom(request):
    raise RuntimeError("kaputt")


urlpatterns = [path("boom/", boom)]


@pytest.mark.django_db
def test_missing_page_is_a_branded_chinese_404_saying_not_found_or_not_allowed(client, world):
    """R-SYS-1: a wrong address reads 不存在或无权查看 in Chinese, never Django's English page."""
    client.force_login(world.user("agent"))
    response = client.get("/customers/999999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "不存在或无权查看" in html
    assert "Not Found" not in html and "Page not found" not in html
    assert 'data-testid="error-page"' in html


@pytest.mark.django_db
def test_page_without_permission_is_a_branded_chinese_403(client, world):
    """R-SYS-2: a technician opening the background-jobs page is told, in Chinese, it is not for them."""
    client.force_login(world.user("technician"))
    response = client.get("/system/jobs/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "没有权限" in html and "403 Forbidden" not in html


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_server_error_is_a_branded_chinese_500(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "出错" in html and "Server Error" not in html


@pytest.mark.django_db
def test_expired_form_is_a_chinese_page_not_django_csrf_text(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "agent", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "表单已过期" in html and "CSRF verification failed" not in html


@pytest.mark.django_db
def test_favicon_is_our_own_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert body.lstrip().startswith(b"<svg") and b"#0b3d62" in body


@pytest.mark.django_db
def test_api_docs_page_has_no_inline_script_or_style(client, world):
    """R-SYS-5: the Swagger page must not need 'unsafe-inline' (the policy left it blank)."""
    client.force_login(world.user("admin"))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 3
    assert all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    init = client.get("/api/docs/?script=")
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in init.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role, sees", [("admin", True), ("agent", False), ("dealer", False), ("technician", False),
                                        ("manager", False)])
def test_only_administrators_see_the_api_docs_menu_item(client, world, role, sees):
    """R-SYS-5: the API is for integrations; store and call-centre users are not shown it."""
    client.force_login(world.user(role))
    html = client.get("/").content.decode()
    assert ('data-nav="api-docs"' in html) is sees


def test_progress_bar_into_a_file_writes_a_line_per_tenth_with_counts():
    out = io.StringIO()
    bar = ProgressBar(out, 20, "客户档案", unit="家经销商")
    for n in range(1, 21):
        bar.advance(note=f"{n * 40} 位客户")
    bar.finish()
    lines = out.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[0] == "客户档案 [##----------------------]  2/20 家经销商 · 80 位客户"
    assert lines[-1] == "客户档案 [########################] 20/20 家经销商 · 800 位客户"


def test_progress_bar_on_a_terminal_redraws_one_line():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    out = Tty()
    bar = ProgressBar(out, 4, "seed")
    for _ in range(4):
        bar.advance()
    bar.finish("done")
    text = out.getvalue()
    assert text.count("\r") == 5 and text.count("\n") == 1
    assert text.rstrip("\n").rsplit("\r", 1)[-1].startswith("seed [########################] 4/4 · done")


def test_demo_children_run_with_debug_off_and_accept_lan_hosts(monkeypatch):
    from aftersales.core.management.commands.demo import Command

    monkeypatch.delenv("AFTERSALES_DEBUG", raising=False)
    monkeypatch.delenv("AFTERSALES_ALLOWED_HOSTS", raising=False)
    assert Command.child_env("127.0.0.1:8000")["AFTERSALES_DEBUG"] == "0"
    assert "AFTERSALES_ALLOWED_HOSTS" not in Command.child_env("127.0.0.1:8000")
    assert Command.child_env("0.0.0.0:8000")["AFTERSALES_ALLOWED_HOSTS"] == "*"
    monkeypatch.setenv("AFTERSALES_DEBUG", "1")
    assert Command.child_env("127.0.0.1:8000")["AFTERSALES_DEBUG"] == "1"


def readme_roles() -> dict[str, str]:
    """username → 中文 role column of the README's demo-login table."""
    rows = {}
    section = README.read_text(encoding="utf-8").split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        m = re.match(r"\| `(\w+)` \| [^|]+ \| ([^|]+) \|", line)
        if m:
            rows[m.group(1)] = m.group(2).strip()
    return rows


@pytest.fixture
def demo_seed(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    from aftersales.core.registry import seed_steps

    out = io.StringIO()
    for step in seed_steps():
        step.run(scale=0.05, stdout=out)
    return out.getvalue()


def test_demo_prints_the_role_names_the_readme_lists(demo_seed):
    from aftersales.core.management.commands.demo import DEMO_LOGINS, demo_logins

    printed = {name: role for name, role, _person, _org in demo_logins()}
    assert sorted(printed) == sorted(DEMO_LOGINS)
    assert printed == readme_roles()


def test_demo_seed_prints_progress_with_counts(demo_seed):
    assert re.search(r"客户档案 \[#+\] 20/20 家经销商 · \d+ 位客户，\d+ 辆车", demo_seed)


def test_demo_documents_agree_in_type_title_amount_and_dates(demo_seed):
    """Issue 8.11: a 首保 receipt is free and comes months after the sale; an invoice is dated the sale."""
    from aftersales.customers.choices import DocumentKind
    from aftersales.customers.models import CustomerDocument

    kinds = {"购车发票": DocumentKind.INVOICE, "保修手册登记页": DocumentKind.WARRANTY_CARD,
             "首保结算单": DocumentKind.SERVICE_RECEIPT, "定保结算单": DocumentKind.SERVICE_RECEIPT,
             "满意度调查表": DocumentKind.SURVEY_FORM}
    docs = list(CustomerDocument.objects.select_related("vehicle"))
    assert len(docs) > 10
    today = timezone.localdate()
    for doc in docs:
        sold = doc.vehicle.sale_date
        assert doc.kind == kinds[doc.title], doc.title
        assert sold <= doc.document_date <= today
        assert doc.document_date <= doc.received_on <= today
        if doc.title == "购车发票":
            assert doc.document_date == sold and doc.amount >= Decimal("50000")
        elif doc.title == "首保结算单":
            assert doc.amount == 0 and doc.document_date >= sold + timedelta(days=30)
        elif doc.title == "定保结算单":
            assert Decimal("100") <= doc.amount <= Decimal("5000")
        else:
            assert doc.amount is None


def test_demo_notices_and_messages_name_only_what_the_demo_has(demo_seed):
    from aftersales.notifications.models import Notification, OutboxMessage
    from aftersales.org.models import Organisation

    titles = set(Notification.objects.values_list("title", flat=True))
    assert titles and not any("投诉" in t or "工单" in t for t in titles)
    stores = set(Organisation.objects.values_list("short_name", flat=True))
    bodies = list(OutboxMessage.objects.filter(template__isnull=False).values_list("body", flat=True))
    assert bodies
    for text in bodies:
        assert "北京朝阳4S店" not in text
        assert [s for s in stores if s in text] == ["朝阳汇通4S店"], text
