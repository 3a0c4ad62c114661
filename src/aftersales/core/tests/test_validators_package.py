"""The identifier validators are one module per identifier, and every old import path still works.

R-CUS-2 / R-SYS-3: forms, API, imports and migrations import ``aftersales.core.validators`` names;
the split must not change what those callers get (the behaviour tests in ``test_validators.py`` run
against the package unchanged).
"""

from __future__ import annotations

import importlib

import pytest

# The names callers imported from the single module before it became a package (grep of main).
OLD_PUBLIC_NAMES = {
    "vin": ["VIN_ALPHABET", "VIN_LENGTH", "normalise_vin", "validate_vin", "vin_check_digit",
            "vin_model_year", "vin_validator"],
    "plates": ["PLATE_PROVINCES", "PlateKind", "classify_plate", "normalise_plate", "plate_province",
               "plate_validator", "validate_plate"],
    "phones": ["PhoneKind", "format_phone", "mask_phone", "normalise_phone", "phone_digits", "phone_kind",
               "phone_validator", "validate_phone"],
    "resident_id": ["mask_resident_id", "resident_id_check_char", "resident_id_validator",
                    "validate_resident_id"],
    "masking": ["mask_address", "mask_phone", "mask_resident_id"],
}


@pytest.mark.parametrize(("module", "name"), [(m, n) for m, names in OLD_PUBLIC_NAMES.items() for n in names])
def test_old_import_path_gives_the_identifier_modules_object(module, name):
    """R-CUS-2: ``from aftersales.core.validators import X`` is the very object of its own module."""
    package = importlib.import_module("aftersales.core.validators")
    submodule = importlib.import_module(f"aftersales.core.validators.{module}")
    assert getattr(package, name) is getattr(submodule, name)


def test_migration_reference_to_phone_validator_still_resolves():
    """R-SYS-3: parts/0001 stores ``aftersales.core.validators.phone_validator``; it must import."""
    import aftersales.core.validators

    assert aftersales.core.validators.phone_validator("13812345678") is None


def test_every_exported_name_exists():
    """R-CUS-2: ``__all__`` lists nothing that is missing (a star import would fail)."""
    package = importlib.import_module("aftersales.core.validators")
    missing = [n for n in package.__all__ if not hasattr(package, n)]
    assert missing == []
