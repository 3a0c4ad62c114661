"""Every page in zh-hans, as every demo login, at 1366 px and 390 px: no Latin word outside the
allow-list (issue 8 item 1).

The walk: the home page, every entry of the login's menu, and from every list its first row's
detail page, its "new" form, and the detail page's edit form. On each page the visible text, every
option of every select, placeholders, titles and ARIA labels are read; a word of Latin letters fails
unless it is a code the demo data holds (dealer, region, staff, template, model, supplier codes,
part numbers, VINs, plates), contains a digit (codes, numbers), or is on the allow-list below
(standards, formats, units, brand abbreviations). An empty option must not read "---------", nor a
yes/no filter "未知".

Speed: the demo is seeded once per session (``aftersales seed`` at a small scale into its own SQLite
file) and served by gunicorn with debug off, as ``aftersales demo`` does; one browser, one context
per login and width.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from aftersales.core.translation_check import ALLOWED_WORDS

pytestmark = pytest.mark.browser

LOGINS = ["admin", "manager", "agent", "advisor", "technician", "engineer", "parts", "quality", "dealer", "dealer2"]
WIDTHS = [1366, 390]
#: Beyond the labels' allow-list, words that are right on a page: the lookup's example of typing pinyin
#: initials ("zs" for 张三), the language switch's own name, an SMS reply keyword customers send.
PAGE_WORDS = ALLOWED_WORDS | {"zs", "English", "TD", "R", "GBK", "UTF", "TPU"}
#: Pages not for office workers: the OpenAPI documentation is for integrators (its field names are the
#: API's contract and stay English).
SKIP = ("/api/docs/", "/api/schema/")

COLLECT = """() => {
  const out = [document.body.innerText, document.title];
  for (const el of document.querySelectorAll('option')) out.push(el.textContent);
  for (const el of document.querySelectorAll('[placeholder]')) out.push(el.getAttribute('placeholder'));
  for (const el of document.querySelectorAll('[title]')) out.push(el.getAttribute('title'));
  for (const el of document.querySelectorAll('[aria-label]')) out.push(el.getAttribute('aria-label'));
  return out.join('\\n');
}"""
#: Text a page marks as a literal identifier (<code>: template codes, variables, dedupe keys, task
#: paths) is a code by the page's own say-so.
CODES_ON_PAGE = "() => Array.from(document.querySelectorAll('code, kbd')).map(e => e.textContent)"
OPTIONS = "() => Array.from(document.querySelectorAll('main select option')).map(o => o.textContent.trim())"
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
WORD = re.compile(r"[A-Za-z]{2,}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """A seeded demo served like ``aftersales demo`` (debug off); yields (base url, known codes)."""
    data = tmp_path_factory.mktemp("demo")
    env = dict(os.environ, AFTERSALES_DATABASE_URL=f"sqlite:///{data / 'demo.sqlite3'}", AFTERSALES_DEBUG="0",
               AFTERSALES_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="aftersales.settings")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    exe = [sys.executable, "-m", "aftersales"]
    subprocess.run([*exe, "migrate", "-v0"], env=env, check=True, capture_output=True)
    subprocess.run([*exe, "seed", "--scale", "0.05"], env=env, check=True, capture_output=True)
    port = _free_port()
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "aftersales.wsgi:application", "--bind",
                            f"127.0.0.1:{port}", "--workers", "1", "--threads", "4", "--graceful-timeout", "2"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310  (our own local server)
                break
            except OSError:
                if web.poll() is not None:
                    pytest.fail("the demo web server did not start")
                time.sleep(0.1)
        yield base, _codes(data / "demo.sqlite3")
    finally:
        web.terminate()
        try:
            web.wait(timeout=30)
        except subprocess.TimeoutExpired:
            web.kill()


def _codes(db: Path) -> set[str]:
    """Identifiers the demo data holds: they show on pages as they are."""
    queries = ["SELECT code FROM org_region", "SELECT code FROM org_organisation", "SELECT code FROM org_role",
               "SELECT employee_code FROM org_staffprofile", "SELECT code FROM notifications_smstemplate",
               "SELECT code FROM customers_vehiclemodel", "SELECT code FROM parts_supplier",
               "SELECT part_number FROM parts_part", "SELECT vin FROM customers_vehicle",
               "SELECT plate FROM customers_vehicle", "SELECT lot_number FROM customers_keypartlot",
               "SELECT serial_number FROM customers_keypartlot"]
    codes: set[str] = set()
    with sqlite3.connect(db) as conn:
        for q in queries:
            codes.update(str(row[0]) for row in conn.execute(q) if row[0])
    return codes


def latin_words(text: str, codes: set[str]) -> set[str]:
    found = set()
    # SMS template variables ({name}, ${name}) are the provider's placeholders, typed as they are;
    # e-mail addresses and web addresses are what they are.
    text = re.sub(r"\$?\{[A-Za-z_]+\}|\S+@\S+|\w+://\S+", " ", text)
    for token in TOKEN.findall(text):
        token = token.strip(".-_")
        if not token or token in codes or re.search(r"\d", token):
            continue
        found.update(w for w in WORD.findall(token) if w not in PAGE_WORDS)
    return found


def _log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=work-items]")


def _hrefs(page, selector) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("username", LOGINS)
def test_every_page_reads_chinese(browser, demo, username, width):
    base, codes = demo
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900},
                                  is_mobile=width < 500)
    page = context.new_page()
    problems: list[str] = []
    try:
        _log_in(page, base, username)
        menu = _hrefs(page, "a[data-nav]")
        queue, seen = ["/", *menu], set()
        while queue:
            url = queue.pop(0)
            if url in seen or url.startswith(SKIP):
                continue
            seen.add(url)
            response = page.goto(base + url)
            if response is None or response.status >= 400:
                problems.append(f"{url}: HTTP {response.status if response else '—'}")
                continue
            on_page = {t for c in page.evaluate(CODES_ON_PAGE) for t in TOKEN.findall(c)}
            words = latin_words(page.evaluate(COLLECT), codes | on_page)
            if words:
                problems.append(f"{url}: {sorted(words)}")
            options = page.evaluate(OPTIONS)
            bad = sorted({o for o in options if re.fullmatch(r"-+", o) or o == "未知"})
            if bad:
                problems.append(f"{url}: empty options {bad}")
            if url in menu:
                queue += _hrefs(page, "#results table tbody a[href]")[:1]
                queue += _hrefs(page, "main a.btn-primary[href$='/new/']")[:1]
            elif re.search(r"/\d+/$", url):
                queue += _hrefs(page, "main a[href$='/edit/']")[:1]
        if width == WIDTHS[0] and username in ("agent", "technician"):
            Path("test-results").mkdir(exist_ok=True)
            page.goto(base + "/")
            page.screenshot(path=f"test-results/home-{username}.png", full_page=True)
    finally:
        context.close()
    assert len(seen) > 3, f"the walk reached only {sorted(seen)}"
    assert problems == [], f"{username} at {width} px:\n" + "\n".join(problems)
