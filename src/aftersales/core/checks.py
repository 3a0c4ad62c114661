"""System checks: every scoped model must say how it reaches its organisation."""

from django.core import checks


@checks.register()
def scoped_models_declare_rule(app_configs, **kwargs):
    from .scoping import ScopeRule, scoped_models

    errors = []
    for model in scoped_models():
        rule = model.scope_rule
        if not isinstance(rule, ScopeRule) or not (rule.paths or rule.via_ids):
            errors.append(checks.Error(f"{model.__name__}.scope_rule must be a ScopeRule with paths", obj=model,
                                       id="aftersales.E001"))
            continue
        for column, label in rule.via_ids:
            errors.extend(_check_via_id(model, column, label))
    return errors


def _check_via_id(model, column: str, label: str) -> list:
    """A ``via_ids`` entry must name a real column and a scoped model, or the rule would fail open."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        model._meta.get_field(column)
        target = apps.get_model(label)
    except (FieldDoesNotExist, LookupError, ValueError):
        target = None
    if target is None or getattr(target, "scope_rule", None) is None:
        return [checks.Error(f"{model.__name__}.scope_rule via_ids ({column!r}, {label!r}) must name a column and a "
                             "scoped model", obj=model, id="aftersales.E001")]
    return []


@checks.register()
def cjk_font_available(app_configs, **kwargs):
    """Charts and printable documents need a Chinese font; say what to install before a user finds
    out from a failed print."""
    from .fonts import find_cjk_font, missing_font_message

    if find_cjk_font() is None:
        return [checks.Warning(missing_font_message(), id="aftersales.W011")]
    return []
