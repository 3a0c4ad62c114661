"""Serving attachments (ADR 0010): scope of the parent checked, personal-data views logged."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils.translation import gettext as _
from django.views import View

from .. import audit
from ..files import private_file_response
from . import selectors


class AttachmentFileView(LoginRequiredMixin, View):
    """``/files/<pk>/`` the file, ``/files/<pk>/thumbnail/`` its thumbnail. Images and PDFs open in
    the browser (``?download=1`` downloads them), everything else is a download."""

    variant = "file"

    def get(self, request, pk):
        attachment, parent = selectors.attachment_for(user=request.user, pk=pk)
        return serve_attachment(request, attachment, parent, variant=self.variant)


def serve_attachment(request, attachment, parent, *, variant: str = "file"):
    """The response for an attachment whose parent the caller fetched in the user's scope."""
    field = attachment.thumbnail if variant == "thumbnail" else attachment.file
    if not field:
        raise Http404
    customer_id = (parent.audit_subjects().get("customer_id") if hasattr(parent, "audit_subjects") else None)
    if customer_id:  # a scan of an ID card, a signed form: personal data, so the view is logged
        audit.log_personal_data_access(
            actor=request.user, action="view", obj=parent, customer_id=customer_id,
            ip_address=request.META.get("REMOTE_ADDR"),
            reason=(_("Opened the attachment %(name)s") % {"name": attachment})[:300])
    if variant == "thumbnail":
        return private_file_response(field, filename=f"thumbnail-{attachment.pk}.jpg", content_type="image/jpeg",
                                     inline=True)
    return private_file_response(field, filename=attachment.download_name, content_type=attachment.mime_type,
                                 inline=request.GET.get("download") != "1")
