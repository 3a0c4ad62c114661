"""Serving user files (ADR 0010, R-SYS-2): the one response every file view returns.

Nothing under ``MEDIA_ROOT`` has a public URL; a view first checks who may see the file (the
import job's owner, the export's requester, the attachment's parent in the user's scope), logs the
access, and then answers with :func:`private_file_response`, which makes sure the browser never
runs what a user uploaded: the file is a download (``Content-Disposition: attachment``) unless it
is an image or a PDF whose type was established from its content, ``nosniff`` stops the browser
from guessing a different type, and a sandboxing CSP leaves script nowhere to run even if it tried.

With ``AFTERSALES_X_ACCEL_REDIRECT`` set (an nginx ``internal`` location, see README) the body is
left to nginx and the app only sends the headers, so big files do not tie up a worker.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

# Types a browser may show inline; everything else is downloaded. Only ever pass a type that was
# sniffed from the content, never one the uploader sent.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"})
# No script, no plugin, no form, no frame, no network: the document is a unique opaque origin.
SANDBOX_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'"


def private_file_response(field_file, *, filename: str, content_type: str = "application/octet-stream",
                          inline: bool = False) -> HttpResponse:
    """The response for one stored file (a ``FieldFile``); ``inline`` is honoured only for
    :data:`INLINE_TYPES`."""
    as_attachment = not (inline and content_type in INLINE_TYPES)
    if as_attachment and content_type not in INLINE_TYPES:
        content_type = _download_type(content_type)
    prefix = getattr(settings, "AFTERSALES_X_ACCEL_REDIRECT", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(field_file.name)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    else:
        response = FileResponse(field_file.open("rb"), as_attachment=as_attachment, filename=filename,
                                content_type=content_type)
    return harden(response)


def harden(response: HttpResponse) -> HttpResponse:
    """Headers every user file carries, whichever view serves it."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _download_type(content_type: str) -> str:
    """Known harmless data types keep their type (Excel opens .xlsx and .csv by it); anything
    else is an opaque download."""
    keep = {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"}
    return content_type if content_type in keep else "application/octet-stream"
