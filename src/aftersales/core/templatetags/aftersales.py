"""Display helpers for templates: ``{% load aftersales %}`` then ``{{ number|phone }}``."""

from django import template

from aftersales.core.validators import format_phone

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored E.164 number as people write it (138 1234 5678); masked text passes through."""
    return format_phone(value) if value and value.startswith("+86") else (value or "")
