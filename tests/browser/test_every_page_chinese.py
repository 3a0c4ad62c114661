"""Every page a user opens reads in Chinese (issue 8 item 1, R-SYS-4).

The walk opens, as the administrator (who may open every page), every page route of the URL conf
that takes no argument, and every scoped object's detail page with a row of dealer A made by the
scope harness's factories; it reads what a person sees (visible text, placeholders, the options of
every select) and fails on a Latin word outside ``ALLOWED``. A new page is walked without being
listed here; a route that cannot be walked is named in ``SKIPPED`` with the reason.
"""

from __future__ import annotations

import re

import pytest

from aftersales.core.testing.route_inventory import all_routes
from aftersales.core.testing.scope_harness import load_factories, scoped_endpoints
from aftersales.org.testing import build_world

from .test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words a 4S-store employee reads as they are: identifiers, file formats and units.
ALLOWED = {
    "VIN", "4S", "CSV", "PDF", "Excel", "xlsx", "xls", "API", "km", "kg", "ID", "MB", "KB", "GBK",
    "GIF", "JPG", "JPEG", "PNG", "WebP", "App",
    "English",  # the language switcher names each language in itself
    "TD",  # the unsubscribe keyword every Chinese SMS ends with (回复 TD 退订)
    "POST",  # the API token page tells programs how to get a token
    "zs",  # the lookup hint's example of pinyin initials (张三)
}
# Route prefixes that are not pages of the product: Django's own admin, the API and its
# documentation page (developers), language switching, the JavaScript catalogue, logout (a POST).
SKIPPED = ("admin/", "api/", "i18n/", "jsi18n/", "logout/", "healthz", "favicon.ico", "static/", "media/")
# A word on its own: not part of a code, an e-mail address, a path, a file name or a {variable}.
LATIN_WORD = re.compile(r"(?<![\w@.\-/{])[A-Za-z]{2,}(?![\w@\-/}]|\.\w)")
# Words of the harness's own test rows (the factories name what they make).
TEST_DATA = {"HARNESS", "harness"}


def page_urls() -> list[str]:
    """Argument-free page routes of the URL conf (the route inventory the scope harness uses)."""
    urls = []
    for route in all_routes():
        if route.key.startswith(SKIPPED) or "<" in route.key or "(?P" in route.key:
            continue
        if route.view_class is not None and not hasattr(route.view_class, "get"):
            continue  # an action that only accepts POST (its page is the one it belongs to)
        urls.append("/" + route.key)
    return sorted(set(urls))


def latin_words(text: str, usernames: set[str]) -> list[str]:
    """Each Latin word outside the allow-list, with the words around it so the finding is found."""
    found = {}
    for match in LATIN_WORD.finditer(text):
        word = match.group()
        if word not in ALLOWED | TEST_DATA and word not in usernames and word not in found:
            found[word] = " ".join(text[max(0, match.start() - 30):match.end() + 30].split())
    return [f"{word} «{context}»" for word, context in sorted(found.items())]


# Text marked as code (<code>, <kbd>: identifiers, file-format keywords) is read as it is.
READ_PAGE = """() => {
  const codes = [...document.querySelectorAll('code, kbd')];
  codes.forEach(el => { el.dataset.asDisplay = el.style.display; el.style.display = 'none'; });
  const parts = [document.body.innerText];
  codes.forEach(el => { el.style.display = el.dataset.asDisplay; });
  for (const el of document.querySelectorAll('[placeholder]')) parts.push(el.getAttribute('placeholder'));
  for (const el of document.querySelectorAll('option')) parts.push(el.textContent);
  for (const el of document.querySelectorAll('[title]')) parts.push(el.getAttribute('title'));
  parts.push(document.title);
  return parts.join('\\n');
}"""


def _one_run_of_every_job():
    from django_tasks_db.models import DBTaskResult

    from aftersales.core.registry import job_labels

    for i, path in enumerate(sorted(job_labels())):
        failed = i % 3 == 0
        DBTaskResult.objects.create(status="FAILED" if failed else "SUCCESSFUL", task_path=path,
                                    args_kwargs={"args": [], "kwargs": {}}, queue_name="default",
                                    backend_name="default", priority=0,
                                    exception_class_path="django.db.utils.OperationalError" if failed else "")


def test_every_page_speaks_chinese(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # factories attach files
    world = build_world()
    urls, factories = page_urls(), load_factories()
    for ep in scoped_endpoints():
        if ep.kind == "page" and ep.model in factories:
            urls.append(ep.route.format(pk=factories[ep.model](world.dealer_a).pk))
    _one_run_of_every_job()
    # Pages whose rows come from the walk itself (views of personal data) are read again at the end.
    urls += ["/system/access-log/"]
    usernames = set(world.users)
    log_in(page, live_server.url, "admin")
    page.wait_for_selector("[data-testid=work-items]")
    findings, walked = [], 0
    for url in urls:
        response = page.goto(live_server.url + url)
        if response is None or response.status >= 400:
            findings.append(f"{url}: answered {response.status if response else 'nothing'}")
            continue
        walked += 1
        words = latin_words(page.evaluate(READ_PAGE), usernames)
        if words:
            findings.append(f"{url}: {'; '.join(words)}")
    # Each role's home page has its own work items.
    for role in ("agent", "dealer", "engineer", "parts", "quality"):
        page.context.clear_cookies()
        log_in(page, live_server.url, role)
        page.wait_for_selector("[data-testid=work-items]")
        words = latin_words(page.evaluate(READ_PAGE), usernames)
        if words:
            findings.append(f"/ as {role}: {'; '.join(words)}")
    assert walked > 30, f"only {walked} pages walked"
    assert findings == [], "\n".join(findings)
