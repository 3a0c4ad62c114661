import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["aftersales.org.testing"]

# Property tests must not fail because a shared CI machine is slow: no per-example deadline and no
# "too slow" health check.  Example counts stay at Hypothesis' default (100) unless a test says
# otherwise; HYPOTHESIS_PROFILE=thorough runs ten times as many locally.
hypothesis_settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile("thorough", parent=hypothesis_settings.get_profile("ci"), max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path_factory):
    """Each test writes uploads, import work files and exports under its own directory: parallel
    workers (pytest -n) each number their jobs from 1, and a shared ``media/imports/job-1/``
    let one worker read another's half-written Arrow file (a polars panic, a flaky import test)."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


def pytest_configure(config):
    """Audit recording refuses an action no app declares in its events.py (ADR 0015), in tests only."""
    from django.conf import settings

    settings.AFTERSALES_STRICT_EVENTS = True


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_working_calendar_cache():
    """Built calendar years are cached per process; each test's database starts from the migration."""
    from aftersales.core.calendar.worktime import clear_local_cache

    clear_local_cache()
    yield
    clear_local_cache()
