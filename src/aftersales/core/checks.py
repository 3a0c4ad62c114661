"""System checks: every scoped model must say how it reaches its organisation."""

from django.core import checks


@checks.register()
def scoped_models_declare_rule(app_configs, **kwargs):
    from .scoping import ScopeRule, scoped_models

    errors = []
    for model in scoped_models():
        rule = model.scope_rule
        if not isinstance(rule, ScopeRule) or not rule.paths:
            errors.append(checks.Error(f"{model.__name__}.scope_rule must be a ScopeRule with paths", obj=model,
                                       id="aftersales.E001"))
    return errors


@checks.register()
def cjk_font_available(app_configs, **kwargs):
    """Charts and printable documents need a Chinese font; say what to install before a user finds
    out from a failed print."""
    from .fonts import find_cjk_font, missing_font_message

    if find_cjk_font() is None:
        return [checks.Warning(missing_font_message(), id="aftersales.W011")]
    return []
