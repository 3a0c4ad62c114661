"""Playwright (Python) driving Debian's /usr/bin/chromium against pytest-django's live server.

Never a downloaded browser: .ci/run installs the Debian package when it is missing.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("AFTERSALES_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bash .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def migration_seeded_rows(db):
    """The rows the migrations seed (the national calendar, the standard calendars, the ticket SLA
    policies and ladder), put back: a browser test runs on a database flushed by the ones before it."""
    import importlib

    from django.apps import apps

    from aftersales.core.calendar.models import CalendarDay, CalendarWindow, CalendarYear, WorkingCalendar
    from aftersales.core.calendar.seed import seed_national, seed_standard_calendars

    seed_national(CalendarDay, CalendarYear)
    seed_standard_calendars(WorkingCalendar, CalendarWindow)
    importlib.import_module("aftersales.tickets.migrations.0002_sla_policies_and_ladder").seed(apps, None)
