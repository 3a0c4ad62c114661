"""Whole-column equivalents of :mod:`aftersales.core.validators` as polars expressions.

Each ``*_check(expr)`` returns ``(normalised, error)``: two expressions, the normalised value and a
translated reason that is null when the value is valid.  They mirror the per-value validators rule
for rule (same regexes, the VIN and resident-ID checksums computed with column arithmetic), and a
shared-vector + hypothesis test pins that both agree.  Messages are the validators' own msgids, so
the catalogue translates them once.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from aftersales.core import validators as v

# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def fmt(template, **values: pl.Expr) -> pl.Expr:
    """``template % values`` per row: ``%(name)s`` placeholders filled from expressions."""
    text = str(template)
    parts: list[pl.Expr] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        if m.start() > pos:
            parts.append(pl.lit(text[pos:m.start()]))
        parts.append(values[m.group(1)].cast(pl.String))
        pos = m.end()
    if pos < len(text):
        parts.append(pl.lit(text[pos:]))
    return pl.concat_str(parts) if parts else pl.lit(text)


def _plural(lazy_msg, count: int, **placeholders) -> str:
    """Text of an ``ngettext_lazy`` message for ``count`` with its placeholders kept for :func:`fmt`."""
    return str(lazy_msg % {"count": count, **{k: f"%({k})s" for k in placeholders}})


def nfkc(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null("").str.normalize("NFKC")


# ---------------------------------------------------------------------------------------------
# VIN
# ---------------------------------------------------------------------------------------------

_VIN_STRIP = r"[\s\-‐‑‒–—]+"
_ALPHABET = sorted(v.VIN_ALPHABET)


def normalise_vin(expr: pl.Expr) -> pl.Expr:
    return nfkc(expr).str.replace_all(_VIN_STRIP, "").str.to_uppercase()


def vin_check_digit(vin: pl.Expr) -> pl.Expr:
    """Expected position-9 character for 17-character VINs of the VIN alphabet (else null)."""
    keys = list(v._VIN_VALUES.keys())
    vals = [v._VIN_VALUES[k] for k in keys]
    total = pl.sum_horizontal(
        vin.str.slice(i, 1).replace_strict(keys, vals, default=None, return_dtype=pl.Int32) * w
        for i, w in enumerate(v._VIN_WEIGHTS)
    )
    rem = total % 11
    # sum_horizontal ignores nulls, so an illegal character must null the result explicitly
    legal = vin.str.contains(f"^[{''.join(_ALPHABET)}]{{17}}$")
    return pl.when(legal).then(pl.when(rem == 10).then(pl.lit("X")).otherwise(rem.cast(pl.String)))


def _vin_ok(vin: pl.Expr) -> pl.Expr:
    return vin.str.contains(f"^[{''.join(_ALPHABET)}]{{17}}$") & (vin.str.slice(8, 1) == vin_check_digit(vin))


def vin_check(expr: pl.Expr, *, check_digit: bool = True) -> tuple[pl.Expr, pl.Expr]:
    vin = normalise_vin(expr)
    length = vin.str.len_chars()
    chars = [vin.str.slice(i, 1) for i in range(v.VIN_LENGTH)]
    bad = [~c.is_in(_ALPHABET) for c in chars]
    bad_not_ioq = pl.any_horizontal(b & ~c.is_in(["I", "O", "Q"]) for b, c in zip(bad, chars, strict=True))
    n_bad = pl.sum_horizontal(b.cast(pl.Int32) for b in bad)
    positions = pl.concat_list(
        pl.when(b).then(pl.lit(str(i + 1))) for i, b in enumerate(bad)
    ).list.drop_nulls().list.join(", ")
    suggestion = vin.str.replace_all("O", "0", literal=True).str.replace_all("I", "1", literal=True)
    expected = vin_check_digit(vin)
    found = vin.str.slice(8, 1)

    def plural(msg, **ph):
        return pl.when(n_bad == 1).then(fmt(_plural(msg, 1, **ph), **{k: e for k, e in ph.items()})).otherwise(
            fmt(_plural(msg, 2, **ph), **{k: e for k, e in ph.items()}))

    error = (
        pl.when(length != v.VIN_LENGTH).then(fmt(v._MSG_VIN_LENGTH, length=length))
        .when(n_bad > 0).then(
            pl.when(bad_not_ioq).then(plural(v._MSG_VIN_BAD_CHARS, positions=positions))
            .when(_vin_ok(suggestion)).then(plural(v._MSG_VIN_IOQ_SUGGEST, positions=positions, suggestion=suggestion))
            .otherwise(plural(v._MSG_VIN_IOQ, positions=positions))
        )
    )
    if check_digit:
        error = error.when(found != expected).then(fmt(v._MSG_VIN_CHECK, expected=expected, found=found))
    return vin, error.otherwise(pl.lit(None, dtype=pl.String))


# ---------------------------------------------------------------------------------------------
# Plates
# ---------------------------------------------------------------------------------------------

_PLATE_STRIP = r"[\s·•・･\-‐‑–—]+"


def normalise_plate(expr: pl.Expr) -> pl.Expr:
    return nfkc(expr).str.replace_all(_PLATE_STRIP, "").str.to_uppercase()


def plate_kind(plate: pl.Expr) -> pl.Expr:
    """PlateKind value of an already normalised plate, or null (first matching pattern wins)."""
    out = None
    for kind, pattern in v._PLATE_PATTERNS:
        cond = plate.str.contains(f"^(?:{pattern.pattern})$")
        out = pl.when(cond).then(pl.lit(kind.value)) if out is None else out.when(cond).then(pl.lit(kind.value))
    return out.otherwise(pl.lit(None, dtype=pl.String))


def plate_check(expr: pl.Expr, *, allow_other: bool = False) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(normalised plate, kind, error)."""
    plate = normalise_plate(expr)
    kind = plate_kind(plate)
    first = plate.str.slice(0, 1)
    suggestion = plate.str.slice(0, 2) + plate.str.slice(2).str.replace_all("I", "1", literal=True).str.replace_all(
        "O", "0", literal=True)
    if allow_other:
        kind = pl.when(kind.is_null() & (plate != "")).then(pl.lit(v.PlateKind.OTHER.value)).otherwise(kind)
    error = (
        pl.when(kind.is_not_null()).then(pl.lit(None, dtype=pl.String))
        .when((plate != "") & ~first.is_in(list(v.PLATE_PROVINCES))).then(fmt(v._MSG_PLATE_PROVINCE, found=first))
        .when((suggestion != plate) & plate_kind(suggestion).is_not_null())
        .then(fmt(v._MSG_PLATE_SUGGEST, suggestion=suggestion))
        .otherwise(pl.lit(str(v._MSG_PLATE_INVALID)))
    )
    return plate, kind, error


# ---------------------------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------------------------

_EXT = re.compile(r"(?is)^(.*?)" + v._PHONE_EXT.pattern)
_INTL = v._PHONE_INTL.pattern
_SEP = v._PHONE_SEPARATORS.pattern
_DASH_EXT = r"(?s)" + v._PHONE_DASH_EXT.pattern


def _national(digits: pl.Expr, international) -> tuple[pl.Expr, pl.Expr]:
    mobile = digits.str.contains(f"^(?:{v._MOBILE.pattern})$")
    service = digits.str.contains(f"^(?:{v._SERVICE.pattern})$")
    intl = pl.lit(international) if isinstance(international, bool) else international
    d2 = pl.when(intl & ~digits.str.starts_with("0")).then(pl.lit("0") + digits).otherwise(digits)
    landline = d2.str.contains(f"^(?:{v._LANDLINE.pattern})$")
    kind = (pl.when(mobile).then(pl.lit("mobile")).when(service).then(pl.lit("service"))
            .when(landline).then(pl.lit("landline")).otherwise(pl.lit(None, dtype=pl.String)))
    nsn = pl.when(mobile | service).then(digits).when(landline).then(d2.str.slice(1))
    return kind, nsn


def _attempt(body: pl.Expr, international: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    digits = body.str.replace_all(_SEP, "")
    is_digits = digits.str.contains(r"^\d+$")
    k1, n1 = _national(digits, international)
    rest = digits.str.slice(2)
    k2, n2 = _national(rest, True)
    retry = k1.is_null() & ~international & digits.str.starts_with("86")
    kind = pl.when(~is_digits).then(pl.lit(None, dtype=pl.String)).when(retry).then(k2).otherwise(k1)
    nsn = pl.when(~is_digits).then(pl.lit(None, dtype=pl.String)).when(retry).then(n2).otherwise(n1)
    return kind, nsn


def phone_parse(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(kind, national significant number, extension) — nulls where the text is not a phone."""
    text0 = nfkc(expr).str.strip_chars()
    ext_groups = text0.str.extract_groups(_EXT.pattern)
    has_ext = ext_groups.struct.field("2").is_not_null()
    ext = pl.when(has_ext).then(ext_groups.struct.field("2")).otherwise(pl.lit(""))
    text1 = pl.when(has_ext).then(ext_groups.struct.field("1")).otherwise(text0)
    intl_prefix = text1.str.extract(f"({_INTL})", 1)
    international = intl_prefix.is_not_null()
    text = pl.when(international).then(text1.str.slice(intl_prefix.str.len_chars())).otherwise(text1)

    kind, nsn = _attempt(text, international)
    dash = text.str.extract_groups(_DASH_EXT)
    dk, dn = _attempt(dash.struct.field("1").fill_null(""), international)
    use_dash = kind.is_null() & ~has_ext & dash.struct.field("1").is_not_null() & dk.is_not_null() & (dk != "mobile")
    kind = pl.when(use_dash).then(dk).otherwise(kind)
    nsn = pl.when(use_dash).then(dn).otherwise(nsn)
    ext = pl.when(use_dash).then(dash.struct.field("2")).otherwise(ext)
    bad = kind.is_null() | ((ext != "") & (kind == "mobile"))
    none = pl.lit(None, dtype=pl.String)
    return (pl.when(bad).then(none).otherwise(kind), pl.when(bad).then(none).otherwise(nsn),
            pl.when(bad).then(none).otherwise(ext))


def phone_check(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """(E.164, kind, national digits, error) — error null when valid."""
    kind, nsn, ext = phone_parse(expr)
    e164 = pl.when(kind.is_not_null()).then(
        pl.concat_str([pl.lit("+86"), nsn, pl.when(ext != "").then(pl.lit(";ext=") + ext).otherwise(pl.lit(""))]))
    digits = nfkc(expr).str.strip_chars().str.replace_all(_SEP, "")
    area_hint = digits.str.contains(r"^[2-9]\d{6,7}$")
    error = (pl.when(kind.is_not_null()).then(pl.lit(None, dtype=pl.String))
             .when(area_hint).then(pl.lit(str(v._MSG_PHONE_AREA)))
             .otherwise(pl.lit(str(v._MSG_PHONE_INVALID))))
    return e164, kind, nsn, error


def mask_mobile(nsn: pl.Expr) -> pl.Expr:
    """138****5678 for mobiles (the form pages show); other kinds keep the last 4 digits."""
    return pl.when(nsn.str.len_chars() == 11).then(nsn.str.slice(0, 3) + "****" + nsn.str.slice(7, 4)).otherwise(
        pl.lit("****") + nsn.str.slice(-4, 4))


# ---------------------------------------------------------------------------------------------
# Resident ID
# ---------------------------------------------------------------------------------------------

def resident_id_check(expr: pl.Expr, *, today: dt.date | None = None) -> tuple[pl.Expr, pl.Expr]:
    value = nfkc(expr).str.replace_all(r"\s+", "").str.to_uppercase()
    today = today or dt.date.today()
    length = value.str.len_chars()
    fmt_ok = value.str.contains(r"^[0-9]{17}[0-9X]$")
    text = value.str.slice(6, 4) + "-" + value.str.slice(10, 2) + "-" + value.str.slice(12, 2)
    year = value.str.slice(6, 4).cast(pl.Int32, strict=False)
    birth = value.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    birth = pl.when(year >= 1).then(birth)
    total = pl.sum_horizontal(value.str.slice(i, 1).cast(pl.Int32, strict=False) * w
                              for i, w in enumerate(v._ID_WEIGHTS))
    expected = pl.lit(list(v._ID_CHECK_CHARS)).list.get((total % 11).cast(pl.Int64), null_on_oob=True)
    found = value.str.slice(17, 1)
    error = (pl.when(length != 18).then(fmt(v._MSG_ID_LENGTH, length=length))
             .when(~fmt_ok).then(pl.lit(str(v._MSG_ID_CHARS)))
             .when(birth.is_null()).then(fmt(v._MSG_ID_NO_DATE, date=text))
             .when(birth > pl.lit(today)).then(fmt(v._MSG_ID_FUTURE, date=text))
             .when(found != expected).then(fmt(v._MSG_ID_CHECK, expected=expected, found=found))
             .otherwise(pl.lit(None, dtype=pl.String)))
    return value, error


# ---------------------------------------------------------------------------------------------
# Dates, numbers, enumerations
# ---------------------------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S",
                "%Y年%m月%d日")


def parse_date(expr: pl.Expr) -> pl.Expr:
    text = expr.str.strip_chars()
    return pl.coalesce([text.str.strptime(pl.Date, f, strict=False, exact=True) for f in DATE_FORMATS])


def choice(expr: pl.Expr, choices, default: str | None = None) -> pl.Expr:
    """Map a TextChoices value or its (Chinese or English) label to the value; null when unknown."""
    from django.utils import translation

    mapping: dict[str, str] = {}
    for value, label in choices.choices:
        mapping[str(value).lower()] = value
        mapping[str(label).lower()] = value
        with translation.override("en"):
            mapping[str(label).lower()] = value
        with translation.override("zh-hans"):
            mapping[str(label).lower()] = value
    lowered = expr.str.strip_chars().str.to_lowercase()
    mapped = lowered.replace_strict(list(mapping), list(mapping.values()), default=None, return_dtype=pl.String)
    if default is not None:
        mapped = pl.when(expr.is_null()).then(pl.lit(default)).otherwise(mapped)
    return mapped
