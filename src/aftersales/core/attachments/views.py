"""Serving attachments (ADR 0010): scope of the parent checked, personal-data views logged."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .. import audit
from ..exceptions import ServiceError
from ..files import private_file_response
from . import selectors, services
from .choices import AttachmentKind


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


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Attachment type"), choices=AttachmentKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    file = forms.FileField(label=gettext_lazy("File"))


class AttachmentUploadView(LoginRequiredMixin, View):
    """``POST /files/new/<type>/<id>/``: attach a file to any record the user may change, then
    back to that record's page with the outcome as a message."""

    def post(self, request, parent_type_id, parent_id):
        parent = selectors.parent_for_upload(user=request.user, parent_type_id=parent_type_id, parent_id=parent_id)
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        else:
            try:
                services.attach(actor=request.user, parent=parent, file=form.cleaned_data["file"],
                                kind=form.cleaned_data["kind"], title=form.cleaned_data["title"])
            except ServiceError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("The file was attached."))
        return HttpResponseRedirect(parent.get_absolute_url() if hasattr(parent, "get_absolute_url") else "/")
