"""One chart code path for every output: SVG inlined in pages, PNG for e-mail, Excel and PDF.

matplotlib with the Agg canvas and a :class:`matplotlib.figure.Figure` per chart — never pyplot,
whose global "current figure" is not safe in threaded web processes.  Settings are applied with
``rc_context`` around drawing only, so one chart cannot leak style into another.

SVG keeps text as text (``svg.fonttype = "none"``): labels stay sharp, selectable and searchable,
and the browser draws them with the viewer's Chinese font (:data:`fonts.WEB_FONT_STACK`).  The page
CSP forbids inline ``style`` attributes (``style-src 'self'``), which matplotlib writes on every
element, so :meth:`Chart.svg` rewrites them as SVG presentation attributes (``fill="…"``), which
CSP does not govern.  PNG is drawn with the CJK font found by :mod:`aftersales.core.fonts`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit; harmless if already set

from django.utils.safestring import SafeString, mark_safe  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .fonts import WEB_FONT_STACK, find_cjk_font  # noqa: E402

# Colour-blind-safe palette (Okabe–Ito), in series order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
KINDS = ("line", "bar", "grouped_bar", "stacked_bar")


@functools.cache
def _font_family() -> str | None:
    """Register the CJK font with matplotlib once per process; its family name, or None."""
    font = find_cjk_font()
    if font is None:
        return None
    font_manager.fontManager.addfont(str(font.path))
    faces = [f for f in font_manager.fontManager.ttflist if f.fname == str(font.path)]
    preferred = [f.name for f in faces if f.name.endswith(" SC")]
    return (preferred or [f.name for f in faces] or [None])[0]


def _rc() -> dict:
    family = _font_family()
    return {
        "svg.fonttype": "none",
        "font.family": ["sans-serif"],
        "font.sans-serif": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
        "axes.unicode_minus": False,  # CJK fonts often lack U+2212
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "svg.hashsalt": "aftersales",  # stable ids: the same data gives the same SVG
    }


@dataclass
class Chart:
    """A chart of one or more named series over shared categories (periods, kinds, dealers).

    ``series`` maps a legend label to one value per category, in category order.
    """

    kind: str
    title: str
    categories: Sequence[str]
    series: Mapping[str, Sequence[float]]
    y_label: str = ""
    x_label: str = ""
    size: tuple[float, float] = (7.0, 3.2)  # inches; 100 dpi PNG = 700 × 320 px
    _figure: Figure | None = field(default=None, init=False, repr=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"chart kind must be one of {KINDS}, not {self.kind!r}")
        for label, values in self.series.items():
            if len(values) != len(self.categories):
                raise ValueError(f"series {label!r} has {len(values)} values for {len(self.categories)} categories")

    @property
    def is_empty(self) -> bool:
        return not self.categories or not any(any(v for v in vals) for vals in self.series.values())

    def figure(self) -> Figure:
        if self._figure is None:
            with matplotlib.rc_context(_rc()):
                self._figure = self._draw()
        return self._figure

    def _draw(self) -> Figure:
        fig = Figure(figsize=self.size, layout="constrained")
        ax = fig.add_subplot()
        positions = list(range(len(self.categories)))
        n = max(len(self.series), 1)
        bottom = [0.0] * len(positions)
        for i, (label, values) in enumerate(self.series.items()):
            values = [float(v or 0) for v in values]
            if self.kind == "line":
                ax.plot(positions, values, marker="o", label=label)
            elif self.kind == "bar":
                ax.bar(positions, values, label=label)
            elif self.kind == "grouped_bar":
                width = 0.8 / n
                ax.bar([p - 0.4 + width * (i + 0.5) for p in positions], values, width=width, label=label)
            else:  # stacked_bar
                ax.bar(positions, values, bottom=bottom, label=label)
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_xticks(positions, list(self.categories))
        if len(self.categories) > 8:
            ax.tick_params(axis="x", labelrotation=45)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(self.title)
        ax.set_ylabel(self.y_label)
        ax.set_xlabel(self.x_label)
        ax.grid(axis="y", alpha=0.3)
        if len(self.series) > 1 or self.kind != "bar":
            ax.legend(frameon=False, fontsize="small")
        return fig

    def png(self, dpi: int = 100) -> bytes:
        """PNG bytes: for e-mail, ``openpyxl.drawing.image.Image(io.BytesIO(...))`` and PDF."""
        buf = io.BytesIO()
        with matplotlib.rc_context(_rc()):
            self.figure().savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()

    def png_data_uri(self, dpi: int = 150) -> str:
        """The PNG as a ``data:`` URI, for ``<img>`` in PDF templates and HTML e-mail."""
        return "data:image/png;base64," + base64.b64encode(self.png(dpi=dpi)).decode("ascii")

    def svg(self) -> SafeString:
        """An ``<svg>`` element to inline in a page, CSP-clean and scaling to its container."""
        buf = io.StringIO()
        with matplotlib.rc_context(_rc()):
            self.figure().savefig(buf, format="svg")
        return mark_safe(_inline_svg(buf.getvalue(), self.title))  # noqa: S308 — our own matplotlib output


_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_PROPERTY = re.compile(r"^[a-z-]+$")


def _presentation_attributes(match: re.Match) -> str:
    attrs = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not _PROPERTY.match(name) or not value:
            continue
        if name == "font-family":
            value = WEB_FONT_STACK
        value = value.replace('"', "'")
        attrs.append(f' {name}="{value}"')
    return "".join(attrs)


def _inline_svg(document: str, title: str) -> str:
    """matplotlib's standalone SVG → an element fit for inlining under ``style-src 'self'``."""
    from django.utils.html import escape

    svg = document[document.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    # The global "* {stroke-linejoin…}" rule would need 'unsafe-inline'; set it on the root instead.
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    svg = _STYLE_ATTR.sub(_presentation_attributes, svg)
    # Several charts on one page: make matplotlib's ids ("figure_1", clip paths) unique per chart.
    prefix = "c" + hashlib.blake2s(svg.encode(), digest_size=4).hexdigest() + "-"
    svg = re.sub(r'\bid="', f'id="{prefix}', svg)
    svg = re.sub(r'(url\(#|href="#)', rf"\g<1>{prefix}", svg)
    svg = re.sub(r'<svg([^>]*?)\swidth="[^"]*"\sheight="[^"]*"',
                 rf'<svg\1 role="img" aria-label="{escape(title)}" class="as-chart" '
                 r'stroke-linejoin="round" stroke-linecap="butt"', svg, count=1)
    return svg.strip()
