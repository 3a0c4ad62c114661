"""Find user-visible labels that would show in English on a Chinese page (issue 8 item 1, R-SYS-5).

A catalogue can be complete and a page still English: a model field without ``verbose_name``
("Customer" from the field name ``customer``), a choice label written without ``_()``, a filter
whose empty option is django-filter's "---------", a form placeholder typed as a plain string.
``gettext`` extraction never sees those, so this walks what the pages are built from instead —
every model of our apps (verbose names, field names, choice labels), every FilterSet and every
form class in their ``filtersets`` / ``forms`` modules (labels, placeholders, empty labels,
choices) — renders each label in zh-hans and in English, and reports those that come out the same
and still contain a Latin word outside the allow-list. ``scripts/check_translations.py`` runs it in
CI and ``tests/test_translation_check.py`` runs it with the suite.

No database access: model choice fields are checked for their empty label only.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.forms.utils import pretty_name
from django.utils import translation

#: Words that stay Latin in a Chinese UI: standards, formats, units and abbreviations everyone uses.
ALLOWED_WORDS = frozenset({
    "API", "CSV", "Excel", "PDF", "VIN", "ID", "SMS", "App", "IT", "BMS", "km", "kg", "MB", "KB",
    "xlsx", "csv", "JPG", "PNG", "GIF", "WebP", "HEIC", "English", "E", "TD", "SA", "OK", "URL",
    "IP", "VIP", "SKU", "GB", "GA", "ISO", "No",
})
#: Plumbing no page shows as a label: generic-relation and plain id columns, derived keys, the
#: lookup index. A field here is one a user never reads; anything a form, list, filter or
#: timeline names gets a ``verbose_name`` instead.
INTERNAL_MODELS = frozenset({"customers.SearchKey"})
INTERNAL_FIELDS = frozenset({
    "content_type", "object_id", "organisation_id", "customer_id", "vehicle_id", "request_id",
    "task_result_id", "parent_type", "parent_id", "parent", "digits_reversed", "path", "language",
    "extension", "ip_address",
    # core's own pages (imports, access log) head these columns themselves
    "created_by", "granted_by",
})
_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
#: An empty option nobody can read: django-filter's and ModelChoiceField's default.
DASHES = re.compile(r"^-+$")


def latin_words(text: str) -> list[str]:
    """Latin words in ``text`` outside the allow-list (words with digits are codes, not words)."""
    out = []
    for token in re.split(r"[\s/（）()、，,：:;；·]+", text):
        if not token or re.search(r"\d", token) or "@" in token or "://" in token:
            continue
        out.extend(w for w in _WORD.findall(token) if w not in ALLOWED_WORDS)
    return out


@dataclass(frozen=True)
class Problem:
    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r}"


def _our_apps():
    return [a for a in apps.get_app_configs() if a.name.startswith("aftersales.")]


def _in(lang: str, value) -> str:
    with translation.override(lang):
        return str(value)


def _english(value, where: str) -> Problem | None:
    """A label reads in English on the Chinese page: same text in both languages, Latin words left."""
    if value is None or value == "":
        return None
    zh = _in("zh-hans", value)
    if DASHES.match(zh.strip()):
        return Problem(where, zh)
    if zh == _in("en", value) and latin_words(zh):
        return Problem(where, zh)
    return None


def _choices(choices, where: str) -> Iterator[Problem]:
    for value, label in choices or ():
        if isinstance(label, (list, tuple)):  # an option group
            yield from _choices(label, f"{where} group {value!r}")
            continue
        if value in ("", None) and not label:
            continue
        if p := _english(label, f"{where} choice {value!r}"):
            yield p


def model_problems() -> Iterator[Problem]:
    for app in _our_apps():
        for model in app.get_models():
            name = f"{model._meta.label}"
            # Models that tests declare on the fly (e.g. core.Thing) are no page's labels.
            if name in INTERNAL_MODELS or ".tests" in model.__module__ or model.__module__.startswith("tests"):
                continue
            for attr in ("verbose_name", "verbose_name_plural"):
                if p := _english(getattr(model._meta, attr), f"{name}.{attr}"):
                    yield p
            for field in model._meta.get_fields():
                if (field.auto_created or field.name in INTERNAL_FIELDS or not hasattr(field, "verbose_name")
                        or not getattr(field, "concrete", True)):  # generic keys: never a form label
                    continue
                if p := _english(field.verbose_name, f"{name}.{field.name}"):
                    yield p
                yield from _choices(getattr(field, "flatchoices", None), f"{name}.{field.name}")


def _modules(suffix: str):
    for app in _our_apps():
        try:
            yield importlib.import_module(f"{app.name}.{suffix}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app.name}.{suffix}":
                raise


def _classes(module, base):
    for obj in vars(module).values():
        if isinstance(obj, type) and issubclass(obj, base) and obj.__module__ == module.__name__:
            yield obj


def _field_problems(name: str, field: forms.Field, where: str, *, filter_form: bool) -> Iterator[Problem]:
    if isinstance(field.widget, forms.HiddenInput):
        return
    label = field.label if field.label is not None else pretty_name(name)
    if p := _english(label, f"{where}.{name} label"):
        yield p
    if p := _english(field.help_text, f"{where}.{name} help text"):
        yield p
    placeholder = field.widget.attrs.get("placeholder")
    if p := _english(placeholder, f"{where}.{name} placeholder"):
        yield p
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None and (p := _english(field.empty_label, f"{where}.{name} empty label")):
            yield p
        return
    choices = getattr(field.widget, "choices", None) if isinstance(field.widget, forms.Select) else None
    if choices is None and isinstance(field, forms.ChoiceField):
        choices = field.choices
    if choices is not None:
        choices = list(choices)
        yield from _choices(choices, f"{where}.{name}")
        if filter_form and isinstance(field, forms.NullBooleanField) or (
                filter_form and choices and choices[0][0] in ("", None) and str(choices[0][1]) in ("未知",)):
            empty = next((label for value, label in choices if value in ("", None, "unknown")), None)
            if empty is not None and _in("zh-hans", empty) == "未知":
                yield Problem(f"{where}.{name} empty choice", "未知")


def filterset_problems() -> Iterator[Problem]:
    from django_filters import FilterSet

    for module in _modules("filtersets"):
        for cls in _classes(module, FilterSet):
            model = getattr(cls._meta, "model", None)
            if model is None:
                continue
            with translation.override("zh-hans"):
                form = cls(data=None, queryset=model._default_manager.none()).form
            for name, field in form.fields.items():
                yield from _field_problems(name, field, cls.__qualname__, filter_form=True)


def form_problems() -> Iterator[Problem]:
    for module in _modules("forms"):
        for cls in _classes(module, forms.BaseForm):
            fields = getattr(cls, "base_fields", None)
            if not fields:
                continue
            for name, field in fields.items():
                yield from _field_problems(name, field, f"{module.__name__}.{cls.__qualname__}", filter_form=False)


def catalogue_conflicts() -> Iterator[Problem]:
    """One English msgid translated two ways in two apps' catalogues.

    Django merges every app's catalogue and the first app in ``INSTALLED_APPS`` wins, so the
    second meaning silently shows the first one's words: core's plate type "Other" (其他号牌) was
    every app's "Other", org's person "Name" (姓名) the SMS template's name. Such a word needs a
    context (``pgettext``) where it means something else, or one translation everywhere."""
    import gettext
    from pathlib import Path

    seen: dict[object, dict[str, list[str]]] = {}
    for app in _our_apps():
        mo = Path(app.path) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        if not mo.exists():
            continue
        with mo.open("rb") as f:
            catalogue = gettext.GNUTranslations(f)._catalog
        for msgid, msgstr in catalogue.items():
            if msgid and isinstance(msgid, str):
                seen.setdefault(msgid, {}).setdefault(msgstr, []).append(app.label)
    for msgid, meanings in seen.items():
        if len(meanings) > 1:
            said = "; ".join(f"{'/'.join(a)}: {s}" for s, a in meanings.items())
            yield Problem(f"catalogues translate {msgid.replace(chr(4), ' | ')!r} differently", said)


def problems() -> list[Problem]:
    """Every label that would read in English on a zh-hans page, and every msgid two apps translate apart."""
    found = [*model_problems(), *filterset_problems(), *form_problems(), *catalogue_conflicts()]
    seen, out = set(), []
    for p in found:
        if (p.where, p.text) not in seen:
            seen.add((p.where, p.text))
            out.append(p)
    return out
