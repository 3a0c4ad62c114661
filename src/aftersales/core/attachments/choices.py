from django.db import models
from django.utils.translation import gettext_lazy as _

from . import sniffing


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    SCAN = "scan", _("Scan")
    DOCUMENT = "document", _("Document")


# What each kind accepts, by content: a photo is an image, a scan an image or a PDF, a document
# any allowed type.
ALLOWED_TYPES = {
    AttachmentKind.PHOTO: sniffing.IMAGES,
    AttachmentKind.SCAN: (*sniffing.IMAGES, sniffing.PDF),
    AttachmentKind.DOCUMENT: (*sniffing.IMAGES, sniffing.PDF, *sniffing.OFFICE),
}
