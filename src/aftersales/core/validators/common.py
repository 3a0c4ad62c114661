"""Shared helpers of the identifier validators: text of a cell, Unicode folding, separators, the mask.

Kept apart so every identifier module folds input the same way: a full-width or Arabic-Indic digit
typed with an IME must behave like its ASCII twin in the VIN, the plate, the phone and the ID
number, and is never stored as typed (issue 8 item 10).
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from decimal import Decimal

MASK = "****"


@functools.cache
def unicode_digits() -> dict[str, str]:
    """Every non-ASCII Unicode decimal digit (category Nd) with its ASCII value (for polars).

    NFKC folds full-width digits but leaves Arabic-Indic (٣), Devanagari (३) and other scripts'
    digits alone, while Python's ``\\d`` / ``str.isdigit`` accept them: without a fold they were
    stored as typed.  Built on first use (a scan of the code space) so importing stays cheap.
    """
    return {ch: str(unicodedata.decimal(ch)) for ch in map(chr, range(0x80, sys.maxunicode + 1))
            if unicodedata.category(ch) == "Nd"}


# Decoration people type or paste inside VINs, plates and ID numbers: whitespace, full stops,
# underscores, middle dots and every dash look-alike an IME or a word processor produces.  Applied
# after NFKC, which already maps the full-width forms (－ ． ＿ ･) onto these.
SEPARATOR_CHARS = (
    r"\s._"
    "·‧∙⋅・•⸱ꞏ"  # middle dots: U+00B7 U+2027 U+2219 U+22C5 U+30FB U+2022 U+2E31 U+A78F
    "。"  # ideographic full stop U+3002
    r"\-"
    "‐‑‒–—―−﹘⁃ー"  # U+2010-2015 dashes, U+2212 minus, U+FE58, U+2043, U+30FC prolonged sound mark
)
SEPARATORS = re.compile(f"[{SEPARATOR_CHARS}]+")


def as_text(raw) -> str:
    """Text of a value that may come from a spreadsheet cell or JSON as a number.

    ``13812345678`` and ``13812345678.0`` give ``"13812345678"`` (a whole float is its digits);
    ``None`` gives ``""``; anything else its ``str``.  Validators never crash on a number.
    """
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, Decimal):
        return str(int(raw)) if raw.is_finite() and raw == raw.to_integral_value() else str(raw)
    return str(raw)


def fold(raw) -> str:
    """NFKC (full-width letters, digits, punctuation → ASCII) and every Unicode digit → ASCII."""
    text = unicodedata.normalize("NFKC", as_text(raw))
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def nfkc(raw) -> str:
    """Kept name of :func:`fold` for callers of the single-module validators."""
    return fold(raw)


def positions(indexes: list[int]) -> str:
    """1-based, comma-separated positions for messages."""
    return ", ".join(str(i + 1) for i in indexes)
