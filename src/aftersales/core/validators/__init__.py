"""Validators and normalisers for China after-sales data (VIN, plates, phones, resident IDs).

Pure Python apart from Django's ``ValidationError``, translation helpers and ``TextChoices``, so
they run in forms, serializers, importers and model ``validators=[...]`` alike.  The rules come
from /work/shared/DOMAIN.md (GB 16735, GA 36, GB 11643).  User-visible messages are English msgids;
the Simplified Chinese catalogue translates them.

Conventions:
- ``normalise_*`` clean up input and never judge it (``normalise_phone`` excepted: parsing is the
  normalisation, so it raises ``ValueError`` on text it cannot read).
- ``validate_*`` return the normalised value or raise ``ValidationError`` with a stable ``code``
  and ``params`` that other code (and the UI) may rely on.
- ``*_validator`` are thin callables for model/form field ``validators=[...]``; they validate
  only — store the value returned by the matching ``validate_*``/``normalise_*`` function.

One module per identifier (``vin``, ``plates``, ``phones``, ``resident_id``) plus ``masking`` and
``common``; this package re-exports the public names so ``from aftersales.core.validators import
validate_vin`` keeps working everywhere.
"""

from __future__ import annotations

from .masking import mask_address, mask_name
from .phones import (
    PhoneKind,
    format_phone,
    mask_phone,
    normalise_phone,
    phone_digits,
    phone_kind,
    phone_validator,
    validate_phone,
)
from .plates import (
    PLATE_PROVINCES,
    PlateKind,
    classify_plate,
    normalise_plate,
    plate_province,
    plate_validator,
    validate_plate,
)
from .resident_id import mask_resident_id, resident_id_check_char, resident_id_validator, validate_resident_id
from .vin import (
    VIN_ALPHABET,
    VIN_LENGTH,
    VIN_OVERRIDABLE_CODES,
    normalise_vin,
    validate_vin,
    vin_check_digit,
    vin_model_year,
    vin_validator,
)

__all__ = [
    "PLATE_PROVINCES",
    "VIN_ALPHABET",
    "VIN_LENGTH",
    "VIN_OVERRIDABLE_CODES",
    "PhoneKind",
    "PlateKind",
    "classify_plate",
    "format_phone",
    "mask_address",
    "mask_name",
    "mask_phone",
    "mask_resident_id",
    "normalise_phone",
    "normalise_plate",
    "normalise_vin",
    "phone_digits",
    "phone_kind",
    "phone_validator",
    "plate_province",
    "plate_validator",
    "resident_id_check_char",
    "resident_id_validator",
    "validate_phone",
    "validate_plate",
    "validate_resident_id",
    "validate_vin",
    "vin_check_digit",
    "vin_model_year",
    "vin_validator",
]
