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
from aftersales.core.validators import phones as _vph
from aftersales.core.validators import plates as _vpl
from aftersales.core.validators import resident_id as _vid
from aftersales.core.validators import vin as _vv

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
    keys = list(_vv._VIN_VALUES.keys())
    vals = [_vv._VIN_VALUES[k] for k in keys]
    total = pl.sum_horizontal(
        vin.str.slice(i, 1).replace_strict(keys, vals, default=None, return_dtype=pl.Int32) * w
        for i, w in enumerate(_vv._VIN_WEIGHTS)
    )
    rem = total % 11
    # sum_horizontal ignores nulls, so an illegal character must null the result explicitly
    legal = vin.str.contains(f"^[{''.join(_ALPHABET)}]{{17}}$")
    return pl.when(legal).then(pl.when(rem == 10).then(pl.lit("X")).otherwise(rem.cast(pl.String)))


def _vin_ok(vin: pl.Expr) -> pl.Expr:
    return vin.str.contains(f"^[{''.join(_ALPHABET)}]{{17}}$") & (vin.str.slice(8, 1) == vin_check_digit(vin))


def vin_columns(df: pl.DataFrame, column: str, out: str, *, check_digit: bool = True) -> pl.DataFrame:
    """Add ``{out}`` (normalised VIN) and ``{out}_err`` (reason or null) for a VIN column."""
    t = f"{out}__"
    df = df.with_columns(normalise_vin(pl.col(column)).alias(out))
    vin = pl.col(out)
    df = df.with_columns(
        vin.str.len_chars().alias(f"{t}len"),
        *[(~vin.str.slice(i, 1).is_in(_ALPHABET)).alias(f"{t}b{i}") for i in range(v.VIN_LENGTH)],
        *[(~vin.str.slice(i, 1).is_in(_ALPHABET + ["I", "O", "Q"])).alias(f"{t}x{i}") for i in range(v.VIN_LENGTH)],
        vin.str.replace_all("O", "0", literal=True).str.replace_all("I", "1", literal=True).alias(f"{t}sugg"),
        vin.str.slice(8, 1).alias(f"{t}found"),
    )
    bad = [pl.col(f"{t}b{i}") for i in range(v.VIN_LENGTH)]
    df = df.with_columns(
        pl.sum_horizontal(b.cast(pl.Int32) for b in bad).alias(f"{t}nbad"),
        pl.any_horizontal(pl.col(f"{t}x{i}") for i in range(v.VIN_LENGTH)).alias(f"{t}notioq"),
        pl.concat_list(pl.when(b).then(pl.lit(str(i + 1))) for i, b in enumerate(bad))
        .list.drop_nulls().list.join(", ").alias(f"{t}pos"),
        vin_check_digit(vin).alias(f"{t}expected"),
        _vin_ok(pl.col(f"{t}sugg")).alias(f"{t}suggok"),
    )
    n_bad, positions, suggestion = pl.col(f"{t}nbad"), pl.col(f"{t}pos"), pl.col(f"{t}sugg")

    def plural(msg, **ph):
        return pl.when(n_bad == 1).then(fmt(_plural(msg, 1, **ph), **ph)).otherwise(fmt(_plural(msg, 2, **ph), **ph))

    error = (
        pl.when(pl.col(f"{t}len") != v.VIN_LENGTH).then(fmt(_vv._MSG_VIN_LENGTH, length=pl.col(f"{t}len")))
        .when(n_bad > 0).then(
            pl.when(pl.col(f"{t}notioq")).then(plural(_vv._MSG_VIN_BAD_CHARS, positions=positions))
            .when(pl.col(f"{t}suggok")).then(plural(_vv._MSG_VIN_IOQ_SUGGEST, positions=positions, suggestion=suggestion))
            .otherwise(plural(_vv._MSG_VIN_IOQ, positions=positions))
        )
    )
    if check_digit:
        error = error.when(pl.col(f"{t}found") != pl.col(f"{t}expected")).then(
            fmt(_vv._MSG_VIN_CHECK, expected=pl.col(f"{t}expected"), found=pl.col(f"{t}found")))
    df = df.with_columns(error.otherwise(pl.lit(None, dtype=pl.String)).alias(f"{out}_err"))
    return df.drop([c for c in df.columns if c.startswith(t)])


def vin_check(expr: pl.Expr, *, check_digit: bool = True) -> tuple[pl.Expr, pl.Expr]:
    """Expression form (small frames, tests): normalised VIN and error."""
    return (normalise_vin(expr),
            pl.struct(expr.alias("v")).map_batches(
                lambda s: vin_columns(s.struct.unnest(), "v", "o", check_digit=check_digit)["o_err"],
                return_dtype=pl.String))


# ---------------------------------------------------------------------------------------------
# Plates
# ---------------------------------------------------------------------------------------------

_PLATE_STRIP = r"[\s·•・･\-‐‑–—]+"


def normalise_plate(expr: pl.Expr) -> pl.Expr:
    return nfkc(expr).str.replace_all(_PLATE_STRIP, "").str.to_uppercase()


def plate_kind(plate: pl.Expr) -> pl.Expr:
    """PlateKind value of an already normalised plate, or null (first matching pattern wins)."""
    out = None
    for kind, pattern in _vpl._PLATE_PATTERNS:
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
        .when((plate != "") & ~first.is_in(list(v.PLATE_PROVINCES))).then(fmt(_vpl._MSG_PLATE_PROVINCE, found=first))
        .when((suggestion != plate) & plate_kind(suggestion).is_not_null())
        .then(fmt(_vpl._MSG_PLATE_SUGGEST, suggestion=suggestion))
        .otherwise(pl.lit(str(_vpl._MSG_PLATE_INVALID)))
    )
    return plate, kind, error


# ---------------------------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------------------------

_EXT = re.compile(r"(?is)^(.*?)" + _vph._PHONE_EXT.pattern)
_INTL = _vph._PHONE_INTL.pattern
_SEP = _vph._PHONE_SEPARATORS.pattern
_DASH_EXT = r"(?s)" + _vph._PHONE_DASH_EXT.pattern


def _national(digits: pl.Expr, international: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(kind, nsn) of a digit column; ``digits`` and ``international`` should be plain columns."""
    mobile = digits.str.contains(f"^(?:{_vph._MOBILE.pattern})$")
    service = digits.str.contains(f"^(?:{_vph._SERVICE.pattern})$")
    d2 = pl.when(international & ~digits.str.starts_with("0")).then(pl.lit("0") + digits).otherwise(digits)
    landline = d2.str.contains(f"^(?:{_vph._LANDLINE.pattern})$")
    kind = (pl.when(mobile).then(pl.lit("mobile")).when(service).then(pl.lit("service"))
            .when(landline).then(pl.lit("landline")).otherwise(pl.lit(None, dtype=pl.String)))
    nsn = pl.when(mobile | service).then(digits).when(landline).then(d2.str.slice(1))
    return kind, nsn


def _attempt(df: pl.DataFrame, body: str, intl: str, out: str) -> pl.DataFrame:
    """Columns ``{out}_kind``/``{out}_nsn``: ``attempt()`` of core.validators over a column."""
    df = df.with_columns(pl.col(body).str.replace_all(_SEP, "").alias(f"{out}_d"))
    d = pl.col(f"{out}_d")
    df = df.with_columns(d.str.contains(r"^\d+$").alias(f"{out}_isd"), d.str.slice(2).alias(f"{out}_d2"))
    k1, n1 = _national(d, pl.col(intl))
    k2, n2 = _national(pl.col(f"{out}_d2"), pl.lit(True))
    df = df.with_columns(k1.alias(f"{out}_k1"), n1.alias(f"{out}_n1"), k2.alias(f"{out}_k2"), n2.alias(f"{out}_n2"))
    retry = pl.col(f"{out}_k1").is_null() & ~pl.col(intl) & d.str.starts_with("86")
    none = pl.lit(None, dtype=pl.String)
    ok = pl.col(f"{out}_isd")
    df = df.with_columns(
        pl.when(~ok).then(none).when(retry).then(pl.col(f"{out}_k2")).otherwise(pl.col(f"{out}_k1")).alias(f"{out}_kind"),
        pl.when(~ok).then(none).when(retry).then(pl.col(f"{out}_n2")).otherwise(pl.col(f"{out}_n1")).alias(f"{out}_nsn"),
    )
    return df.drop([f"{out}_{x}" for x in ("d", "isd", "d2", "k1", "n1", "k2", "n2")])


# A cell that is already a plain 11-digit mainland mobile (ASCII digits only, the usual case in a
# bulk file) needs none of the normalisation stages: NFKC is the identity, there is no extension,
# prefix or separator, and ``attempt()`` classifies it as a mobile on the first try.  Such cells
# (and empty ones) are answered by this one regex; only the others go through the full pipeline.
_FAST_MOBILE = r"^1[3-9][0-9]{9}$"
_PHONE_OUT = ("", "_kind", "_nsn", "_err")


def phone_columns(df: pl.DataFrame, column: str, out: str) -> pl.DataFrame:
    """Add ``{out}`` (E.164), ``{out}_kind``, ``{out}_nsn``, ``{out}_err`` for a phone column.

    Same result as :func:`phone_columns_full` for every cell; plain mobiles and empty cells take
    a one-regex fast path and only the remaining rows are run through the full pipeline."""
    raw = df.get_column(column)
    fast = raw.str.contains(_FAST_MOBILE).fill_null(False)
    empty = raw.is_null()
    invalid = str(_vph._MSG_PHONE_INVALID)
    none = pl.lit(None, dtype=pl.String)
    plain = df.select(
        pl.when(fast).then(pl.lit("+86") + raw).otherwise(none).alias(out),
        pl.when(fast).then(pl.lit("mobile")).otherwise(none).alias(f"{out}_kind"),
        pl.when(fast).then(raw).otherwise(none).alias(f"{out}_nsn"),
        # an empty cell gives what the full pipeline gives for "": not a phone number
        pl.when(fast).then(none).otherwise(pl.lit(invalid)).alias(f"{out}_err"),
    )
    slow = ~(fast | empty)
    n_slow = int(slow.sum())
    if n_slow:
        idx = slow.arg_true()
        full = phone_columns_full(pl.DataFrame({column: raw.filter(slow)}), column, out)
        plain = plain.with_columns(
            plain.get_column(out + s).scatter(idx, full.get_column(out + s)) for s in _PHONE_OUT)
    return df.with_columns(plain)


def phone_columns_full(df: pl.DataFrame, column: str, out: str) -> pl.DataFrame:
    """The full pipeline behind :func:`phone_columns` (any input form).

    Built in stages of plain columns (not one nested expression) so planning stays cheap."""
    t = f"{out}__"
    df = df.with_columns(nfkc(pl.col(column)).str.strip_chars().alias(f"{t}t0"))
    df = df.with_columns(pl.col(f"{t}t0").str.extract_groups(_EXT.pattern).alias(f"{t}eg"))
    df = df.with_columns(pl.col(f"{t}eg").struct.field("1").alias(f"{t}pre"),
                         pl.col(f"{t}eg").struct.field("2").alias(f"{t}ext0"))
    df = df.with_columns(pl.col(f"{t}ext0").is_not_null().alias(f"{t}hasext"))
    df = df.with_columns(pl.when(pl.col(f"{t}hasext")).then(pl.col(f"{t}pre")).otherwise(pl.col(f"{t}t0"))
                         .alias(f"{t}t1"))
    df = df.with_columns(pl.col(f"{t}t1").str.extract(f"({_INTL})", 1).alias(f"{t}ip"))
    df = df.with_columns(pl.col(f"{t}ip").is_not_null().alias(f"{t}intl"))
    df = df.with_columns(pl.when(pl.col(f"{t}intl")).then(pl.col(f"{t}t1").str.slice(pl.col(f"{t}ip").str.len_chars()))
                         .otherwise(pl.col(f"{t}t1")).alias(f"{t}text"))
    df = df.with_columns(pl.col(f"{t}text").str.extract_groups(_DASH_EXT).alias(f"{t}dg"))
    df = df.with_columns(pl.col(f"{t}dg").struct.field("1").fill_null("").alias(f"{t}d1"),
                         pl.col(f"{t}dg").struct.field("1").is_not_null().alias(f"{t}hasdash"),
                         pl.col(f"{t}dg").struct.field("2").alias(f"{t}d2"))
    df = _attempt(df, f"{t}text", f"{t}intl", f"{t}a")
    df = _attempt(df, f"{t}d1", f"{t}intl", f"{t}b")
    kind, dk = pl.col(f"{t}a_kind"), pl.col(f"{t}b_kind")
    use_dash = kind.is_null() & ~pl.col(f"{t}hasext") & pl.col(f"{t}hasdash") & dk.is_not_null() & (dk != "mobile")
    df = df.with_columns(use_dash.alias(f"{t}usedash"))
    u = pl.col(f"{t}usedash")
    df = df.with_columns(
        pl.when(u).then(dk).otherwise(kind).alias(f"{t}kind"),
        pl.when(u).then(pl.col(f"{t}b_nsn")).otherwise(pl.col(f"{t}a_nsn")).alias(f"{t}nsn"),
        pl.when(u).then(pl.col(f"{t}d2")).otherwise(pl.col(f"{t}ext0").fill_null("")).alias(f"{t}ext"),
    )
    k, n, e = pl.col(f"{t}kind"), pl.col(f"{t}nsn"), pl.col(f"{t}ext")
    bad = k.is_null() | ((e != "") & (k == "mobile"))
    none = pl.lit(None, dtype=pl.String)
    df = df.with_columns(bad.alias(f"{t}bad"))
    b = pl.col(f"{t}bad")
    digits = pl.col(f"{t}t0").str.replace_all(_SEP, "")
    df = df.with_columns(
        pl.when(b).then(none).otherwise(
            pl.concat_str([pl.lit("+86"), n, pl.when(e != "").then(pl.lit(";ext=") + e).otherwise(pl.lit(""))])
        ).alias(out),
        pl.when(b).then(none).otherwise(k).alias(f"{out}_kind"),
        pl.when(b).then(none).otherwise(n).alias(f"{out}_nsn"),
        pl.when(~b).then(none).when(digits.str.contains(r"^[2-9]\d{6,7}$")).then(pl.lit(str(_vph._MSG_PHONE_AREA)))
        .otherwise(pl.lit(str(_vph._MSG_PHONE_INVALID))).alias(f"{out}_err"),
    )
    return df.drop([c for c in df.columns if c.startswith(t)])


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
                              for i, w in enumerate(_vid._ID_WEIGHTS))
    expected = pl.lit(list(_vid._ID_CHECK_CHARS)).list.get((total % 11).cast(pl.Int64), null_on_oob=True)
    found = value.str.slice(17, 1)
    error = (pl.when(length != 18).then(fmt(_vid._MSG_ID_LENGTH, length=length))
             .when(~fmt_ok).then(pl.lit(str(_vid._MSG_ID_CHARS)))
             .when(birth.is_null()).then(fmt(_vid._MSG_ID_NO_DATE, date=text))
             .when(birth > pl.lit(today)).then(fmt(_vid._MSG_ID_FUTURE, date=text))
             .when(found != expected).then(fmt(_vid._MSG_ID_CHECK, expected=expected, found=found))
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
