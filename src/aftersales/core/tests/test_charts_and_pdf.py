"""Charts (SVG for pages, PNG for e-mail / Excel / PDF) and printable PDF documents with Chinese
text embedded — issue 6 items 7 and 8 (R-SYS-1: Chinese first, also on paper)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

from aftersales.core import fonts
from aftersales.core.charts import Chart
from aftersales.core.checks import cjk_font_available
from aftersales.core.pdf import PrintableDocument, render_pdf

needs_font = pytest.mark.skipif(fonts.find_cjk_font() is None, reason="no CJK font (apt install fonts-noto-cjk)")
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


@pytest.fixture
def no_font(settings, tmp_path):
    """A machine without a CJK font: the configured path does not exist, so nothing is found."""
    fonts._discover.cache_clear()
    settings.AFTERSALES_PDF_FONT = str(tmp_path / "missing.ttc")
    yield
    fonts._discover.cache_clear()


def _chart(kind="stacked_bar"):
    return Chart(kind, "回执数量按月", ["2026-01", "2026-02", "2026-03"],
                 {"保修卡": [1, 2, 3], "首保凭证": [2, 0, 1]}, y_label="份数")


# --- charts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["line", "bar", "grouped_bar", "stacked_bar"])
def test_svg_keeps_chinese_text_as_text_and_needs_no_inline_style(kind):
    svg = str(_chart(kind).svg())
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    for label in ("回执数量按月", "保修卡", "首保凭证", "2026-02", "份数"):
        assert label in texts, label
    # CSP is style-src 'self': no style attribute or <style> element may remain.
    assert " style=" not in svg and "<style" not in svg
    assert re.search(r'(fill|stroke)="#0072b2"', svg, re.I)  # colours survive as presentation attributes
    assert "Noto Sans CJK SC" in svg and "Microsoft YaHei" in svg  # the viewer's font draws the text


def test_two_charts_on_one_page_do_not_share_element_ids():
    first, second = str(_chart().svg()), str(_chart("line").svg())
    ids = lambda svg: set(re.findall(r'\sid="([^"]+)"', svg))  # noqa: E731
    assert ids(first) and not ids(first) & ids(second)
    for ref in re.findall(r"url\(#([^)]+)\)", first):
        assert ref in ids(first)


def test_stacked_bar_stacks_the_second_series_on_the_first():
    fig = _chart("stacked_bar").figure()
    bars = fig.axes[0].patches
    # March: 保修卡 3 from 0 to 3, then 首保凭证 1 from 3 to 4.
    march_base, march_top = bars[2], bars[5]
    assert (march_base.get_y(), march_base.get_height()) == (0, 3)
    assert (march_top.get_y(), march_top.get_height()) == (3, 1)


@needs_font
def test_png_is_an_image_drawn_with_the_cjk_font():
    chart = _chart()
    png = chart.png(dpi=100)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (700, 320)
    from matplotlib import font_manager

    assert chart.png_data_uri().startswith("data:image/png;base64,")
    # The title glyphs come from the CJK font, not DejaVu's empty boxes: the font file used is ours.
    used = font_manager.findfont(font_manager.FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False)
    assert Path(used) == fonts.find_cjk_font().path


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        Chart("bar", "t", ["a", "b", "c"], {"x": [1, 2]})
    with pytest.raises(ValueError, match="chart kind"):
        Chart("pie", "t", ["a"], {"x": [1]})


# --- fonts -------------------------------------------------------------------------------------


def test_without_a_font_the_error_and_the_system_check_say_what_to_install(no_font):
    assert fonts.find_cjk_font() is None
    with pytest.raises(fonts.CjkFontMissing, match="fonts-noto-cjk.*AFTERSALES_PDF_FONT"):
        fonts.require_cjk_font()
    warnings = [m for m in cjk_font_available(None) if m.id == "aftersales.W011"]
    assert len(warnings) == 1 and "fonts-noto-cjk" in warnings[0].msg
    with pytest.raises(fonts.CjkFontMissing):
        render_pdf("customers/customer_archive_pdf.html", {}, title="t", organisation_name="o")


@needs_font
def test_the_setting_wins_over_the_system_fonts(settings, tmp_path):
    system = fonts.find_cjk_font()
    copy = tmp_path / "my-font.ttc"
    copy.symlink_to(system.path)
    fonts._discover.cache_clear()
    settings.AFTERSALES_PDF_FONT = f"{copy}#{system.index}"
    try:
        assert fonts.find_cjk_font() == fonts.CjkFont(copy, system.index)
    finally:
        fonts._discover.cache_clear()


@needs_font
def test_with_a_system_font_the_check_is_quiet():
    assert not [m for m in cjk_font_available(None) if m.id == "aftersales.W011"]


# --- PDF ---------------------------------------------------------------------------------------


def _pdf_with_rows(rows: int) -> bytes:
    pdf = PrintableDocument(title="领料单", organisation_name="朝阳汇通4S店")
    pdf.add_page()
    rows_html = "".join(f"<tr><td>LSJA24U6XJG{i:06d}</td><td>京A1234{i % 10}</td><td>更换前减震器</td></tr>"
                        for i in range(rows))
    pdf.write_html(f"<h1>领料单</h1><table width='100%'><thead><tr><th>VIN</th><th>车牌</th><th>项目</th></tr>"
                   f"</thead><tbody>{rows_html}</tbody></table>", font_family="cjk")
    pdf.signature_lines(["领料人", "库管员"])
    return bytes(pdf.output())


@needs_font
@needs_poppler
def test_pdf_embeds_a_subset_of_the_cjk_font_and_its_text_extracts(tmp_path):
    path = tmp_path / "doc.pdf"
    with translation.override("zh-hans"):
        path.write_bytes(_pdf_with_rows(60))
    fonts_table = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk_rows = [line for line in fonts_table.splitlines() if "CJK" in line]
    assert cjk_rows and all(" yes yes yes " in line for line in cjk_rows)  # embedded, subset, unicode map
    assert path.stat().st_size < 200_000  # a subset, not the 20 MB collection
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    for page_no, page in enumerate(p for p in pages if p.strip()):
        assert "朝阳汇通4S店" in page and "领料单" in page  # header on every page
        assert re.search(rf"第\s*{page_no + 1}\s*页\s*/\s*共\s*2\s*页", page)  # "page n / N" with N filled in
    assert "LSJA24U6XJG000059" in text and "更换前减震器" in text and "京A12349" in text
    assert "领料人" in pages[1] and "库管员" in pages[1]  # signature lines close the document


@needs_font
def test_render_pdf_lays_out_a_django_template(tmp_path, settings):
    (tmp_path / "sheet.html").write_text("<h1>{{ title }}</h1><p>客户：{{ name }}</p>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    pdf = render_pdf("sheet.html", {"title": "结算单", "name": "张三"}, title="结算单", organisation_name="甲4S店")
    assert pdf.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        path = tmp_path / "s.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "客户：张三" in text and "甲4S店" in text
