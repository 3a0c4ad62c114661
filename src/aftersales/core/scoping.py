"""The one scoping mechanism (DESIGN.md rule 2, "Scoping model").

A scoped model declares, once, how a row reaches its organisation(s)::

    class Customer(BaseModel):
        scope_rule = ScopeRule(paths=("owning_dealer",), grant_via=("self",))

``ScopedQuerySet.restrict(user)`` is the only place that filters by organisation.  Who sees which
organisations is answered by a resolver the ``org`` app registers (core sits below org and must not
import it).  Access grants (rows of ``core.AccessGrant``) widen a dealer's view by one object — the
record-level sharing a dealer needs when it receives a car it did not sell.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class Scope:
    """What one user may see: everything, or the rows of these organisations."""

    everything: bool = False
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    # A short label for pages ("总部", "华东大区", "北京朝阳4S店").
    label: str = ""

    @classmethod
    def nothing(cls) -> Scope:
        return cls(everything=False, organisation_ids=frozenset())

    def covers(self, organisation_id: int | None) -> bool:
        return self.everything or (organisation_id is not None and organisation_id in self.organisation_ids)


@dataclass(frozen=True)
class ScopeRule:
    """How a model reaches its organisation.

    ``paths``: ORM paths to an organisation (OR-ed), e.g. ``("owning_dealer", "vehicles__servicing_dealer")``;
    ``"id"`` for the organisation model itself.  ``grant_via``: ORM paths to objects whose access
    grants also open this row; ``"self"`` means grants on the row itself.
    """

    paths: tuple[str, ...]
    grant_via: tuple[str, ...] = ()
    # Plain id columns that point at a scoped model of another app, as ``(column, "app_label.Model")``:
    # the row is in scope when the row it points at is (issue 7 item 1, ADR 0012 "Fails closed").  A
    # lower app (notifications, core) cannot hold a foreign key to ``customers.Customer``; the model is
    # looked up by label when the query is built, so nothing imports upward.
    via_ids: tuple[tuple[str, str], ...] = ()


ScopeResolver = Callable[[object], Scope]
_resolver: ScopeResolver | None = None


def register_scope_resolver(resolver: ScopeResolver) -> None:
    global _resolver
    _resolver = resolver


SCOPE_CACHE_SECONDS = 60
_GENERATION_KEY = "aftersales:scope-generation"


def _cache_key(user) -> str:
    from django.core.cache import cache

    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, 1, None)
        generation = cache.get(_GENERATION_KEY, 1)
    joined = getattr(user, "date_joined", None)
    return f"aftersales:scope:{generation}:{user.pk}:{joined.timestamp() if joined else ''}"


def scope_for(user) -> Scope:
    """The user's scope: cached on the user object for the request, and in the cache for
    ``SCOPE_CACHE_SECONDS`` (every scoped request needs it; resolving costs a query or more).

    A deactivated user is refused before the cache is asked.  Org services call
    ``invalidate_scopes()`` after changes that move scope (roles, regions covered, organisations),
    which is immediate for every process sharing the cache and at most a minute late otherwise.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Scope.nothing()
    cached = getattr(user, "_aftersales_scope", None)
    if cached is not None:
        return cached
    from django.core.cache import cache

    key = _cache_key(user)
    scope = cache.get(key)
    if scope is None:
        if _resolver is None:
            scope = Scope(everything=True, label="superuser") if user.is_superuser else Scope.nothing()
        else:
            scope = _resolver(user)
        cache.set(key, scope, SCOPE_CACHE_SECONDS)
    user._aftersales_scope = scope
    return scope


def invalidate_scopes() -> None:
    """Forget every cached scope (cheap: bumps a generation number)."""
    from django.core.cache import cache

    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 2, None)


def forget_scope(user) -> None:
    if hasattr(user, "_aftersales_scope"):
        del user._aftersales_scope
    invalidate_scopes()


class ScopedQuerySet(models.QuerySet):
    # How this queryset was scoped: None (not yet), "restricted" or "unscoped: <reason>".  Kept on
    # clones so a diagnostic (or a test) can tell a deliberate unscoped read from a forgotten one.
    _scope_state: str | None = None

    def _clone(self):
        clone = super()._clone()
        clone._scope_state = self._scope_state
        return clone

    def restrict(self, user) -> ScopedQuerySet:
        """Rows the user may see; an object outside the scope is then a 404, never a leak."""
        scope = scope_for(user)
        if scope.everything:
            rows = self._chain()
        elif not scope.organisation_ids:
            rows = self.none()  # no organisation, so no grants either
        else:
            rows = self.filter(scope_q(self.model, scope))
            rows = rows.distinct() if _needs_distinct(self.model) else rows
        rows._scope_state = "restricted"
        return rows

    def unscoped(self, *, reason: str) -> ScopedQuerySet:
        """Every row, on purpose: the one spelling of a deliberate read across the user's scope.

        ``reason`` says why it cannot leak (a network-wide refusal every sender must honour, a row
        already fetched through the scope and re-read by id, a system job).  The CI check
        (``tests/test_scoping_fails_closed.py``) accepts this, or ``restrict(user)``, on every
        scoped model's manager in a module that reaches a page, an API response, an import, an
        export or a timeline — and nothing else (ADR 0012, "Fails closed").
        """
        if not str(reason or "").strip():
            raise ValueError("unscoped() needs a reason: say why this read may cross the user's scope")
        rows = self._chain()
        rows._scope_state = f"unscoped: {reason}"
        return rows


@functools.cache
def _needs_distinct(model) -> bool:
    """A path through a to-many relation can repeat a row; decided once per model."""
    rule: ScopeRule = model.scope_rule
    return any("__" in p and _is_multi(model, p) for p in rule.paths)


def _is_multi(model, path: str) -> bool:
    current = model
    for part in path.split("__"):
        try:
            f = current._meta.get_field(part)
        except Exception:
            return False
        if f.many_to_many or f.one_to_many:
            return True
        current = getattr(f, "related_model", None)
        if current is None:
            return False
    return False


def scope_q(model, scope: Scope, rule: ScopeRule | None = None) -> Q:
    """The filter for ``model`` rows within ``scope`` (organisation paths OR granted objects);
    ``rule`` stands in for a model that has no ``scope_rule`` of its own (``restrict_queryset``)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import AccessGrant

    rule = rule or model.scope_rule
    org_ids = list(scope.organisation_ids)
    q = Q(pk__in=[])
    for path in rule.paths:
        q |= Q(**{f"{path}__in": org_ids})
    for via in rule.grant_via:
        target = model if via == "self" else _related_model(model, via)
        granted = AccessGrant.objects.active().filter(
            content_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
            organisation_id__in=org_ids,
        ).values("object_id")
        q |= Q(pk__in=granted) if via == "self" else Q(**{f"{via}__in": granted})
    for column, label in rule.via_ids:
        from django.apps import apps

        target = apps.get_model(label)
        q |= Q(**{f"{column}__in": target._default_manager.filter(scope_q(target, scope)).values("pk")})
    return q


def _related_model(model, path: str):
    current = model
    for part in path.split("__"):
        current = current._meta.get_field(part).related_model
    return current


def scoped_models() -> list[type[models.Model]]:
    from django.apps import apps

    return [m for m in apps.get_models() if getattr(m, "scope_rule", None) is not None]


# --------------------------------------------------------------------------------------------
# Scoped reads of any queryset, and scoped writes (issue 7 item 2, issue 6 item 9, ADR 0012)
# --------------------------------------------------------------------------------------------

def restrict_queryset(qs: models.QuerySet, user, rule: ScopeRule | None = None) -> models.QuerySet:
    """``qs`` narrowed to ``user``'s scope, for code that holds a queryset rather than a manager.

    A model with its own ``scope_rule`` goes through ``restrict()`` (the one mechanism); ``rule``
    says how to scope rows of a model that has none (e.g. export requests by their
    ``organisation_id``), so no caller filters by organisation by hand.  Fails closed: a model with
    neither is refused, not returned whole.
    """
    model = qs.model
    if getattr(model, "scope_rule", None) is not None and hasattr(qs, "restrict"):
        return qs.restrict(user)
    if rule is None:
        raise TypeError(f"{model._meta.label} has no scope rule: pass one to restrict_queryset()")
    scope = scope_for(user)
    if scope.everything:
        return qs
    if not scope.organisation_ids:
        return qs.none()
    return qs.filter(scope_q(model, scope, rule=rule))


def _scoped_rows(model, user) -> models.QuerySet:
    """``model``'s rows within ``user``'s scope, read past any custom default manager."""
    return restrict_queryset(model.objects.all() if hasattr(model.objects, "restrict") else model._base_manager.all(),
                             user, rule=getattr(model, "scope_rule", None))


def is_in_scope(user, obj) -> bool:
    """May ``user`` see ``obj``?  Objects of unscoped models (reference data) always pass."""
    if obj is None or getattr(type(obj), "scope_rule", None) is None:
        return True
    if scope_for(user).everything:
        return True
    return _scoped_rows(type(obj), user).filter(pk=obj.pk).exists()


def check_references(user, /, **references) -> None:
    """Refuse a write that points at anything outside ``user``'s scope — in the service, whatever
    the door (form, API, import, bulk action), so a forged id never gets past a narrowed form.

    ``references`` are field name → model instance (or an iterable of them, for many-to-many).
    ``user=None`` is the system (a worker, a migration, the demo seed): nothing to check.  Raises
    :class:`~aftersales.core.exceptions.OutOfScopeError` (code ``out_of_scope``, the field named), which
    the API answers as 400 with a field error and a page shows beside the field.  The message
    names the kind of object, never the object: it confirms nothing outside the scope.
    """
    if user is None or scope_for(user).everything:
        return
    from django.utils.translation import gettext as _

    from .exceptions import OutOfScopeError

    for name, value in references.items():
        values = [value] if value is None or isinstance(value, models.Model) else list(value)
        by_model: dict[type, set] = {}
        for v in values:
            if v is not None and getattr(type(v), "scope_rule", None) is not None:
                by_model.setdefault(type(v), set()).add(v.pk)
        for model, pks in by_model.items():
            seen = set(_scoped_rows(model, user).filter(pk__in=pks).values_list("pk", flat=True))
            if seen != pks:
                raise OutOfScopeError(
                    _("Choose a %(model)s within your organisations.") % {"model": model._meta.verbose_name},
                    field=name)


def changed_references(instance, data: dict) -> dict:
    """The foreign keys in ``data`` that point somewhere other than ``instance`` does now: an edit is
    checked for what it changes, so a vehicle sold by another dealer stays editable by the dealer
    that services it."""
    changed = {}
    for name, value in data.items():
        try:
            field = instance._meta.get_field(name)
        except Exception:  # noqa: S112  (not a model field: the service's own input)
            continue
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            continue
        new_pk = getattr(value, "pk", value)
        if new_pk != getattr(instance, field.attname):
            changed.update(foreign_references(type(instance), {name: value}))
    return changed


def foreign_references(model, data: dict) -> dict:
    """Every foreign key (and many-to-many list) in ``data`` of a new ``model`` row."""
    out = {}
    for name, value in data.items():
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: S112
            continue
        if not (field.is_relation and field.concrete):
            continue
        if isinstance(value, int) and not isinstance(value, bool) and field.related_model is not None:
            value = field.related_model(pk=value)  # an id column set directly: check the row it names
        if isinstance(value, models.Model | list | tuple | set | models.QuerySet):
            out[name] = value
    return out
