"""Licence plates (GA 36): the legal families, their province prefix, and the suggestion for I/O."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .common import SEPARATORS as _PLATE_STRIP
from .common import fold as _nfkc

PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_P = f"[{PLATE_PROVINCES}]"
_AUTH = "[A-Z]"  # issuing-authority letter
_SER = "[A-HJ-NP-Z0-9]"  # serial characters: never I or O
_ENERGY = "[DABCEFGHJK]"  # D A B C E pure electric; F G H J K other new energy


class PlateKind(models.TextChoices):
    """Plate families the system understands; ``OTHER`` is free text (emergency, test, military…)."""

    ORDINARY = "ordinary", _("Ordinary")
    NEW_ENERGY_SMALL = "new_energy_small", _("New energy (small vehicle)")
    NEW_ENERGY_LARGE = "new_energy_large", _("New energy (large vehicle)")
    SUFFIXED = "suffixed", _("Police, driving-school, trailer or consular (警学挂领)")
    HK_MACAO = "hk_macao", _("Hong Kong / Macao cross-border (粤Z)")
    OTHER = "other", pgettext_lazy("plate type", "Other")


_PLATE_PATTERNS: tuple[tuple[PlateKind, re.Pattern[str]], ...] = (
    (PlateKind.HK_MACAO, re.compile(f"粤Z{_SER}{{4}}[港澳]")),
    (PlateKind.ORDINARY, re.compile(f"{_P}{_AUTH}{_SER}{{5}}")),
    (PlateKind.NEW_ENERGY_SMALL, re.compile(f"{_P}{_AUTH}{_ENERGY}{_SER}[0-9]{{4}}")),
    (PlateKind.NEW_ENERGY_LARGE, re.compile(f"{_P}{_AUTH}[0-9]{{5}}{_ENERGY}")),
    (PlateKind.SUFFIXED, re.compile(f"{_P}{_AUTH}{_SER}{{4}}[警学挂领]")),
)

_MSG_PLATE_INVALID = _(
    "Not a valid plate number. Accepted formats: 京A12345; new energy 沪AD12345 or 苏E12345F; "
    "京A1234学; 粤Z1234港."
)
_MSG_PLATE_SUGGEST = _("Plate numbers do not use the letters I or O; did you mean %(suggestion)s?")
_MSG_PLATE_PROVINCE = _(
    "A plate starts with a province abbreviation such as 京, 沪 or 粤; “%(found)s” is not one."
)


def normalise_plate(raw: str) -> str:
    """Drop spaces (incl. full-width), middle dots, dashes, dots, underscores and upper-case, as
    plates are printed as 京A·12345 but searched and stored without decoration."""
    return _PLATE_STRIP.sub("", _nfkc(raw)).upper()


def classify_plate(raw: str) -> PlateKind | None:
    """The legal plate family of ``raw``, or ``None`` if it matches none (never ``OTHER``)."""
    plate = normalise_plate(raw)
    for kind, pattern in _PLATE_PATTERNS:
        if pattern.fullmatch(plate):
            return kind
    return None


def plate_province(plate: str) -> str:
    """Province abbreviation of a plate (e.g. '粤'), or '' when it does not start with one."""
    first = normalise_plate(plate)[:1]
    return first if first and first in PLATE_PROVINCES else ""


def validate_plate(raw: str, *, allow_other: bool = False) -> tuple[str, PlateKind]:
    """Return ``(normalised, kind)`` or raise ``ValidationError``.

    Codes: ``plate_province`` (params ``found``) when the first character is not one of the 31
    province abbreviations, else ``plate_invalid`` (params ``suggestion`` when replacing I/O by
    1/0 after the authority letter makes it valid).  With ``allow_other`` any non-empty text is
    accepted as ``PlateKind.OTHER``, because special plates are recorded, not rejected.
    """
    plate = normalise_plate(raw)
    kind = classify_plate(plate)
    if kind is not None:
        return plate, kind
    if allow_other and plate:
        return plate, PlateKind.OTHER
    if plate and not plate_province(plate):
        raise ValidationError(_MSG_PLATE_PROVINCE, code="plate_province", params={"found": plate[0]})
    suggestion = plate[:2] + plate[2:].replace("I", "1").replace("O", "0")
    if suggestion != plate and classify_plate(suggestion) is not None:
        raise ValidationError(_MSG_PLATE_SUGGEST, code="plate_invalid", params={"suggestion": suggestion})
    raise ValidationError(_MSG_PLATE_INVALID, code="plate_invalid")


def plate_validator(value: str) -> None:
    """Field validator for plates of a legal family (special plates need ``allow_other``)."""
    validate_plate(value)
