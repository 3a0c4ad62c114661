"""Identifiers, stricter where the standards say so (issue 8 item 10; R-CUS-1, R-CUS-2, R-CUS-7).

Expected values come from the standards, worked out here by hand, never from the code under test:
GB 16735 / ISO 3779 (VIN: check digit, position 10 year codes, which never use U, Z or 0), GB 11643
with GB/T 2260 (resident ID: the first two digits are a province), the numbering plan of the MIIT
(mobile 1[3-9]…, landline 0 + area code, 400/800 without area code), GA 36 (plates).  Every case is
also run through the whole-column twins of the import, which must give the same value and message.
"""

from __future__ import annotations

import polars as pl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

if not settings.configured:
    settings.configure(USE_I18N=False)

from aftersales.core import validators as v  # noqa: E402
from aftersales.core.imports import vectorised as V  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _english_messages():
    with translation.override("en"):
        yield


# --- independent oracles (DOMAIN.md formulas) -------------------------------------------------

_TRANSLIT = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
             **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
             **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
_ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def with_vin_check(vin: str) -> str:
    r = sum(_TRANSLIT[c] * w for c, w in zip(vin, _VIN_W, strict=True)) % 11
    return vin[:8] + ("X" if r == 10 else str(r)) + vin[9:]


def with_id_check(id17: str) -> str:
    return id17 + "10X98765432"[sum(int(c) * w for c, w in zip(id17, _ID_W, strict=True)) % 11]


def code_of(func, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    return info.value.code


def column_phone(raw: str) -> tuple[str | None, str | None]:
    df = V.phone_columns(pl.DataFrame({"x": [raw]}, schema={"x": pl.String}), "x", "o")
    return df["o"][0], df["o_err"][0]


def column_vin(raw: str) -> tuple[str, str | None]:
    df = V.vin_columns(pl.DataFrame({"x": [raw]}, schema={"x": pl.String}), "x", "o")
    return df["o"][0], df["o_err"][0]


def column_id(raw: str) -> tuple[str, str | None]:
    value, error = V.resident_id_check(pl.col("x"))
    row = pl.DataFrame({"x": [raw]}).select(value, error.alias("e")).row(0)
    return row[0], row[1]


def column_plate(raw: str) -> tuple[str, str | None]:
    plate, _kind, error = V.plate_check(pl.col("x"))
    return pl.DataFrame({"x": [raw]}).select(plate.alias("p"), error.alias("e")).row(0)


def python_message(func, raw):
    try:
        func(raw)
    except ValidationError as exc:
        return exc.messages[0]
    return None


# --- ASCII digits only -------------------------------------------------------------------------

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


@pytest.mark.parametrize("table", [ARABIC_INDIC, DEVANAGARI])
def test_phone_in_other_scripts_digits_is_stored_as_ascii(table):
    """R-CUS-1: a mobile typed with Arabic-Indic or Devanagari digits is stored as +86 and ASCII."""
    typed = "13812345678".translate(table)
    assert v.validate_phone(typed) == "+8613812345678"
    assert column_phone(typed) == ("+8613812345678", None)
    assert v.validate_phone("0792-4308059".translate(table)) == "+867924308059"


def test_resident_id_in_arabic_indic_digits_is_stored_as_ascii():
    """R-CUS-1: the ID number is folded to ASCII digits, never stored as typed."""
    typed = "11010519491231002X".translate(ARABIC_INDIC)
    assert v.validate_resident_id(typed) == "11010519491231002X"
    assert column_id(typed) == ("11010519491231002X", None)


# --- landline extension ------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "e164"), [
    ("0792-4308059-3", "+867924308059;ext=3"),      # 九江 7-digit number + extension 3
    ("0755-8123456-12", "+867558123456;ext=12"),
    ("010-62345678-123", "+861062345678;ext=123"),
    ("+86-792-4308059-3", "+867924308059;ext=3"),
    ("010-6234-5678", "+861062345678"),             # grouped 8-digit number, not an extension
    ("021-6123-4567", "+862161234567"),
    ("400-123-4567", "+864001234567"),
])
def test_trailing_dash_group_after_a_landline_is_its_extension(typed, e164):
    """R-CUS-1: 0792-4308059-3 keeps the number and extension 3, never the glued 0792-43080593."""
    assert v.validate_phone(typed) == e164
    assert column_phone(typed) == (e164, None)


def test_extension_shows_as_zhuan_and_is_not_part_of_the_searchable_digits():
    assert v.format_phone(v.validate_phone("0792-4308059-3")) == "0792-4308059 转 3"
    assert v.phone_digits(v.validate_phone("0792-4308059-3")) == "7924308059"


# --- 0400 / 0800 / 0950 are not area codes ------------------------------------------------------

@pytest.mark.parametrize("typed", ["0400-123-4567", "0400 1234567", "08001234567", "0950-1234567", "0950 12345678"])
def test_service_prefixes_typed_as_area_codes_are_not_landlines(typed):
    """R-CUS-1: no Chinese area code is 0400, 0800 or 0950; the message says to drop the 0."""
    with pytest.raises(ValidationError) as info:
        v.validate_phone(typed)
    message = info.value.messages[0]
    assert "is not an area code" in message and typed[:4] in message
    assert column_phone(typed) == (None, message)


@pytest.mark.parametrize(("typed", "e164"), [("0951-1234567", "+869511234567"), ("0401-1234567", "+864011234567"),
                                             ("0801-12345678", "+8680112345678")])
def test_real_area_codes_next_to_them_still_work(typed, e164):
    """0951 银川 is a real area code; only 400, 800 and 950 themselves are refused."""
    assert v.validate_phone(typed) == e164


# --- resident ID province (GB/T 2260) ------------------------------------------------------------

GB_T_2260 = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
             "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
             "71", "81", "82"]


@pytest.mark.parametrize("province", GB_T_2260)
def test_every_gbt2260_province_is_accepted(province):
    number = with_id_check(f"{province}0105" + "19491231" + "002")
    assert v.validate_resident_id(number) == number
    assert column_id(number) == (number, None)


@pytest.mark.parametrize("province", ["00", "10", "16", "20", "24", "30", "38", "40", "47", "55", "60", "66", "70",
                                      "80", "83", "90", "99"])
def test_first_two_digits_outside_gbt2260_are_refused(province):
    """R-CUS-1: an ID with a correct check character but no such province is refused and says why."""
    number = with_id_check(f"{province}0105" + "19491231" + "002")
    assert code_of(v.validate_resident_id, number) == "id_province"
    message = python_message(v.validate_resident_id, number)
    assert f"“{province}”" in message
    assert column_id(number)[1] == message


# --- VIN position 10 ----------------------------------------------------------------------------

@pytest.mark.parametrize("year", ["U", "Z", "0"])
def test_vin_tenth_character_u_z_0_is_not_a_model_year(year):
    """R-CUS-2: ISO 3779 never uses U, Z or 0 as a year code, even when the check digit agrees."""
    vin = with_vin_check("LSJA24U60" + year + "G269225")
    assert code_of(v.validate_vin, vin) == "vin_model_year"
    message = python_message(v.validate_vin, vin)
    assert "Position 10" in message and year in message
    assert column_vin(vin) == (vin, message)
    # the audited override of a legacy VIN waives it
    assert v.validate_vin(vin, check_digit=False) == vin
    assert "vin_model_year" in v.VIN_OVERRIDABLE_CODES


@pytest.mark.parametrize("year", list("ABCDEFGHJKLMNPRSTVWXY123456789"))
def test_every_year_code_is_accepted(year):
    vin = with_vin_check("LSJA24U60" + year + "G269225")
    assert v.validate_vin(vin) == vin
    assert column_vin(vin) == (vin, None)


# --- separators ----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "LSJA.24U62.JG269225", "LSJA_24U62_JG269225", "LSJA·24U62·JG269225", "LSJA‐24U62‑JG269225",
    "LSJA–24U62—JG269225", "LSJA−24U62―JG269225", "LSJA・24U62JG269225", "LSJA－24U62．JG269225",
    "LSJA 24U62。JG269225",
])
def test_vin_decoration_is_stripped_like_spaces(typed):
    """R-CUS-2: full stops, underscores, middle dots and dash look-alikes are not part of a VIN."""
    assert v.validate_vin(typed) == "LSJA24U62JG269225"
    assert column_vin(typed) == ("LSJA24U62JG269225", None)


@pytest.mark.parametrize("typed", ["京A.12345", "京A_12345", "京A·12345", "京A‧12345", "京A—12345", "京A−12345",
                                   "京A．12345", "京A。12345"])
def test_plate_decoration_is_stripped(typed):
    assert v.validate_plate(typed) == ("京A12345", v.PlateKind.ORDINARY)
    assert column_plate(typed) == ("京A12345", None)


@pytest.mark.parametrize("typed", ["110105.19491231.002X", "110105_19491231_002X", "110105·19491231·002x",
                                   "110105—19491231—002X", "110105－19491231－002X", "110105 1949 1231 002X"])
def test_resident_id_decoration_is_stripped(typed):
    assert v.validate_resident_id(typed) == "11010519491231002X"
    assert column_id(typed) == ("11010519491231002X", None)


# --- numeric spreadsheet cells --------------------------------------------------------------------

@pytest.mark.parametrize("cell", [13812345678, 13812345678.0, "13812345678.0", "13812345678.00"])
def test_numeric_mobile_cell_is_its_digits(cell):
    """R-CUS-7: a spreadsheet number (int, float or its text 13812345678.0) is the mobile, no crash."""
    assert v.validate_phone(cell) == "+8613812345678"
    assert v.mask_phone(cell) == "138****5678"
    if isinstance(cell, str):
        assert column_phone(cell) == ("+8613812345678", None)


def test_numeric_id_cells():
    """An int keeps its digits; a float cannot hold 18 digits and is refused with the reason."""
    assert v.validate_resident_id(440524188001010014) == "440524188001010014"
    assert v.validate_resident_id("440524188001010014.0") == "440524188001010014"
    assert code_of(v.validate_resident_id, 440524188001010014.0) == "id_lost_digits"
    assert code_of(v.validate_phone, 13812345678.5) == "phone_invalid"
    assert code_of(v.validate_vin, 12345) == "vin_length"


# --- mobile with trunk 0 --------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["013812345678", "0138-1234-5678", "0 138 1234 5678"])
def test_mobile_with_leading_trunk_zero_is_the_mobile(typed):
    """R-CUS-1: 013812345678 (dialled as a long-distance call) is the mobile 13812345678."""
    assert v.validate_phone(typed) == "+8613812345678"
    assert v.phone_kind(v.validate_phone(typed)) == "mobile"
    assert column_phone(typed) == ("+8613812345678", None)
