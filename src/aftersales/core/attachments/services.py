"""Writes for attachments (R-SYS-2, ADR 0009): one file on one record, checked by content."""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .. import audit
from ..exceptions import ServiceError
from ..scoping import check_references
from . import sniffing
from .choices import ALLOWED_TYPES, AttachmentKind
from .models import Attachment

THUMBNAIL_SIZE = (320, 320)


def max_bytes() -> int:
    return int(settings.AFTERSALES_ATTACHMENT_MAX_BYTES)


@transaction.atomic
def attach(*, actor, parent, file, kind: str, title: str = "") -> Attachment:
    """Store ``file`` (an uploaded file or any file object with ``name`` and ``size``) on
    ``parent``. Refused — with nothing written, not even to disk — when it is too big, when its
    content is not a type this ``kind`` accepts (the name and the browser's Content-Type are
    ignored), or when an image does not decode. Images get a JPEG thumbnail at once: it is small
    work, and a page can show it on the next request instead of waiting for a worker."""
    # The record must be one the user may see, whatever door the upload came through (issue 7 item 2).
    check_references(actor, parent=parent)
    if kind not in AttachmentKind.values:
        raise ServiceError(_("Unknown attachment type."), code="invalid_kind", field="kind")
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if size > max_bytes():
        raise ServiceError(_("The file is %(size)s; files may be at most %(limit)s.")
                           % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
                           code="file_too_large", field="file")
    if size == 0:
        raise ServiceError(_("The file is empty."), code="file_empty", field="file")
    name = str(getattr(file, "name", "") or "").rsplit("/", 1)[-1][:200]
    found = sniffing.sniff(file, name)
    allowed = ALLOWED_TYPES[kind]
    if found not in allowed:
        raise ServiceError(
            _("This file is not an allowed type (checked by its content, not its name). %(kind)s accepts: "
              "%(types)s.") % {"kind": AttachmentKind(kind).label,
                               "types": ", ".join(t.extension.lstrip(".").upper() for t in allowed)},
            code="file_type_not_allowed", field="file")
    thumbnail = _thumbnail(file) if found.is_image else None
    attachment = Attachment(parent_type=ContentType.objects.get_for_model(parent), parent_id=parent.pk, kind=kind,
                            title=(title or "")[:200], original_name=name, mime_type=found.mime,
                            extension=found.extension, size=size,
                            uploaded_by=actor if getattr(actor, "pk", None) else None)
    attachment.full_clean(exclude=["file", "thumbnail"])
    file.seek(0)
    attachment.file.save(name or "file", file, save=False)
    if thumbnail is not None:
        attachment.thumbnail.save("thumbnail.jpg", ContentFile(thumbnail), save=False)
    attachment.save()
    audit.record(actor=actor, action="core.attachment.added", obj=parent,
                 changes={"attachment": [None, f"{attachment} ({found.extension.lstrip('.').upper()}, "
                                               f"{filesizeformat(size)})"]})
    return attachment


def _thumbnail(file) -> bytes:
    """A JPEG of at most 320 × 320, upright by its EXIF orientation. An image Pillow cannot decode,
    or one so large it looks like a decompression bomb, is refused."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    refusal = ServiceError(_("This image cannot be read; it may be damaged or not really an image."),
                           code="image_unreadable", field="file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file) as probe:
                probe.verify()
            file.seek(0)
            with Image.open(file) as image:
                image = ImageOps.exif_transpose(image)
                image.thumbnail(THUMBNAIL_SIZE)
                out = io.BytesIO()
                image.convert("RGB").save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError) as exc:
        raise refusal from exc
    finally:
        file.seek(0)
    return out.getvalue()
