"""Display helpers for templates: ``{% load aftersales %}`` then ``{{ number|phone }}``."""

from django import template

from aftersales.core.validators import format_phone

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored E.164 number as people write it (138 1234 5678); masked text passes through."""
    return format_phone(value) if value and value.startswith("+86") else (value or "")


@register.inclusion_tag("core/_attachments.html", takes_context=True)
def attachments(context, parent):
    """``{% attachments object %}``: the record's attachments and, for users who may change the
    record, an upload form (core.attachments). The caller fetched ``parent`` in the user's scope."""
    from django.contrib.contenttypes.models import ContentType

    from aftersales.core.attachments.choices import AttachmentKind
    from aftersales.core.attachments.selectors import attachments_of, may_attach

    user = context["request"].user
    return {"attachments": attachments_of(parent), "csrf_token": context.get("csrf_token"),
            "parent_type_id": ContentType.objects.get_for_model(parent).pk, "parent_id": parent.pk,
            "can_upload": may_attach(user, type(parent)), "kinds": AttachmentKind.choices}


@register.inclusion_tag("core/_transition_buttons.html", takes_context=True)
def transition_buttons(context, obj):
    """``{% transition_buttons object %}``: one button (with a reason field where one is required)
    for each state-machine transition the signed-in user may fire on ``obj`` now (core.fsm); the
    same question the API asks before it accepts ``POST …/{id}/<transition>/``."""
    from aftersales.core.fsm import machine_for

    machine = machine_for(obj)
    user = context["request"].user
    return {"transitions": machine.available(obj, user=user) if machine else [], "object": obj,
            "url_name": machine.url_name if machine else "", "version": getattr(obj, "version", None),
            "csrf_token": context.get("csrf_token")}
