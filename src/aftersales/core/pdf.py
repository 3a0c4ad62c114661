"""Printable documents: a Django template (an HTML subset) → a PDF with the Chinese font embedded.

One way for every printed form — repair orders, settlement sheets, complaint archives, picking lists,
the customer archive sheet.  fpdf2 (pure Python, ADR 0011) lays out the HTML its ``write_html``
understands: headings, paragraphs, ``<b>``/``<i>``, lists, ``<table>`` (with ``width`` on cells),
``<hr>``, ``<img src="data:image/png;base64,…">`` (e.g. :meth:`core.charts.Chart.png_data_uri`).
No CSS.  Every page gets the store name and the document title at the top and "page n / N" with the
print time at the bottom; signature lines close the document.  The font is a subset of the CJK font
from :mod:`aftersales.core.fonts`, so the PDF shows Chinese on any printer or viewer, and its text can
be copied and searched.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TextStyle

from .fonts import CjkFont, require_cjk_font

FONT = "cjk"
PDF_CONTENT_TYPE = "application/pdf"
# fontTools logs every subset table at INFO; one print would flood the log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


# Forms are printed on office laser printers: black headings, not fpdf2's default dark red.
HEADING_STYLES = {
    "h1": TextStyle(font_family=FONT, font_style="B", font_size_pt=16, color="#000000", t_margin=2, b_margin=3),
    "h2": TextStyle(font_family=FONT, font_style="B", font_size_pt=12, color="#000000", t_margin=4, b_margin=2),
    "h3": TextStyle(font_family=FONT, font_style="B", font_size_pt=11, color="#000000", t_margin=3, b_margin=1),
}


class PrintableDocument(FPDF):
    """A4 portrait with the header and footer every printed form of the platform carries."""

    def __init__(self, *, title: str, organisation_name: str, font: CjkFont | None = None):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        font = font or require_cjk_font()
        self.add_font(FONT, "", str(font.path), collection_font_number=font.index)
        # Table headers and <b> need a bold face; the Bold file when the family ships one.
        bold = font.bold_variant
        self.add_font(FONT, "B", str(bold.path), collection_font_number=bold.index)
        self.document_title = title
        self.organisation_name = organisation_name
        self.printed_at = timezone.localtime()
        self.set_title(title)
        self.set_author(organisation_name)
        self.set_creator("aftersales")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 22, 15)
        self.alias_nb_pages()
        self.set_font(FONT, size=10)

    def header(self):
        self.set_font(FONT, "B", 10)
        self.set_xy(15, 10)
        self.cell(90, 6, self.organisation_name)
        self.set_font(FONT, "", 10)
        self.cell(0, 6, self.document_title, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(120, 120, 120)
        self.line(15, 17, self.w - 15, 17)
        self.set_y(22)

    def footer(self):
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        printed = _("Printed %(time)s") % {"time": self.printed_at.strftime("%Y-%m-%d %H:%M")}
        self.cell(90, 5, printed)
        page = _("Page %(page)s / %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, page, align="R")
        self.set_text_color(0, 0, 0)

    def signature_lines(self, labels: Sequence[str]):
        """"签字 / 日期" blanks side by side, kept together on one page."""
        if not labels:
            return
        if self.get_y() > self.h - 45:
            self.add_page()
        self.ln(10)
        self.set_font(FONT, "", 10)
        width = (self.w - 30) / len(labels)
        y = self.get_y()
        for i, label in enumerate(labels):
            x = 15 + i * width
            self.set_xy(x, y)
            self.cell(width - 6, 6, label)
            self.line(x, y + 16, x + width - 10, y + 16)
            self.set_xy(x, y + 17)
            self.set_font(FONT, "", 8)
            self.cell(width - 6, 5, _("Signature / date"))
            self.set_font(FONT, "", 10)
        self.set_y(y + 24)


def render_pdf(template_name: str, context: dict, *, title: str, organisation_name: str,
               signatures: Sequence[str] = (), request=None) -> bytes:
    """Render ``template_name`` with Django and lay it out as a PDF; raises ``CjkFontMissing``
    (with what to install) when the machine has no Chinese font."""
    html = render_to_string(template_name, context, request=request)
    pdf = PrintableDocument(title=title, organisation_name=organisation_name)
    pdf.add_page()
    pdf.write_html(html, font_family=FONT, table_line_separators=True, warn_on_tags_not_matching=False,
                   tag_styles=HEADING_STYLES)
    pdf.signature_lines(signatures)
    return bytes(pdf.output())
