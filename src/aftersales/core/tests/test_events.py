"""Audit action names are declared in each app's events.py (issue 6 item 6, ADR 0015)."""

import re
from pathlib import Path

import pytest

from aftersales.core import audit, events

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2]


def test_recording_an_undeclared_action_fails_in_tests():
    with pytest.raises(events.UndeclaredEvent):
        audit.record(actor=None, action="customers.vehicle.update")  # a typo of .updated


def test_a_declared_action_is_recorded():
    event = audit.record(actor=None, action="customers.vehicle.updated")
    assert event.pk and event.action == "customers.vehicle.updated"


def test_production_logs_an_undeclared_action_and_still_records_it(settings, caplog):
    settings.AFTERSALES_STRICT_EVENTS = False
    event = audit.record(actor=None, action="nowhere.thing.happened")
    assert event.pk
    assert "nowhere.thing.happened" in caplog.text


def test_every_action_named_in_the_source_is_declared():
    """Literal names passed to ``audit.record`` / the kernel services (``action="…"``, ``X_ACTION = "…"``)."""
    pattern = re.compile(r"""(?:action|ACTION)\s*=\s*["']([a-z_]+\.[a-z_.]+)["']""")
    undeclared = set()
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        undeclared |= {name for name in pattern.findall(path.read_text(encoding="utf-8"))
                       if not events.is_declared(name)}
    assert not undeclared


def test_every_app_with_models_declares_its_events():
    from django.apps import apps

    ours = [a for a in apps.get_app_configs() if a.name.startswith("aftersales.") and list(a.get_models())]
    missing = [a.label for a in ours if not (Path(a.path) / "events.py").exists()]
    assert not missing
