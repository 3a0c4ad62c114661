"""Picker kinds (issue 8 item 6): how a customer, vehicle, organisation or part is searched for and
shown when a form field or a filter chooses one.

``core`` sits below the apps that own those models, so each app registers its kind from its
``AppConfig.ready()``; the field (``fields.py``) and the endpoint (``views.py``) only read this
registry.  A kind answers two questions, both for one user:

- ``search(user=…, q=…, limit=…)`` — at most ``limit`` objects inside the user's scope matching the
  typed text (the app's own lookup: phone tail, plate, VIN tail, code, name …);
- ``describe(objects, user=…)`` — one ``PickerOption`` per object, masked as the user's role sees it,
  with enough detail to tell two 张伟 apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PickerOption:
    pk: int
    label: str  # what the search box shows once chosen: "张伟 · C-D1001-20261202-0001"
    detail: str = ""  # the second line of a result: masked phone, dealer, city …


@dataclass(frozen=True)
class PickerKind:
    key: str  # URL segment of /pick/<key>/: "customers"
    model: str  # "customers.Customer"
    permission: str  # who may search: "customers.view_customer"
    search: Callable[..., Sequence]
    describe: Callable[..., list[PickerOption]]
    placeholder: object = ""  # lazy text for the empty search box
    min_length: int = 2
    limit: int = 20

    def model_class(self):
        from django.apps import apps

        return apps.get_model(self.model)


_kinds: dict[str, PickerKind] = {}


def register_picker(kind: PickerKind) -> PickerKind:
    _kinds[kind.key] = kind
    return kind


def get_picker(key: str) -> PickerKind | None:
    return _kinds.get(key)


def picker_for_model(model) -> PickerKind | None:
    """The kind registered for ``model`` (a class), or None: a plain select stays a select."""
    label = model._meta.label
    return next((k for k in _kinds.values() if k.model == label), None)


def picker_kinds() -> list[PickerKind]:
    return list(_kinds.values())
