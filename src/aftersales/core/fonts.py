"""Finding one Chinese (CJK) font on this machine, for charts and printable PDF documents.

Charts in PNG and every PDF must draw Chinese glyphs, and a font cannot be assumed: a fresh Debian
server has none until ``fonts-noto-cjk`` is installed, a dealer's Windows PC has SimSun / Microsoft
YaHei.  No font ships with the package (no well-kept PyPI package carries a Noto / Source Han CJK
font, and a font file is never committed, ADR 0011), so the order is:

1. the setting ``AFTERSALES_PDF_FONT`` (a path, optionally ``path#index`` for a face of a .ttc);
2. ``fc-match`` for the Simplified Chinese Noto / Source Han / WenQuanYi families;
3. well-known paths (Debian/Ubuntu, Fedora, macOS, Windows).

When none is found the caller gets :class:`CjkFontMissing` with what to install, and the system check
``aftersales.W011`` says the same at start-up.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# Face order inside Noto/Source Han .ttc collections: JP, KR, SC, TC, HK — index 2 is Simplified.
_NOTO_SC_INDEX = 2

# (path, face index) in order of preference; the first that exists wins.
KNOWN_FONT_FILES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", _NOTO_SC_INDEX),  # Debian/Ubuntu fonts-noto-cjk
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", _NOTO_SC_INDEX),  # Arch
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", _NOTO_SC_INDEX),  # Fedora
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", _NOTO_SC_INDEX),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # Debian fonts-wqy-microhei
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),  # macOS
    ("C:/Windows/Fonts/msyh.ttc", 0),  # Microsoft YaHei
    ("C:/Windows/Fonts/simsun.ttc", 0),  # SimSun
    ("C:/Windows/Fonts/simhei.ttf", 0),
)
FC_MATCH_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei")
# What a browser should try for chart text (SVG keeps text as text, drawn with the viewer's fonts).
WEB_FONT_STACK = ("'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
                  "SimSun, 'WenQuanYi Micro Hei', sans-serif")


class CjkFontMissing(RuntimeError):
    """No font able to draw Chinese was found; the message says what to install."""


@dataclass(frozen=True)
class CjkFont:
    path: Path
    index: int = 0  # face number inside a .ttc collection

    @property
    def bold_variant(self) -> CjkFont:
        """The bold file next to a Noto/Source Han regular one, else this font (headings stay legible)."""
        bold = self.path.with_name(self.path.name.replace("Regular", "Bold"))
        return CjkFont(bold, self.index) if bold != self.path and bold.exists() else self


def missing_font_message() -> str:
    return _("No Chinese font found for charts and PDF documents: install fonts-noto-cjk (Debian/Ubuntu: "
             "apt install fonts-noto-cjk) or set AFTERSALES_PDF_FONT to the path of a CJK font "
             "(e.g. C:/Windows/Fonts/simsun.ttc).")


def _parse_setting(value: str) -> CjkFont:
    path, _sep, index = value.partition("#")
    return CjkFont(Path(path), int(index) if index.isdigit() else 0)


def _fc_match(family: str) -> CjkFont | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family}", f"{family}:lang=zh-cn"],
                             capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _tab, rest = out.partition("\t")
    index, _tab, families = rest.partition("\t")
    # fc-match always answers something (DejaVu at worst): accept it only if it is the family asked for.
    if path and family.lower() in families.lower() and Path(path).exists():
        return CjkFont(Path(path), int(index) if index.isdigit() else 0)
    return None


@functools.cache
def _discover(configured: str) -> CjkFont | None:
    if configured:
        font = _parse_setting(configured)
        return font if font.path.is_file() else None
    for family in FC_MATCH_FAMILIES:
        if font := _fc_match(family):
            return font
    for path, index in KNOWN_FONT_FILES:
        if Path(path).is_file():
            return CjkFont(Path(path), index)
    return None


def find_cjk_font() -> CjkFont | None:
    """The CJK font to use, or None.  A configured path that does not exist counts as none found,
    so a typo in ``AFTERSALES_PDF_FONT`` is reported instead of silently printing empty boxes."""
    return _discover(getattr(settings, "AFTERSALES_PDF_FONT", "") or "")


def require_cjk_font() -> CjkFont:
    font = find_cjk_font()
    if font is None:
        raise CjkFontMissing(missing_font_message())
    return font
