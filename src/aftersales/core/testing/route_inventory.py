"""Every route the URL conf and the DRF routers expose, and what the scope harness does with it
(issue 7 item 14).

``all_routes()`` walks ``get_resolver()`` recursively and names each route by a readable key: the
pattern with ``^``/``$`` dropped and DRF's ``(?P<pk>[^/.]+)`` written ``<pk>``, e.g.
``api/customers/vehicles/<pk>/mileage/``.  DRF's format-suffix twins (``….json``) reach the same
view with the same scoping, so they are aliases of their base route and not counted twice.

``derived_walks()`` says, for the generic views and viewsets every app reuses, which walk covers the
route — a list, a detail GET, a POST action on one object, a create or an edit — so a new generic
endpoint is walked without anyone listing it.  Routes that are not generic are listed by hand in
the harness's route table (``tests/scope_route_table.py``); a route that is neither derived, listed nor
allowed fails the coverage test, which is what makes a forgotten endpoint fail CI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

_FORMAT = re.compile(r"\\\.\(\?P<format>|<drf_format_suffix:format>")


@dataclass(frozen=True)
class Route:
    key: str  # readable pattern: "customers/vehicles/<int:pk>/mileage/"
    name: str  # "customers:vehicle_mileage" ("" when unnamed)
    callback: object = field(compare=False, repr=False)

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None)

    @property
    def viewset(self):
        return getattr(self.callback, "cls", None)

    @property
    def actions(self) -> dict:
        return getattr(self.callback, "actions", None) or {}


def route_key(pattern: str) -> str:
    return pattern.replace("(?P<pk>[^/.]+)", "<pk>").replace("^", "").replace("$", "")


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p, namespace


def all_routes() -> list[Route]:
    """One entry per route; format-suffix aliases folded into their base route."""
    seen: dict[str, Route] = {}
    for pattern, p, ns in _walk(get_resolver().url_patterns):
        if _FORMAT.search(pattern):
            continue
        key = route_key(pattern)
        name = f"{ns}:{p.name}" if ns and p.name else (p.name or "")
        seen.setdefault(key, Route(key, name, p.callback))
    return list(seen.values())


def scoped(model) -> bool:
    return model is not None and getattr(model, "scope_rule", None) is not None


@dataclass(frozen=True)
class Walk:
    """What the harness does with one route.

    kind: ``list`` (GET; the other dealer's marker must not appear), ``detail`` (GET of one object:
    200 in scope, 404 outside), ``action`` (POST on one object: outside scope 403/404 and the row
    unchanged), ``create`` / ``edit`` (each scoped foreign key set to the other dealer's object is
    refused and nothing changes; ``tests/test_scope_write_walk.py``), ``reference`` (rows shared by every organisation: GET answers for
    every role without an error, and no field points at a scoped row).
    """

    kind: str
    route: Route
    model: type
    api: bool = False


def _model_of_viewset(cls):
    serializer = getattr(cls, "serializer_class", None)
    return getattr(getattr(serializer, "Meta", None), "model", None)


def derived_walks(routes: list[Route] | None = None) -> dict[str, list[Walk]]:
    """Walks of the generic page views (``core.views.generic``) and scoped viewsets, by route key."""
    from aftersales.core.api.views import ScopedViewSetMixin
    from aftersales.core.views.generic import (
        ObjectDeactivateView,
        ObjectDetailView,
        ObjectEditView,
        ObjectListView,
    )
    from aftersales.core.views.transitions import ObjectTransitionView

    out: dict[str, list[Walk]] = {}
    for r in routes if routes is not None else all_routes():
        walks = []
        vc, cls = r.view_class, r.viewset
        if vc is not None and isinstance(getattr(vc, "model", None), type):
            model = vc.model
            if not scoped(model):
                walks.append(Walk("reference", r, model))
            elif issubclass(vc, ObjectListView):
                walks.append(Walk("list", r, model))
            elif issubclass(vc, ObjectEditView):
                walks.append(Walk("edit" if "<int:pk>" in r.key else "create", r, model))
            elif issubclass(vc, ObjectDeactivateView | ObjectTransitionView) and "<int:pk>" in r.key:
                walks.append(Walk("action", r, model))
            elif issubclass(vc, ObjectDetailView) and "<int:pk>" in r.key:
                walks.append(Walk("detail", r, model))
                if hasattr(vc, "post"):  # detail pages with a form of their own (mileage, owner)
                    walks.append(Walk("action", r, model))
        elif cls is not None and issubclass(cls, ScopedViewSetMixin):  # full, or read/edit only
            model = _model_of_viewset(cls)
            verbs = set(r.actions.values())
            if not scoped(model):
                walks.append(Walk("reference", r, model, api=True))
            else:
                if "list" in verbs:
                    walks.append(Walk("list", r, model, api=True))
                if "create" in verbs:
                    walks.append(Walk("create", r, model, api=True))
                if "retrieve" in verbs:
                    walks.append(Walk("detail", r, model, api=True))
                if verbs & {"update", "partial_update"}:
                    walks.append(Walk("edit", r, model, api=True))
                custom = verbs - {"list", "create", "retrieve", "update", "partial_update", "destroy"}
                if custom and "<pk>" in r.key and set(r.actions) == {"post"}:
                    walks.append(Walk("action", r, model, api=True))
        if walks:
            out[r.key] = walks
    return out
