"""A reusable harness that walks every scoped page and API endpoint (issue #2, item 5).

Every model with a ``scope_rule`` must have a factory in ``<app>/tests/scope_factories.py``
(``FACTORIES = {Model: callable(organisation) -> instance}``); a model without one fails the
harness, so each new capability gets scope tests by adding one line.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.apps import apps

from aftersales.core.scoping import scoped_models

from .route_inventory import all_routes


def load_factories() -> dict:
    factories = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("aftersales."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.scope_factories")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(config.name):
                continue
            raise
        factories.update(module.FACTORIES)
    return factories


def missing_factories() -> list[str]:
    have = load_factories()
    return sorted(m._meta.label for m in scoped_models() if m not in have)


@dataclass(frozen=True)
class Endpoint:
    kind: str  # "page" | "api"
    route: str  # with {pk}
    model: type
    permission: str  # permission the endpoint needs for GET


def scoped_endpoints() -> list[Endpoint]:
    """Detail-like GET endpoints (``<int:pk>`` / ``(?P<pk>…)``) of scoped models, pages and API."""
    from aftersales.core.views.generic import ScopedObjectMixin, perm

    found = []
    for r in all_routes():  # the route inventory: one entry per route, DRF's format twins folded in
        route = r.key
        view_class = r.view_class
        if view_class is not None and issubclass(view_class, ScopedObjectMixin) and "<int:pk>" in route:
            model = view_class.model
            # Action endpoints that only accept POST are covered by their own tests.
            if getattr(model, "scope_rule", None) is None or not hasattr(view_class, "get"):
                continue
            view = view_class()
            view.kwargs = {"pk": 0}
            needed = view.get_permission_required()
            found.append(Endpoint("page", "/" + route.replace("<int:pk>", "{pk}"), model, needed[0]))
            continue
        cls, actions = r.viewset, r.actions
        if cls is not None and actions.get("get") == "retrieve" and "<pk>" in route:
            serializer = getattr(cls, "serializer_class", None)
            model = getattr(getattr(serializer, "Meta", None), "model", None)
            if model is None or getattr(model, "scope_rule", None) is None:
                continue
            clean = route.split("<pk>")[0] + "{pk}/"
            # A viewset without model permissions (export requests: the requester and approvers see
            # them) leaves visibility to its selector: "" means only the out-of-scope 404 is checked.
            from aftersales.core.api.permissions import ScopedModelPermissions

            uses_model_perms = any(issubclass(c, ScopedModelPermissions) for c in getattr(cls, "permission_classes", ()))
            found.append(Endpoint("api", "/" + clean, model, perm(model, "view") if uses_model_perms else ""))
    return found
