"""Audited state machines, declared once per model (issue 6 item 1, DESIGN.md rule 3, ADR 0007).

An app declares its machine next to its statuses in ``choices.py``::

    OUTBOX = StateMachine(
        model="notifications.OutboxMessage", states=MessageStatus, event_prefix="notifications.message",
        url_name="notifications:outbox_transition",
        transitions=[
            Transition("requeue", source=[DEAD], target=PENDING, label=_("Re-queue"),
                       permission="notifications.change_outboxmessage", event="notifications.message.requeued"),
            Transition("claim", source=DUE, target=SENDING, system=True, audited=False, guard=is_due),
            …
        ])

and everything else reads that one declaration:

- :meth:`StateMachine.fire` is the service that moves a row: it locks it (``SELECT … FOR UPDATE``),
  checks the expected ``version`` (409 ``stale_version``), checks that the transition may leave
  the current state and that its guard passes (409 ``transition_not_allowed`` with the translated
  reason), that the actor may fire it (403 ``permission_denied``), then writes the new state with
  a conditional UPDATE (state and version unchanged — safe on SQLite too, where ``FOR UPDATE`` is a
  no-op) and the audit event ``old → new`` with actor and reason, in the same transaction.
  Anything refused changes nothing and writes no event.
- :meth:`StateMachine.available` answers "what may this user fire on this row now": the
  ``{% transition_buttons obj %}`` tag (pages) and ``TransitionActionsMixin`` (API,
  ``POST …/{id}/<name>/``) offer exactly those.
- Apps whose transition does more than change the state (enqueue a job, notify someone) register
  the service that does it with ``@MACHINE.performs("name")``; pages and API call
  :meth:`StateMachine.perform`, which runs that service (or plain :meth:`fire`).

``system`` transitions are the worker's and the scheduler's: never offered to users, fired with
``actor=None``.  The graph ``{state: (targets…)}`` is :meth:`StateMachine.graph` — derived, never
written twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from importlib import import_module

from django.apps import apps
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import (
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
    StaleVersionError,
    TransitionNotAllowed,
)

# guard(obj, context) -> None when the transition may fire, else the (translated) reason it may not.
Guard = Callable[[models.Model, dict], "str | None"]
# allowed(obj, user) -> None when this user may fire it, else the reason (a 403) or a ServiceError to raise.
Allowed = Callable[[models.Model, object], "str | None"]


@dataclass(frozen=True)
class Transition:
    """One named move ``source → target`` and who may make it."""

    name: str
    source: tuple[str, ...]
    target: str
    label: object = ""
    permission: str | None = None
    allowed: Allowed | None = None
    guard: Guard | None = None
    system: bool = False
    reason_required: bool = False
    audited: bool = True
    event: str | None = None
    confirm: object = ""
    style: str = "primary"
    done: object = ""

    def __post_init__(self):
        object.__setattr__(self, "source", tuple(str(s) for s in self.source))
        object.__setattr__(self, "target", str(self.target))


_registry: dict[str, StateMachine] = {}


@dataclass
class StateMachine:
    model: str  # "app_label.ModelName": choices.py must not import models
    states: type[models.TextChoices]
    transitions: Iterable[Transition]
    event_prefix: str
    field: str = "status"
    url_name: str | None = None  # page URL taking (pk, transition)
    # The module whose ``@performs`` services carry out transitions; imported before performing, so
    # a page or API action never falls back to a bare state change because nothing imported it yet.
    services: str | None = None
    _performers: dict[str, Callable] = dc_field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.transitions = tuple(self.transitions)
        self._by_name = {t.name: t for t in self.transitions}
        if len(self._by_name) != len(self.transitions):
            raise ValueError(f"{self.model}: two transitions share a name")
        unknown = {s for t in self.transitions for s in (*t.source, t.target)} - set(self.states.values)
        if unknown:
            raise ValueError(f"{self.model}: unknown states {sorted(unknown)}")
        _registry[self.model.lower()] = self
        # Every transition's audit action is declared with the machine (core.events, ADR 0015).
        from .events import declare

        for t in self.transitions:
            declare(self.event_for(t))

    # --- the declaration, read ------------------------------------------------------------------

    def graph(self) -> dict[str, tuple[str, ...]]:
        """Every state with the states it may move to (one entry per state, empty for final ones)."""
        out: dict[str, list[str]] = {s: [] for s in self.states.values}
        for t in self.transitions:
            for s in t.source:
                if t.target not in out[s]:
                    out[s].append(t.target)
        return {s: tuple(v) for s, v in out.items()}

    def get(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise NotFoundError(_("There is no action “%(name)s” here.") % {"name": name}) from None

    def user_transitions(self) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if not t.system)

    def label_of(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return str(state)

    def event_for(self, t: Transition) -> str:
        return t.event or f"{self.event_prefix}.{t.target}"

    # --- who may fire what ----------------------------------------------------------------------

    def refusal(self, obj, t: Transition, *, user=None, context: dict | None = None) -> ServiceError | None:
        """Why ``t`` may not fire on ``obj`` (for ``user``; None = the system), or None when it may."""
        if user is not None:
            if t.system:
                return PermissionDeniedError()
            if not getattr(user, "is_authenticated", False) or (t.permission and not user.has_perm(t.permission)):
                return PermissionDeniedError()
            if t.allowed is not None:
                reason = t.allowed(obj, user)
                if isinstance(reason, ServiceError):
                    return reason  # the app's own refusal type (e.g. ApprovalDenied)
                if reason:
                    return PermissionDeniedError(reason)
        state = getattr(obj, self.field)
        if state not in t.source:
            return TransitionNotAllowed(
                _("This record is “%(state)s”: “%(action)s” is not possible now.")
                % {"state": self.label_of(state), "action": t.label or t.name})
        if t.guard is not None:
            reason = t.guard(obj, context or {})
            if reason:
                return TransitionNotAllowed(reason)
        return None

    def may_fire(self, obj, name: str, *, user, context: dict | None = None) -> bool:
        t = self._by_name.get(name)
        return t is not None and self.refusal(obj, t, user=user, context=context) is None

    def available(self, obj, *, user, context: dict | None = None) -> list[Transition]:
        """The transitions ``user`` may fire on ``obj`` now, in declaration order (what pages and API offer)."""
        return [t for t in self.user_transitions() if self.refusal(obj, t, user=user, context=context) is None]

    # --- firing ---------------------------------------------------------------------------------

    def performs(self, name: str) -> Callable[[Callable], Callable]:
        """Register the app service that carries out transition ``name`` for pages and API.

        The service is called as ``service(obj, actor=…, reason=…, expected_version=…)``.
        """
        self.get(name)

        def register(func: Callable) -> Callable:
            self._performers[name] = func
            return func

        return register

    def perform(self, obj, name: str, *, actor, reason: str = "", expected_version: int | None = None):
        """What a page or API action calls: the registered service, or plain :meth:`fire`."""
        t = self.get(name)
        if t.system:
            raise PermissionDeniedError()
        if self.services:
            import_module(self.services)
        performer = self._performers.get(name)
        if performer is None:
            return self.fire(obj, name, actor=actor, reason=reason, expected_version=expected_version)
        return performer(obj, actor=actor, reason=reason, expected_version=expected_version)

    @transaction.atomic
    def fire(self, obj, name: str, *, actor, reason: str = "", expected_version: int | None = None,
             context: dict | None = None, fields: dict | None = None, audit_fields: Iterable[str] = (),
             note: str | None = None, check_permission: bool = True):
        """Move ``obj`` along transition ``name``; returns ``obj`` refreshed.  See the module docstring.

        ``fields`` are further columns written with the state (audited when named in ``audit_fields``);
        ``reason`` is the user's (required when the transition says so), ``note`` a system's text for
        the audit event (defaults to ``reason``).  ``check_permission=False`` is for a service that
        has already decided who may act (e.g. an import applied automatically for its uploader).
        """
        t = self.get(name)
        reason = (reason or "").strip()
        model = type(obj)
        current = model._base_manager.select_for_update().filter(pk=obj.pk).first()
        if current is None:
            raise NotFoundError()
        has_version = any(f.name == "version" for f in model._meta.concrete_fields)
        if expected_version is not None and has_version and current.version != int(expected_version):
            raise StaleVersionError()
        refused = self.refusal(current, t, user=actor if check_permission else None, context=context)
        if refused is not None:
            raise refused
        if t.reason_required and not reason:
            raise ServiceError(_("A reason is required."), field="reason", code="required")
        old = getattr(current, self.field)
        fields = dict(fields or {})
        updates = {self.field: t.target, **fields}
        match = {"pk": current.pk, self.field: old}
        if has_version:
            updates["version"] = F("version") + 1
            match["version"] = current.version
        if any(f.name == "updated_at" for f in model._meta.concrete_fields) and "updated_at" not in updates:
            updates["updated_at"] = timezone.now()
        if not model._base_manager.filter(**match).update(**updates):
            # Only possible without row locks (SQLite in autocommit readers): someone moved it first.
            raise TransitionNotAllowed(_("Someone else changed this record a moment ago. Reload and try again."))
        if t.audited:
            from . import audit  # lazily: choices.py modules import this one before any model exists

            changes = {self.field: [old, t.target]}
            for key in audit_fields:
                changes[key] = [getattr(current, key), fields.get(key)]
            audit.record(actor=actor, action=self.event_for(t), obj=current, changes=changes,
                         note=(reason if note is None else note)[:1000])
        obj.refresh_from_db()
        return obj


def machine_for(model_or_obj) -> StateMachine | None:
    """The machine declared for a model (or an instance's model), if any."""
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    label = f"{model._meta.app_label}.{model._meta.object_name}".lower()
    return _registry.get(label)


def machines() -> dict[str, StateMachine]:
    return dict(_registry)


def model_of(machine: StateMachine) -> type[models.Model]:
    return apps.get_model(machine.model)
