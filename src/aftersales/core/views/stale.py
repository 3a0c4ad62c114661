"""Recovering a stale edit (issue 8 item 4, R-SYS-3).

When someone else saved the record after the user opened it, the service refuses the save
(``StaleVersionError``, 409). Throwing the user's typing away would make them retype a whole form
while a customer waits on the phone, so the edit page comes back with: who changed the record and
when (the object's own timeline, so scope and masking stay the kernel's), their saved values beside
what the user typed, and the user's form still filled in but now carrying the current version — one
click on 保留我的修改并保存 saves the user's values over theirs, knowingly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext

from ..selectors import timeline_for_object


@dataclass
class StaleEdit:
    """What the edit page shows above the form after a refused stale save."""

    changes: list = field(default_factory=list)  # timeline entries since the user's version
    # (label, their saved value, what the user typed, whether the user had changed it too)
    rows: list = field(default_factory=list)


def shown(form_field: forms.Field, value) -> str:
    """A value as the form's user reads it: the choice label, the object's name, 是/否, a date."""
    if value in (None, "", [], ()):
        return "—"
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        objs = [o if isinstance(o, models.Model) else form_field.queryset.model._base_manager.filter(pk=o).first()
                for o in value]
        return "、".join(sorted(str(o) for o in objs if o is not None)) or "—"
    if isinstance(form_field, forms.ModelChoiceField):
        obj = value if isinstance(value, models.Model) else form_field.queryset.model._base_manager.filter(pk=value).first()
        return str(obj) if obj is not None else "—"
    if isinstance(form_field, forms.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(form_field, forms.ChoiceField):
        labels = {str(k): v for k, v in form_field.choices if not isinstance(v, (list, tuple))}
        return str(labels.get(str(value), value))
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "Y-m-d")
    if hasattr(value, "name") and isinstance(form_field, forms.FileField):
        return value.name.rsplit("/", 1)[-1]
    return str(value)


def _as_posted(form: forms.Form, name: str) -> list[str]:
    """A field's current value as its widget would post it (to put it into the user's form)."""
    bound = form[name]
    value, widget = bound.value(), bound.field.widget
    if isinstance(widget, forms.SelectMultiple):
        return [str(getattr(v, "pk", v)) for v in value or []]
    if isinstance(widget, forms.CheckboxInput):
        return ["on"] if value else []
    if value is None:
        return [""]
    formatted = widget.format_value(value)
    if isinstance(formatted, list):
        return [str(v) for v in formatted]
    return ["" if formatted is None else str(formatted)]


def recover_stale_edit(view, submitted: forms.Form, current) -> tuple[forms.Form, StaleEdit]:
    """The user's form again, merged with what was saved meanwhile, and what changed.

    A field only the other person changed takes their value (the user had left it as it was, so
    saving the user's form must not undo their change); a field only the user changed keeps the
    user's value; a field both changed keeps the user's and is shown beside theirs, to decide.
    ``submitted`` passed validation (the service refused it only for its version); ``current`` is
    the row as it is now, read through the view's scoped selector.
    """
    started_from = submitted.cleaned_data.get("version")
    missed = max(1, (current.version - started_from) if started_from is not None else 1)
    changes = timeline_for_object(current, user=view.request.user, limit=missed)
    # What each field held when the user opened the form: the oldest "before" among those changes.
    opened_with = {}
    for entry in reversed(changes):
        for name, _label, old, _new in entry.changes:
            opened_with.setdefault(name, "—" if old in (None, "") else str(old))
    kwargs = view.get_form_kwargs(current)  # the view's own extras (as on GET), without the POST
    kwargs.pop("data", None)
    kwargs.pop("files", None)
    theirs = view.form_class(**kwargs)
    data = submitted.data.copy()
    data["version"] = str(current.version)
    rows = []
    for name, form_field in submitted.fields.items():
        if name not in opened_with or isinstance(form_field.widget, forms.HiddenInput):
            continue
        saved = shown(form_field, theirs.get_initial_for_field(theirs.fields[name], name))
        mine = shown(form_field, submitted.cleaned_data.get(name))
        if saved == mine:
            continue
        user_changed_it = mine != opened_with[name]
        if not user_changed_it:
            data.setlist(name, _as_posted(theirs, name))
        rows.append((form_field.label, saved, mine, user_changed_it))
    again = view.form_class(**kwargs, data=data, files=submitted.files)
    again.is_valid()  # fills ``cleaned_data`` and shows any error the merged values have
    return again, StaleEdit(changes=changes, rows=rows)
