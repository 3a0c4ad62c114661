"""Faster cells for every django-tables2 list page (issue 8 item 7).

Profiled on the customer list (PostgreSQL, agent, page 1: ≈ 11 queries, ~7× the CPU of a trivial
page), about 60 % of a list request went into django-tables2 rendering 25 rows, and three costs
stood out, each paid per *cell* rather than per page:

* the library's ``DateColumn`` / ``DateTimeColumn`` are template columns: every date cell compiles
  ``Template('{{ value|date:"…" }}')`` afresh and renders it in a new context (~12 %).  The
  columns below format the value in Python with the same formats (``date_format`` of the local
  time, as the ``date`` filter does) and are registered with ``columns.library``, so every model
  date field of every table gets them without a change to the app's table;
* ``django_tables2.utils.signature`` asks ``inspect.signature`` which keyword arguments a render
  method, a link or an attrs callable wants — for every cell (~9 %).  The answer depends only on
  the function, so :func:`install_signature_cache` memoises it (bounded);
* the tbody loop in the template (``{{ column.attrs.td.as_html }}``, ``row.items``) — rendered in
  Python instead by ``{% table_body table %}`` (``core/templatetags/aftersales_tables.py``).

Importing this module (``CoreConfig.ready``) does the registration and installs the cache; both
happen before any app's ``tables.py`` builds its columns from the model.
"""

from __future__ import annotations

import datetime
import inspect

import django_tables2.utils as tables_utils
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django_tables2.columns import Column, library


class DateColumn(Column):
    """A date in ``SHORT_DATE_FORMAT`` (or ``DATE_FORMAT`` with ``short=False``, or ``format``);
    exports as ISO.  Same output as django-tables2's ``DateColumn`` without a template per cell."""

    def __init__(self, format=None, short=True, **kwargs):
        super().__init__(**kwargs)
        self.format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value):
        return date_format(value, self.format)

    def value(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


class DateTimeColumn(Column):
    """A date and time in the current time zone (``Asia/Shanghai``), ``SHORT_DATETIME_FORMAT`` by
    default; exports as ISO with a space.  Same output as the library's ``DateTimeColumn``."""

    def __init__(self, format=None, short=True, **kwargs):
        super().__init__(**kwargs)
        self.format = format or ("SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT")

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, self.format)

    def value(self, value):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value


# Registered after the library's own, so ``library.column_for_field`` (which tries the most recently
# registered first) picks these for model date fields.
library.register(DateColumn)
library.register(DateTimeColumn)


def _signature_key(fn):
    # A bound method is a new object on every attribute access; its signature is its function's
    # minus ``self``, the same for every instance.
    if inspect.ismethod(fn):
        return (fn.__func__, True)
    return (fn, False)


def install_signature_cache(maxsize: int = 2048) -> None:
    """Memoise ``django_tables2.utils.signature`` per function (idempotent).

    ``call_with_appropriate`` looks the name up in its module on every call, so replacing the
    module attribute covers render methods, links, row and cell attrs alike.  Keys are functions,
    not bound methods (which would keep tables and requests alive); the size bound (oldest out
    first) keeps per-request lambdas from growing it.  Unhashable callables go uncached.
    """
    original = getattr(tables_utils.signature, "uncached", tables_utils.signature)
    results: dict = {}

    def signature(fn):
        key = _signature_key(fn)
        try:
            return results[key]
        except KeyError:
            pass
        except TypeError:  # unhashable callable
            return original(fn)
        result = original(fn)
        if len(results) >= maxsize:
            results.pop(next(iter(results)))
        results[key] = result
        return result

    signature.uncached = original
    signature.results = results
    tables_utils.signature = signature


install_signature_cache()
