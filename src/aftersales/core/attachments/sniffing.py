"""What a file really is, from its first bytes (ADR 0009).

An uploader chooses the file name and the Content-Type header, so neither says anything; the
content does. This is a small explicit table of the types users need (photos, scans, PDFs and
Office files) rather than python-magic: libmagic is a system library the app would have to
install everywhere, and it recognises hundreds of types we want to refuse anyway. Anything not
in the table — HTML, JavaScript, SVG, executables, archives — is refused.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str
    is_image: bool = False


JPEG = FileType("image/jpeg", ".jpg", is_image=True)
PNG = FileType("image/png", ".png", is_image=True)
GIF = FileType("image/gif", ".gif", is_image=True)
WEBP = FileType("image/webp", ".webp", is_image=True)
PDF = FileType("application/pdf", ".pdf")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
PPTX = FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx")
DOC = FileType("application/msword", ".doc")
XLS = FileType("application/vnd.ms-excel", ".xls")
PPT = FileType("application/vnd.ms-powerpoint", ".ppt")

IMAGES = (JPEG, PNG, GIF, WEBP)
OFFICE = (DOCX, XLSX, PPTX, DOC, XLS, PPT)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# OOXML: the package's first folder says which application it belongs to.
OOXML_ROOTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
LEGACY_BY_EXTENSION = {".doc": DOC, ".xls": XLS, ".ppt": PPT}


def sniff(fh: BinaryIO, name: str = "") -> FileType | None:
    """The type of the file's content, or None when it is not one we accept. ``name`` only picks
    among the legacy Office formats, which share one container (OLE2) and are told apart by
    parsing streams we do not parse; the content has already proven it is such a container."""
    fh.seek(0)
    head = fh.read(16)
    fh.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _ooxml(fh)
    if head.startswith(OLE_MAGIC):
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return LEGACY_BY_EXTENSION.get(suffix, DOC)
    return None


def _ooxml(fh: BinaryIO) -> FileType | None:
    """A zip is an Office file only with ``[Content_Types].xml`` and one application's folder;
    macro-enabled packages (a ``vbaProject.bin`` inside) are refused."""
    try:
        with zipfile.ZipFile(fh) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        fh.seek(0)
    if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    for root, kind in OOXML_ROOTS.items():
        if any(n.startswith(root) for n in names):
            return kind
    return None
