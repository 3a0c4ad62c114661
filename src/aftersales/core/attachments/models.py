"""One attachment table for every record (ADR 0009)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..scoping import ScopedQuerySet
from .choices import AttachmentKind


def attachment_upload_to(instance, filename: str) -> str:
    """A random name with the extension of the *sniffed* type: neither the uploader's name nor
    their extension ever reaches the disk or a URL."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


def thumbnail_upload_to(instance, filename: str) -> str:
    return f"attachments/thumbnails/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class Attachment(models.Model):
    """A photo, scan or document on any record. Not scoped by itself (``scope_rule`` is None):
    whoever may see the parent may see its attachments, so every read resolves the parent through
    ``parent_model.objects.restrict(user)`` (``selectors.attachment_for``) and there is no list
    of all attachments."""

    parent_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    parent_id = models.PositiveBigIntegerField()
    parent = GenericForeignKey("parent_type", "parent_id")
    kind = models.CharField(_("attachment type"), max_length=10, choices=AttachmentKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    mime_type = models.CharField(_("file type"), max_length=100)
    extension = models.CharField(max_length=10, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    thumbnail = models.FileField(_("thumbnail"), upload_to=thumbnail_upload_to, max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_rule = None

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["parent_type", "parent_id"], name="attachment_parent")]

    def __str__(self) -> str:
        return self.title or self.download_name

    @property
    def download_name(self) -> str:
        """The uploader's file name, but with the extension of what the file really is."""
        stem = (self.original_name.rsplit(".", 1)[0] if "." in self.original_name else self.original_name)
        return f"{stem or 'file'}{self.extension}"

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")

    def audit_subjects(self) -> dict:
        parent = self.parent
        return parent.audit_subjects() if parent is not None and hasattr(parent, "audit_subjects") else {}
