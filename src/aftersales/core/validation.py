"""Collect every field's errors before refusing (issue 8 item 3, R-SYS-3).

A service that stops at the first bad field makes the user fix a form one error at a time: a bad
phone hides a bad ID number, a bad VIN hides a bad plate.  Services run each check inside
``errors.collect(field)``, validate the rest of the model with ``errors.full_clean(...)`` (skipping
fields that already failed, so none is reported twice) and raise once with ``raise_if_any()`` — one
``ValidationError`` holding every field, which pages show beside each field and the API returns as
``fields``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class FieldErrors:
    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def add(self, field: str | None, error: ValidationError | str) -> None:
        """Add one error (or a ``ValidationError`` with a dict or list of them) under ``field``."""
        if not isinstance(error, ValidationError):
            error = ValidationError(error)
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.errors.setdefault(name, []).extend(errors)
        else:
            self.errors.setdefault(field or NON_FIELD_ERRORS, []).extend(error.error_list)

    @contextmanager
    def collect(self, field: str | None = None) -> Iterator[None]:
        """Run a check; a ``ValidationError`` it raises is kept under ``field`` instead of escaping."""
        try:
            yield
        except ValidationError as exc:
            self.add(field, exc)

    def full_clean(self, instance, *, exclude: Iterable[str] = ()) -> None:
        """The model's own validation for the fields that have not failed yet."""
        with self.collect():
            instance.full_clean(exclude=[*exclude, *self.errors])

    def messages(self) -> dict[str, list[str]]:
        return {field: [m for e in errors for m in e.messages] for field, errors in self.errors.items()}

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
