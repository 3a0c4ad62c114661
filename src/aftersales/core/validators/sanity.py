"""Data-sanity checks that hold for any model (issue 7 item 8, issue 8 item 8; ADR 0017).

- Text: invisible characters (zero-width spaces and joiners, the byte-order mark, bidirectional
  marks, soft hyphens — Unicode category Cf — and the blank "filler" letters people paste to get
  past a required field) are removed before a value is checked, so a name of only zero-width
  spaces is a missing name, not a customer called "​".
- Dates: a date in the future is refused where the date records something that has happened
  (a sale, a production, a first visit).
- Integers: the range a 32-bit column holds everywhere.  SQLite stores any 64-bit integer, so
  2,147,483,648 km was accepted on the embedded database and refused on PostgreSQL; one range for
  both keeps the data portable (a ``PositiveIntegerField`` is 0…2,147,483,647 on every backend).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Blank letters and symbols that render as nothing, besides the format characters (category Cf:
# U+200B–U+200F, U+202A–U+202E, U+2060–U+2064, U+FEFF, U+00AD, …): Hangul fillers, the braille
# blank, the Mongolian vowel separator and the combining grapheme joiner.
BLANK_LETTERS = "\u115f\u1160\u3164\uffa0\u2800\u180e\u034f"


@functools.cache
def invisible_class() -> str:
    """A regex character class of every invisible character, valid for Python's ``re`` and for
    polars (Rust regex) alike, so the import strips exactly what the forms and the API strip."""
    chars = sorted({c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) == "Cf"}
                   | set(BLANK_LETTERS))
    ranges, start = [], None
    for i, c in enumerate(chars):
        if start is None:
            start = c
        if i + 1 == len(chars) or ord(chars[i + 1]) != ord(c) + 1:
            ranges.append(start if start == c else f"{start}-{c}")
            start = None
    return "[" + "".join(ranges) + "]"


@functools.cache
def _invisible() -> re.Pattern:
    return re.compile(invisible_class())


FUTURE_DATE = _("This date is in the future.")


def strip_invisible(value):
    """``value`` without invisible characters and surrounding whitespace (non-text is returned as is)."""
    if not isinstance(value, str):
        return value
    return _invisible().sub("", value).strip()


def _today_for(value) -> tuple:
    if isinstance(value, dt.datetime):
        now = timezone.now()
        return (value if timezone.is_aware(value) else timezone.make_aware(value)), now + dt.timedelta(minutes=5)
    return value, timezone.localdate()


@deconstructible
class NotInFutureValidator:
    """A date (or moment, allowing five minutes of clock skew) that has happened already."""

    message = FUTURE_DATE
    code = "future_date"

    def __call__(self, value) -> None:
        if value is None:
            return
        value, today = _today_for(value)
        if value > today:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, NotInFutureValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_not_in_future = NotInFutureValidator()


def portable_integer_range(field) -> tuple[int, int] | None:
    """(min, max) of ``field``'s column on the strictest backend; None for a non-integer field."""
    return BaseDatabaseOperations.integer_field_ranges.get(field.get_internal_type())


def portable_integer_errors(instance, exclude=()) -> dict[str, list[ValidationError]]:
    """Errors for integer values that a 32-bit (or 16-bit) column could not hold on PostgreSQL."""
    errors: dict[str, list[ValidationError]] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.primary_key:
            continue
        bounds = portable_integer_range(field)
        value = getattr(instance, field.attname, None)
        if bounds is None or not isinstance(value, int) or isinstance(value, bool):
            continue
        low, high = bounds
        for validator in (MinValueValidator(low), MaxValueValidator(high)):
            try:
                validator(value)
            except ValidationError as exc:
                errors.setdefault(field.name, []).append(exc)
    return errors
