"""Audit action names: each app declares the events it records, in its own ``events.py`` (ADR 0015).

Why: an action name is an interface — timeline sentences, change logs, reports and tests key on
it.  A typo (``customers.vehicle.update``) would silently render as a raw name and fall out of
every filter.  So every app keeps its names as constants in ``<app>/events.py``::

    from aftersales.core.events import declare

    VEHICLE_CREATED = declare("customers.vehicle.created")

and ``core.audit.record`` checks the name.  The check is strict only where it costs nothing:
with ``settings.AFTERSALES_STRICT_EVENTS`` (on in the test suite, see the root ``conftest.py``) an
undeclared action raises ``UndeclaredEvent``; in production it is logged once and the event is
still written — losing an audit row would be worse than a missing declaration.

The generic kernel services write ``<app>.<model>.created/updated/activated/deactivated``;
``declare_model_events(Model, ...)`` declares those for a model in one line.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_declared: set[str] = set()
_warned: set[str] = set()
_discovered = False


class UndeclaredEvent(AssertionError):
    """An audit action that no app's ``events.py`` declares (raised only in strict mode)."""


def declare(name: str) -> str:
    """Declare one action name and return it, so ``X = declare("app.model.verb")`` is the constant."""
    if not _NAME.match(name):
        raise ValueError(f"audit action {name!r} must read <app>.<model>.<verb> in lower case")
    _declared.add(name)
    return name


def declare_model_events(model_label: str, *verbs: str) -> tuple[str, ...]:
    """Declare ``<app>.<model>.<verb>`` for the kernel services' verbs (default: all four)."""
    verbs = verbs or ("created", "updated", "activated", "deactivated")
    return tuple(declare(f"{model_label}.{verb}") for verb in verbs)


def _discover() -> None:
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("events")
        _discovered = True


def is_declared(name: str) -> bool:
    _discover()
    return name in _declared


def declared_events() -> frozenset[str]:
    _discover()
    return frozenset(_declared)


def check(name: str) -> None:
    """Refuse (strict mode) or log once (production) an action that no app declared."""
    if is_declared(name):
        return
    if getattr(settings, "AFTERSALES_STRICT_EVENTS", False):
        raise UndeclaredEvent(f"audit action {name!r} is not declared in any app's events.py")
    if name not in _warned:
        _warned.add(name)
        logger.warning("audit action %r is not declared in any app's events.py", name)


# --- the kernel's own events ----------------------------------------------------------------------
AUTH_LOGIN = declare("auth.login")
AUTH_LOGOUT = declare("auth.logout")
# API tokens (core/tokens.py, issue 7 item 11): issued on request, revoked by a new password or the owner.
AUTH_TOKEN_ISSUED = declare("auth.token.issued")
AUTH_TOKEN_REVOKED = declare("auth.token.revoked")
ACCESS_GRANTED = declare("core.access.granted")
ACCESS_REVOKED = declare("core.access.revoked")
ATTACHMENT_ADDED = declare("core.attachment.added")
# Working calendar (core.calendar, ADR 0008): a year's State Council schedule imported.
CALENDAR_SCHEDULE_IMPORTED = declare("core.calendar.schedule_imported")
# …and administrators' single edits (core.calendar.editing): a day, a calendar's windows, an
# organisation's calendar.
CALENDAR_DAY_CHANGED = declare("core.calendar.day_changed")
CALENDAR_WINDOWS_CHANGED = declare("core.calendar.windows_changed")
CALENDAR_ASSIGNED = declare("core.calendar.assigned")
# Export requests: created, then one event per state reached (core.imports.approvals).
EXPORT_REQUEST_EVENTS = tuple(declare(f"core.export_request.{verb}") for verb in (
    "created", "approved", "exported", "failed", "rejected", "cancelled", "expired"))
# Import jobs' audited transitions (core.imports.choices.IMPORT_JOB_MACHINE, ADR 0007); the
# checking and progress moves are not audited, the summary is ``imports.<kind>.applied``.
IMPORT_JOB_APPLY_REQUESTED = declare("core.import_job.apply_requested")
IMPORT_JOB_CANCELLED = declare("core.import_job.cancelled")
IMPORT_JOB_FAILED = declare("core.import_job.failed")


def import_applied(kind: str) -> str:
    """``imports.<kind>.applied``, declared when an importer registers (core.imports.registry)."""
    return declare(f"imports.{kind}.applied")
