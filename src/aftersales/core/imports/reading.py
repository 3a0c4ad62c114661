"""Reading import files in bounded chunks: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 as Chinese
Excel writes it — detected, not asked for) and .xlsx (python-calamine).

Every chunk is a polars frame of strings, one column per importer column (by its internal name),
plus ``__row``: the spreadsheet row number (the header is row 1), so errors point at the row the
user sees in Excel.  Unreadable input raises :class:`ImportFileError` with a translated message.
"""

from __future__ import annotations

import abc
import codecs
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl
from django.conf import settings
from django.utils.translation import gettext as _

from ..validators.sanity import invisible_class
from .registry import Column

ROW = "__row"
ERRORS = "__errors"
# Optional columns of a checked chunk: the existing record a valid row will update (its number),
# and a label for the preview (the row's name); read by the dry run, never written (issue 8 item 9).
MATCH = "__match"
MATCH_LABEL = "__match_label"
DEFAULT_CHUNK_ROWS = 50_000
SAMPLE_BYTES = 1 << 20


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_upload_bytes() -> int:
    return int(getattr(settings, "AFTERSALES_IMPORT_MAX_BYTES", 200 * 1024 * 1024))


def check_size(size: int) -> None:
    limit = max_upload_bytes()
    if size > limit:
        raise ImportFileError(_("The file is %(size)s MB; the largest file accepted is %(limit)s MB. "
                                "Split it into smaller files.") % {"size": round(size / 1048576, 1),
                                                                   "limit": round(limit / 1048576)})
    if size == 0:
        raise ImportFileError(_("The file is empty."))


def max_unpacked_bytes() -> int:
    """The most an .xlsx (a zip archive) may unpack to; beyond it the file is refused unread."""
    return int(getattr(settings, "AFTERSALES_IMPORT_MAX_UNPACKED_BYTES", 1024 * 1024 * 1024))


#: A sheet's XML packs 5–20 times; a member packed more than this (and big enough to matter) is
#: a decompression bomb, not a spreadsheet (36 KB that unpack to 37 MB cost 44 s of worker time).
MAX_PACKING_RATIO = 100
RATIO_CHECK_FROM = 8 * 1024 * 1024


def check_archive(file) -> None:
    """Refuse an .xlsx by what it would unpack to, before any parser sees it (issue 7 item 8).

    Reads only the zip's central directory (``file`` is a path or a seekable file object): the
    total unpacked size must stay under :func:`max_unpacked_bytes` and no large member may be
    packed more tightly than ``MAX_PACKING_RATIO``.  Raises :class:`ImportFileError`."""
    try:
        with zipfile.ZipFile(file) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(_("The file is not a valid Excel .xlsx file (it may be damaged or renamed). "
                                "Open it in Excel and save it again as .xlsx.")) from None
    finally:
        if hasattr(file, "seek"):
            file.seek(0)
    total = sum(m.file_size for m in members)
    limit = max_unpacked_bytes()
    if total > limit:
        raise ImportFileError(_("The Excel file unpacks to %(size)s MB; at most %(limit)s MB is accepted. "
                                "It was refused before reading; split it into smaller files.")
                              % {"size": round(total / 1048576), "limit": round(limit / 1048576)})
    for m in members:
        if m.file_size >= RATIO_CHECK_FROM and m.file_size > MAX_PACKING_RATIO * max(m.compress_size, 1):
            raise ImportFileError(_("The Excel file unpacks to %(size)s MB from %(packed)s KB, which no real "
                                    "spreadsheet does; it was refused before reading. Save the sheet again "
                                    "from Excel.") % {"size": round(m.file_size / 1048576),
                                                      "packed": max(round(m.compress_size / 1024), 1)})


def file_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".xls":
        raise ImportFileError(_("Old .xls files are not supported; save the file as .xlsx or CSV in Excel."))
    raise ImportFileError(_("Upload an Excel (.xlsx) or CSV file."))


# ---------------------------------------------------------------------------------------------
# CSV encoding
# ---------------------------------------------------------------------------------------------

def detect_encoding(path: Path) -> str:
    """'utf-8-sig', 'utf-8' or 'gb18030' (a superset of GBK), judged on the first megabyte."""
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(_("The file is saved as UTF-16 (Unicode text). Save it as “CSV UTF-8” or as .xlsx."))
    final = len(sample) < SAMPLE_BYTES
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=final)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=final)
        return "gb18030"
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file's encoding was not recognised (byte %(pos)d). Save it as “CSV UTF-8” or as .xlsx.")
            % {"pos": exc.start + 1}
        ) from None


def transcode_to_utf8(src: Path, dest: Path, encoding: str) -> None:
    """Stream ``src`` to UTF-8; undecodable bytes anywhere in the file are a clear error."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while block := fin.read(4 << 20):
            try:
                fout.write(decoder.decode(block).encode("utf-8"))
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    _("The file mixes encodings: byte %(pos)d is not valid %(encoding)s. "
                      "Save it again as “CSV UTF-8” or as .xlsx.") % {"pos": offset + exc.start + 1,
                                                                      "encoding": encoding.upper()}
                ) from None
            offset += len(block)
        try:
            fout.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError:
            raise ImportFileError(_("The file ends in the middle of a character; it may be truncated.")) from None


# ---------------------------------------------------------------------------------------------
# Header mapping
# ---------------------------------------------------------------------------------------------

def _clean_header(h) -> str:
    return re.sub(r"[\s*＊]+", "", str(h or "")).strip().lower()


def map_headers(headers: Sequence, columns: Sequence[Column]) -> dict[int, str]:
    """File column index -> importer column name; missing required columns are an error."""
    lookup: dict[str, str] = {}
    for col in columns:
        for key in (col.header, col.name, *col.aliases):
            lookup[_clean_header(key)] = col.name
    mapping: dict[int, str] = {}
    for i, h in enumerate(headers):
        name = lookup.get(_clean_header(h))
        if name and name not in mapping.values():
            mapping[i] = name
    missing = [c.header for c in columns if c.required and c.name not in mapping.values()]
    if missing:
        raise ImportFileError(
            _("Missing columns: %(columns)s. Download the template to see the expected headers.")
            % {"columns": "、".join(missing)}
        )
    return mapping


# ---------------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------------

class TableReader(abc.ABC):
    encoding = ""
    estimated_rows = 0

    @abc.abstractmethod
    def chunks(self) -> Iterator[pl.DataFrame]:
        """The file's rows as frames of at most the chunk size, all columns as strings."""


def _finish_chunk(df: pl.DataFrame, columns: Sequence[Column]) -> pl.DataFrame:
    names = [c.name for c in columns]
    missing = [pl.lit(None, dtype=pl.String).alias(n) for n in names if n not in df.columns]
    if missing:
        df = df.with_columns(missing)
    exprs = [pl.col(ROW).cast(pl.Int64)]
    # Invisible characters go first, as in the forms and the API (ADR 0017): a name of only
    # zero-width spaces is an empty cell, reported as such.
    invisible = invisible_class()
    for n in names:
        exprs.append(pl.col(n).cast(pl.String).str.replace_all(invisible, "").str.strip_chars().replace("", None)
                     .alias(n))
    return df.select(exprs)


class CsvReader(TableReader):
    def __init__(self, path: Path, columns: Sequence[Column], *, workdir: Path, chunk_rows: int):
        self.columns, self.chunk_rows = columns, chunk_rows
        self.encoding = detect_encoding(path)
        if self.encoding == "gb18030":
            utf8 = workdir / "source-utf8.csv"
            transcode_to_utf8(path, utf8, "gb18030")
            path = utf8
        self.path = path
        with open(path, "rb") as fh:
            head = fh.read(SAMPLE_BYTES)
            size = path.stat().st_size
        if not head.strip():
            raise ImportFileError(_("The file is empty."))
        lines_in_sample = max(head.count(b"\n"), 1)
        self.estimated_rows = max(int(lines_in_sample * size / max(len(head), 1)) - 1, 1)
        try:
            schema = pl.scan_csv(path, infer_schema=False, n_rows=0).collect_schema()
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise ImportFileError(_("The file is not a readable CSV file: %(error)s") % {"error": exc}) from None
        self.headers = list(schema.names())
        self.mapping = map_headers(self.headers, columns)

    def _blocks(self) -> Iterator[bytes]:
        """Byte blocks of whole records: cut at a newline outside quotes (even quote count), so a
        quoted multi-line cell is never split.  Memory stays at one block whatever the file size."""
        block_bytes = max(self.chunk_rows * 120, 1 << 20)
        with open(self.path, "rb") as fh:
            fh.readline()  # header
            carry = b""
            while True:
                data = fh.read(block_bytes)
                if not data:
                    if carry.strip():
                        yield carry
                    return
                buf = carry + data
                pos = buf.rfind(b"\n")
                while pos != -1 and buf.count(b'"', 0, pos) % 2:
                    pos = buf.rfind(b"\n", 0, pos)
                if pos == -1:
                    carry = buf
                    continue
                yield buf[:pos + 1]
                carry = buf[pos + 1:]

    def chunks(self) -> Iterator[pl.DataFrame]:
        rename = dict(self.mapping)
        width = len(self.headers)
        offset = 2
        try:
            for block in self._blocks():
                df = pl.read_csv(io.BytesIO(block), has_header=False, infer_schema=False,
                                 truncate_ragged_lines=True, new_columns=[f"c{i}" for i in range(width)],
                                 columns=list(range(width)) if width else None)
                df = df.select([pl.col(f"c{i}").alias(n) for i, n in rename.items()]).with_row_index(
                    ROW, offset=offset)
                offset += df.height
                yield _finish_chunk(df, self.columns)
        except pl.exceptions.PolarsError as exc:
            text = str(exc)
            if "utf-8" in text.lower() or "utf8" in text.lower():
                raise ImportFileError(_("The file mixes encodings: part of it is not valid UTF-8. "
                                        "Save it again as “CSV UTF-8” or as .xlsx.")) from None
            raise ImportFileError(_("The file is not a readable CSV file: %(error)s") % {"error": text[:300]}) from None


def _cell_text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def formula_cells(path: Path, sheet_index: int = 0) -> set[tuple[int, int]]:
    """(row, column) 1-based of cells holding a formula, read from the sheet XML.

    calamine returns a formula's cached value, which may be stale or missing; importing it would
    silently take whatever Excel last computed, so such cells are reported instead.  A quick
    byte scan skips the XML parse when the sheet has no ``<f>`` element at all.
    """
    from xml.etree.ElementTree import iterparse  # noqa: S405 - a zip member we open ourselves

    out: set[tuple[int, int]] = set()
    try:
        with zipfile.ZipFile(path) as zf:
            sheets = sorted(n for n in zf.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if not sheets:
                return out
            name = f"xl/worksheets/sheet{sheet_index + 1}.xml"
            name = name if name in sheets else sheets[0]
            found, tail = False, b""
            with zf.open(name) as fh:
                while block := fh.read(1 << 20):
                    window = tail + block
                    if b"<f>" in window or b"<f " in window or b":f>" in window or b":f " in window:
                        found = True
                        break
                    tail = block[-8:]
            if not found:
                return out
            with zf.open(name) as fh:
                for _event, elem in iterparse(fh):  # noqa: S314
                    if elem.tag.endswith("}c") or elem.tag == "c":
                        if any(child.tag.endswith("}f") or child.tag == "f" for child in elem):
                            ref = elem.get("r", "")
                            m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
                            if m:
                                col = 0
                                for ch in m.group(1):
                                    col = col * 26 + ord(ch) - 64
                                out.add((int(m.group(2)), col))
                        elem.clear()
    except (zipfile.BadZipFile, KeyError, OSError):
        return out
    return out


class XlsxReader(TableReader):
    encoding = "xlsx"

    def __init__(self, path: Path, columns: Sequence[Column], *, workdir: Path, chunk_rows: int):
        from python_calamine import CalamineWorkbook

        self.columns, self.chunk_rows = columns, chunk_rows
        if not zipfile.is_zipfile(path):
            raise ImportFileError(_("The file is not a valid Excel .xlsx file (it may be damaged or "
                                    "renamed). Open it in Excel and save it again as .xlsx."))
        check_archive(path)  # a decompression bomb is refused before calamine unpacks it
        try:
            self.workbook = CalamineWorkbook.from_path(str(path))
            self.sheet = self.workbook.get_sheet_by_index(0)
            self.rows = self.sheet.iter_rows()
            headers = next(self.rows, None)
        except Exception as exc:  # calamine raises several types for damaged files
            raise ImportFileError(_("The Excel file cannot be read (it may be damaged): %(error)s")
                                  % {"error": str(exc)[:200]}) from None
        if not headers or not any(h not in (None, "") for h in headers):
            raise ImportFileError(_("The first row of the first sheet must hold the column headers."))
        self.headers = [_cell_text(h) or "" for h in headers]
        self.mapping = map_headers(self.headers, columns)
        self.estimated_rows = max(self.sheet.height - 1, 0)
        self.formulas = formula_cells(path)
        start = self.sheet.start  # (row, col) 0-based of the first used cell
        self.row_offset = (start[0] if start else 0) + 1
        self.col_offset = start[1] if start else 0

    def chunks(self) -> Iterator[pl.DataFrame]:
        names = list(self.mapping.values())
        idx = list(self.mapping.keys())
        buf: dict[str, list] = {n: [] for n in names}
        rows: list[int] = []
        sheet_row = self.row_offset  # 1-based row of the header
        formula_rows: dict[int, list[str]] = {}
        formula_cols = {col_i + 1 + self.col_offset: name for col_i, name in self.mapping.items()}
        try:
            for raw in self.rows:
                sheet_row += 1
                if not any(v not in (None, "") for v in raw):
                    continue
                rows.append(sheet_row)
                for i, n in zip(idx, names, strict=True):
                    buf[n].append(_cell_text(raw[i]) if i < len(raw) else None)
                if len(rows) >= self.chunk_rows:
                    yield self._frame(rows, buf, formula_rows, formula_cols)
                    buf, rows = {n: [] for n in names}, []
        except Exception as exc:
            raise ImportFileError(_("The Excel file cannot be read (it may be damaged): %(error)s")
                                  % {"error": str(exc)[:200]}) from None
        if rows:
            yield self._frame(rows, buf, formula_rows, formula_cols)

    def _frame(self, rows, buf, formula_rows, formula_cols) -> pl.DataFrame:
        df = pl.DataFrame({ROW: rows, **buf}, schema={ROW: pl.Int64, **dict.fromkeys(buf, pl.String)})
        df = _finish_chunk(df, self.columns)
        if self.formulas:
            marks: dict[str, list] = {}
            rowset = set(rows)
            for r, c in self.formulas:
                if r in rowset and c in formula_cols:
                    marks.setdefault(formula_cols[c], []).append(r)
            df = df.with_columns(pl.col(ROW).is_in(rs).alias(f"__formula_{n}") for n, rs in marks.items())
        return df


def open_table(path: Path, filename: str, columns: Sequence[Column], *, workdir: Path,
               chunk_rows: int = DEFAULT_CHUNK_ROWS) -> TableReader:
    fmt = file_format(filename)
    check_size(path.stat().st_size)
    reader = CsvReader if fmt == "csv" else XlsxReader
    return reader(path, columns, workdir=workdir, chunk_rows=chunk_rows)
