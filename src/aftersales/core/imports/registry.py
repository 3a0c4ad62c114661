"""Importer and exporter registries: apps plug in, the kernel runs them (core never imports upward).

An importer says which columns it reads, how to validate a chunk of rows as whole columns (polars)
and how to write the valid rows in one set-based statement per table.  Apps register from their
``importers`` / ``exporters`` module, which :func:`autodiscover` imports on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Column:
    """One column of an import file: internal name, Chinese header, whether it must have a value,
    an example for the template, and a help text."""

    name: str
    header: str
    required: bool = False
    example: str = ""
    help: str = ""
    aliases: tuple[str, ...] = ()


class Importer(Protocol):
    kind: str
    label: Any
    permission: str
    columns: list[Column]
    natural_key: str

    def prepare(self, job) -> Any:
        """Load reference data once (code lists); returns a context passed to ``validate``."""

    def validate(self, df, ctx) -> Any:
        """``df`` (strings, one column per ``Column.name`` plus ``__row``) -> the same frame with
        normalised columns and ``__errors``: a list of {column, value, reason} structs."""

    def apply(self, job, rows: Iterable, *, mode: str, connection) -> dict:
        """Write the valid rows (an iterable of polars frames) in the caller's transaction."""


class BaseImporter:
    """What every importer shares: a template row of the columns' examples and a duplicate tracker
    per job.  ``order`` places the kind on the import page (lower first), whichever app's
    ``importers`` module Django happens to discover first."""

    kind = ""
    label = ""
    order = 100
    #: tables whose planner statistics are refreshed after an apply (``ANALYZE``, issue 8.7)
    written_models: tuple = ()
    permission = ""
    columns: list[Column] = []
    natural_key = ""
    #: "update existing" mode (``import_start(match_existing=True)``): rows that name an existing
    #: record by another key than its number (a customer's phone) update it instead of being
    #: reported as duplicates; ``match_help`` says how rows are matched, on the import page.
    can_match_existing = False
    match_help = ""

    def match_summary(self, will_update: int, will_create: int) -> str:
        """The dry run's one-line preview of an "update existing" import."""
        from django.utils.translation import ngettext

        return ngettext("%(n)d existing record will be updated, %(c)d new created.",
                        "%(n)d existing records will be updated, %(c)d new created.", will_update) % {
            "n": will_update, "c": will_create}

    def template_rows(self) -> list[list[str]]:
        return [[c.example for c in self.columns]]

    def prepare(self, job):
        from .matching import DuplicateTracker  # polars only once an import runs

        return {"dup": DuplicateTracker(), "job": job}


@dataclass
class Exporter:
    kind: str
    label: Any
    permission: str
    queryset: Callable[..., Any]  # (user, params: dict) -> queryset
    columns: Callable[..., list]  # (user) -> [(header, getter(obj) -> value)]
    # When set, rows are read with ``queryset.values(*values)`` and each getter receives that dict:
    # no model instances, no per-row choice or translation lookups (a 100,000-row export spent most
    # of its time building instances and calling get_FOO_display; issue 8 item 7).
    values: tuple = ()
    personal: bool = True
    approval_threshold: int | None = None
    approval_permission: str = ""
    extra: dict = field(default_factory=dict)


_importers: dict[str, Importer] = {}
_exporters: dict[str, Exporter] = {}
_discovered = False


def autodiscover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("importers")
        autodiscover_modules("exporters")


def register_importer(kind: str, importer: Importer) -> Importer:
    from aftersales.core.events import import_applied

    import_applied(kind)  # the audit action the kernel writes when this kind's rows are applied
    _importers[kind] = importer
    return importer


def register_exporter(kind: str, exporter: Exporter) -> Exporter:
    _exporters[kind] = exporter
    return exporter


def get_importer(kind: str) -> Importer | None:
    autodiscover()
    return _importers.get(kind)


def get_exporter(kind: str) -> Exporter | None:
    autodiscover()
    return _exporters.get(kind)


def importers() -> dict[str, Importer]:
    autodiscover()
    return dict(sorted(_importers.items(), key=lambda item: getattr(item[1], "order", 100)))


def exporters() -> dict[str, Exporter]:
    autodiscover()
    return dict(_exporters)
