"""Every page a user opens reads in Chinese (issue 8 item 1, R-SYS-4).

The walk opens, as every demo login, every page route of the URL conf
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


#: Every demo login (``aftersales demo`` prints these; ``dealer_b`` is the demo's ``dealer2``).
ROLES = ("admin", "manager", "agent", "advisor", "technician", "engineer", "parts", "quality", "dealer", "dealer_b")
#: The least a role must be able to open, so a walk that silently lost its pages fails.
AT_LEAST = {"admin": 55, "manager": 30, "agent": 35, "advisor": 30, "technician": 12, "engineer": 18, "parts": 14,
            "quality": 15, "dealer": 30, "dealer_b": 20}
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_chinese_and_fits_a_phone(role, live_server, page, settings, tmp_path):
    """As each demo login, every page the role may open reads in Chinese at 1366 px and does not scroll
    sideways at 390 px (issue 8 items 1 and 5, "Shows"). A page the role may not open must answer with
    the branded error page, which is read as well."""
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
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, role)
    page.wait_for_selector("[data-testid=work-items]")
    findings, walked = [], 0
    for url in ["/", *urls]:
        response = page.goto(live_server.url + url)
        if response is None or response.status >= 500:
            findings.append(f"{url}: answered {response.status if response else 'nothing'}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue  # a served file (an export, an attachment) is not a page
        words = latin_words(page.evaluate(READ_PAGE), usernames)
        if words:
            findings.append(f"{url} ({response.status}): {'; '.join(words)}")
        if response.status >= 400:
            continue  # not this role's page: its error page was read above
        walked += 1
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"] + 2:
            findings.append(f"{url}: {width} px wide at 390 px")
        page.set_viewport_size(DESKTOP)
    assert walked >= AT_LEAST[role], f"only {walked} pages walked as {role}"
    assert findings == [], f"as {role}:\n" + "\n".join(findings)
