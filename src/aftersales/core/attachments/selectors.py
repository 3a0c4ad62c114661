"""Reads for attachments: always through the parent, in the user's scope (ADR 0010)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from .models import Attachment


def attachments_of(parent) -> list[Attachment]:
    """The attachments of a parent the caller already fetched through a scoped selector."""
    return list(Attachment.objects.filter(parent_type=ContentType.objects.get_for_model(parent), parent_id=parent.pk)
                .select_related("uploaded_by"))


def attachment_for(*, user, pk: int) -> tuple[Attachment, object]:
    """The attachment and its parent, or Http404 when the user may not see the parent: the
    parent's model permission ``view_<model>`` and its ``restrict(user)`` both decide, exactly as
    for the parent's own page (outside the scope is a 404, never a 403)."""
    attachment = Attachment.objects.select_related("parent_type").filter(pk=pk).first()
    model = attachment.parent_type.model_class() if attachment else None
    if model is None or not user.is_authenticated:
        raise Http404
    if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        raise Http404
    parents = model._default_manager.all()
    if getattr(model, "scope_rule", None) is not None:
        parents = parents.restrict(user)
    parent = parents.filter(pk=attachment.parent_id).first()
    if parent is None:
        raise Http404
    return attachment, parent


def parent_for_upload(*, user, parent_type_id: int, parent_id: int):
    """The record a user may attach files to: in their scope and with ``change_<model>``; else 404."""
    from django.contrib.contenttypes.models import ContentType

    parent_type = ContentType.objects.filter(pk=parent_type_id).first()
    model = parent_type.model_class() if parent_type else None
    if model is None or not user.is_authenticated or not may_attach(user, model):
        raise Http404
    parents = model._default_manager.all()
    if getattr(model, "scope_rule", None) is not None:
        parents = parents.restrict(user)
    parent = parents.filter(pk=parent_id).first()
    if parent is None:
        raise Http404
    return parent


def may_attach(user, model) -> bool:
    return user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
