"""Shared helpers of the identifier validators: Unicode folding, message positions, the mask.

Kept apart so every identifier module folds input the same way (a full-width digit typed with a
Chinese IME must behave like its ASCII twin in the VIN, the plate, the phone and the ID number).
"""

from __future__ import annotations

import unicodedata

MASK = "****"


def nfkc(raw: str) -> str:
    """Fold full-width digits, letters and punctuation (common with Chinese IMEs) to ASCII."""
    return unicodedata.normalize("NFKC", raw or "")


def positions(indexes: list[int]) -> str:
    """1-based, comma-separated positions for messages."""
    return ", ".join(str(i + 1) for i in indexes)
