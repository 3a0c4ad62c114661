"""The whole-column validators agree with the per-value ones of core.validators (DOMAIN.md vectors
plus a hypothesis sample)."""

from __future__ import annotations

import polars as pl
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.core import validators as v
from aftersales.core.imports import vectorised as V

VINS = ["LSJA24U62JG269225", "LDC613P23A1305189", "1M8GDM9AXKP042788", "LSJA24U63JG269225", "lsja-24u62 jg269225",
        "LSJA24U6", "LSJA24UO2JG269225", "LSJAI4U62JG269225", "LSJA24U6#JG269225", "", "ＬＳＪＡ24U62JG269225",
        "LSJA24U67UG269225", "LSJA.24U62_JG269225", "LSJA·24U62—JG269225"]
PLATES = ["京A12345", "沪AD12345", "粤BAA1234", "苏E12345F", "粤Z1234港", "京A1234学", "京A·12345", "京A1234", "京AI2345",
          "京AD1234A", "港A12345", "京AO1234", "", "x"]
PHONES = ["13812345678", "+86 138-1234-5678", "008613812345678", "8613812345678", "010-12345678", "010-12345678-123",
          "0755-1234567 转 123", "(0755)1234567", "4001234567", "400-123-4567", "12345678", "abc", "+86 10 12345678",
          "13812345678 ext 12", "021 1234 5678 x 9", "+86(10)12345678", "１３８１２３４５６７８", "", "0101234567",
          # issue 8 item 10: extension after a dash, trunk-0 mobile, no 0400/0800/0950 area, other digits, number cells
          "0792-4308059-3", "013812345678", "0400-123-4567", "0800 1234567", "0950-1234567", "١٣٨١٢٣٤٥٦٧٨",
          "13812345678.0", "0792-4308059.0"]
IDS = ["11010519491231002X", "440524188001010014", "110105194912310021", "11010519491331002X", "1101051949123100",
       "11010530001231002X", "ABC", "11010519490229002X",
       "990105194912310023", "110105.19491231.002X", "440524188001010014.0", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"]


def _vin_py(raw):
    try:
        return v.validate_vin(raw), None
    except ValidationError as exc:
        return v.normalise_vin(raw), exc.messages[0]


def _phone_py(raw):
    try:
        return v.validate_phone(raw), None
    except ValidationError as exc:
        return None, exc.messages[0]


def _plate_py(raw):
    try:
        plate, kind = v.validate_plate(raw)
        return plate, kind.value, None
    except ValidationError as exc:
        return v.normalise_plate(raw), None, exc.messages[0]


def _id_py(raw):
    try:
        return v.validate_resident_id(raw), None
    except ValidationError as exc:
        return None, exc.messages[0]


def assert_vins_agree(values):
    df = V.vin_columns(pl.DataFrame({"x": values}, schema={"x": pl.String}), "x", "o")
    for raw, norm, error in zip(values, df["o"], df["o_err"], strict=True):
        assert (norm, error) == _vin_py(raw), raw


def assert_phones_agree(values):
    df = V.phone_columns(pl.DataFrame({"x": values}, schema={"x": pl.String}), "x", "o")
    for raw, e164, error in zip(values, df["o"], df["o_err"], strict=True):
        assert (e164, error) == _phone_py(raw), raw


def assert_plates_agree(values):
    plate, kind, error = V.plate_check(pl.col("x"))
    df = pl.DataFrame({"x": values}).select(plate.alias("p"), kind.alias("k"), error.alias("e"))
    for raw, row in zip(values, df.iter_rows(), strict=True):
        assert row == _plate_py(raw), raw


def assert_ids_agree(values):
    value, error = V.resident_id_check(pl.col("x"))
    df = pl.DataFrame({"x": values}).select(value.alias("v"), error.alias("e"))
    for raw, (norm, err) in zip(values, df.iter_rows(), strict=True):
        py_norm, py_err = _id_py(raw)
        assert err == py_err, raw
        if py_err is None:
            assert norm == py_norm


def test_domain_vectors_agree():
    assert_vins_agree(VINS)
    assert_phones_agree(PHONES)
    assert_plates_agree(PLATES)
    assert_ids_agree(IDS)


VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZIOQ -"
PHONE_CHARS = "0123456789 -+()转x.٣"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=VIN_CHARS, min_size=15, max_size=19), min_size=1, max_size=30))
def test_vin_sample_agrees(values):
    # make about half of them carry the right check digit
    fixed = []
    for s in values:
        n = v.normalise_vin(s)
        if len(n) == 17 and set(n) <= v.VIN_ALPHABET:
            n = n[:8] + v.vin_check_digit(n) + n[9:]
        fixed += [s, n]
    assert_vins_agree(fixed)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.text(alphabet=PHONE_CHARS, max_size=22),
    st.from_regex(r"(\+86 ?|0086|86)?1[3-9]\d{9}", fullmatch=True),
    st.from_regex(r"\(?0(10|2\d|[3-9]\d\d)\)?[ -]?[1-9]\d{6,7}([ -]?(转|x|-)\d{1,4})?", fullmatch=True),
), min_size=1, max_size=30))
def test_phone_sample_agrees(values):
    assert_phones_agree(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.from_regex(r"[京沪粤港苏A]?[A-Z]?[A-Z0-9·DF]{4,6}[港学警挂F]?", fullmatch=True), min_size=1,
                max_size=30))
def test_plate_sample_agrees(values):
    assert_plates_agree(values)
