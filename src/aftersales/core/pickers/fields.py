"""The picker field and widget (issue 8 item 6): a search-as-you-type box instead of a ``<select>``
listing every customer, vehicle, organisation or part in scope.

The widget renders a hidden input holding the chosen pk and an ``<input type=search>`` that asks
``/pick/<kind>/?q=…`` (htmx) for an HTML fragment of matches; ``aftersales/app.js`` makes the list
keyboard-usable.  Only the chosen object is ever read for rendering — the field's queryset (the
user's scoped queryset) is used to validate the posted pk, never iterated.

``ServiceModelForm`` and ``StyledFilterSet`` swap every plain ``ModelChoiceField`` over a model with
a registered kind for a ``PickerField`` (``swap_pickers``), so a new capability gets pickers for free;
a hand-written ``forms.Form`` declares ``PickerField(kind=…)`` and calls ``use_pickers(form, user)``.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .registry import PickerOption, get_picker, picker_for_model

#: Suffix of the visible search box's name: the typed text comes back after a validation error.
SEARCH_SUFFIX = "__search"


def _scoped(model, user):
    manager = model._default_manager
    if getattr(model, "scope_rule", None) is None:
        return manager.all()
    return manager.restrict(user)


class PickerWidget(forms.Widget):
    template_name = "core/pickers/widget.html"

    def __init__(self, kind: str = "", attrs=None, *, keep_typed: bool = True):
        super().__init__(attrs)
        self.kind = kind
        self.keep_typed = keep_typed
        self.user = None
        self.unchanged_pk = None
        self.typed: str | None = None

    def value_from_datadict(self, data, files, name):
        self.typed = data.get(name + SEARCH_SUFFIX)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        if value in (None, ""):
            return ""
        return str(getattr(value, "pk", value))

    def chosen_option(self, value) -> PickerOption | None:
        """The chosen object as the user may see it: inside their scope, or the record's own
        current value (a car sold here whose owner moved on is shown masked, never a pk typed in)."""
        pk = self.format_value(value)
        kind = get_picker(self.kind)
        if not pk or kind is None or self.user is None or not pk.isdigit():
            return None
        model = kind.model_class()
        obj = _scoped(model, self.user).filter(pk=pk).first()
        if obj is None and self.unchanged_pk is not None and pk == str(self.unchanged_pk):
            obj = _current_value(model, pk)
        if obj is None:
            return None
        options = kind.describe([obj], user=self.user)
        return options[0] if options else None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        kind = get_picker(self.kind)
        chosen = self.chosen_option(value)
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        search = chosen.label if chosen else ""
        if self.keep_typed and self.typed is not None and not chosen:
            search = self.typed[:64]
        widget.update(
            value=self.format_value(value) if chosen or self.typed is None else "",
            search_id=widget_id,
            search_name=(name + SEARCH_SUFFIX) if self.keep_typed else "",
            search_value=search,
            list_id=f"{widget_id}_results",
            url=reverse("core:picker", args=[self.kind]) if kind else "",
            placeholder=kind.placeholder if kind else "",
            min_length=kind.min_length if kind else 2,
            chosen=chosen,
        )
        return context

    def id_for_label(self, id_):
        return id_


def _current_value(model, pk):
    manager = model._default_manager
    if hasattr(manager, "unscoped"):
        return manager.unscoped(reason="the record's own current value, shown masked on its form").filter(pk=pk).first()
    return manager.filter(pk=pk).first()


class PickerField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` chosen through a search box (``kind``: a registered picker kind)."""

    default_error_messages = {
        "invalid_choice": _("Not found among the records you may use. Search again and choose from the list."),
        "required": _("Required: type a few characters and choose from the list."),
    }

    def __init__(self, queryset=None, *, kind: str, keep_typed: bool = True, **kwargs):
        for extra in ("empty_label", "null_label", "null_value", "widget"):
            kwargs.pop(extra, None)
        self.kind = kind
        self.unchanged_pk = None
        if queryset is None:
            registered = get_picker(kind)
            queryset = registered.model_class()._default_manager.all() if registered else None
        super().__init__(queryset, empty_label=None, widget=PickerWidget(kind, keep_typed=keep_typed), **kwargs)

    def attach(self, *, user, unchanged_pk=None) -> None:
        """Bind to the form's user: validate against the user's scope, show the chosen label."""
        if user is not None and self.queryset is not None:
            model = self.queryset.model
            if getattr(model, "scope_rule", None) is not None:
                self.queryset = self.queryset.restrict(user)
        self.unchanged_pk = unchanged_pk
        self.widget.user = user
        self.widget.unchanged_pk = unchanged_pk

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.unchanged_pk is not None and str(value) == str(self.unchanged_pk):
            obj = _current_value(self.queryset.model, self.unchanged_pk)
            if obj is not None:
                return obj
        return super().to_python(value)


def swap_pickers(form, *, keep: tuple[str, ...] = (), keep_typed: bool = True) -> None:
    """Every plain ``ModelChoiceField`` of ``form`` over a model with a registered kind becomes a
    ``PickerField`` with the same label, help text, requiredness and queryset."""
    for name, field in list(form.fields.items()):
        if name in keep or isinstance(field, (PickerField, forms.ModelMultipleChoiceField)):
            continue
        if not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
            continue
        kind = picker_for_model(field.queryset.model)
        if kind is None:
            continue
        form.fields[name] = PickerField(
            field.queryset, kind=kind.key, keep_typed=keep_typed, required=field.required, label=field.label,
            help_text=field.help_text, initial=field.initial, disabled=field.disabled,
            to_field_name=field.to_field_name)


def use_pickers(form, user) -> None:
    """Attach every picker field of ``form`` to ``user``; an edit form's current value stays valid."""
    instance = getattr(form, "instance", None)
    for name, field in form.fields.items():
        if not isinstance(field, PickerField):
            continue
        unchanged = None
        if instance is not None and getattr(instance, "pk", None):
            unchanged = getattr(instance, f"{name}_id", None)
        field.attach(user=user, unchanged_pk=unchanged)
