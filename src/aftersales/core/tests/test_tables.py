"""The faster list cells (``core.tables``, ``{% table_body %}``; issue 8 item 7) show what
django-tables2's own columns and template show: the expected output is the library's, rendered
side by side in the same test."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import django_tables2 as tables
import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from django_tables2 import columns as library_columns
from django_tables2 import utils as tables_utils

from aftersales.core import tables as core_tables

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
WHEN = [
    datetime.datetime(2026, 3, 1, 16, 30, tzinfo=UTC),  # 00:30 the next day in Shanghai
    datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime.datetime(2025, 6, 15, 8, 5, tzinfo=SHANGHAI),
    None,
]
DAYS = [datetime.date(2026, 2, 28), datetime.date(2024, 2, 29), None]


class Both(tables.Table):
    """Library columns next to ours on the same values."""

    lib_dt = library_columns.DateTimeColumn(accessor="when")
    our_dt = core_tables.DateTimeColumn(accessor="when")
    lib_dt_long = library_columns.DateTimeColumn(accessor="when", short=False)
    our_dt_long = core_tables.DateTimeColumn(accessor="when", short=False)
    lib_dt_fmt = library_columns.DateTimeColumn(accessor="when", format="Y年n月j日 H:i")
    our_dt_fmt = core_tables.DateTimeColumn(accessor="when", format="Y年n月j日 H:i")
    lib_d = library_columns.DateColumn(accessor="day")
    our_d = core_tables.DateColumn(accessor="day")
    lib_d_fmt = library_columns.DateColumn(accessor="day", format="n/j")
    our_d_fmt = core_tables.DateColumn(accessor="day", format="n/j")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_cells_read_as_the_librarys_in_local_time(language):
    rows = [{"when": w, "day": d} for w in WHEN for d in DAYS]
    with translation.override(language):
        table = Both(rows)
        for row in table.rows:
            for kind in ("dt", "dt_long", "dt_fmt", "d", "d_fmt"):
                assert row.get_cell(f"our_{kind}") == row.get_cell(f"lib_{kind}"), kind
    # and the value really is Shanghai's wall clock, not UTC's
    assert Both([{"when": WHEN[0], "day": None}]).rows[0].get_cell("our_dt") == "2026-03-02 00:30"


def test_exports_keep_iso_values():
    table = Both([{"when": WHEN[0], "day": DAYS[0]}])
    row = table.rows[0]
    for kind in ("dt", "d"):
        assert row.get_cell_value(f"our_{kind}") == row.get_cell_value(f"lib_{kind}")


def test_model_date_fields_get_the_fast_columns():
    from aftersales.core.models import AuditEvent

    class Events(tables.Table):
        class Meta:
            model = AuditEvent
            fields = ("at",)

    assert type(Events.base_columns["at"]) is core_tables.DateTimeColumn


class _Thing:
    def render(self, value, record):
        return value

    def anything(self, **kwargs):
        return kwargs


def _plain(value, *, table=None):
    return value


@pytest.mark.parametrize("fn", [
    _Thing().render, _Thing().anything, _plain, lambda record: record, lambda: None,
])
def test_the_signature_cache_answers_as_inspect_does(fn):
    uncached = tables_utils.signature.uncached
    assert tables_utils.signature(fn) == uncached(fn)
    assert tables_utils.signature(fn) == uncached(fn)  # and again from the cache


def test_the_signature_cache_is_keyed_by_function_not_instance_and_bounded():
    cache = tables_utils.signature.results
    a, b = _Thing(), _Thing()
    tables_utils.signature(a.render)
    size = len(cache)
    tables_utils.signature(b.render)
    assert len(cache) == size  # one entry for every instance's bound method
    for _ in range(5000):
        tables_utils.signature(lambda x=None: x)  # a fresh function each time
    assert len(cache) <= 2048


class People(tables.Table):
    name = tables.Column(attrs={"td": {"class": "who"}})
    age = tables.Column(verbose_name="Age & years", localize=False)
    score = tables.Column(localize=True)
    note = tables.Column(attrs={"td": {"data-kind": lambda record: record["kind"]}}, orderable=False)

    class Meta:
        row_attrs = {"data-id": lambda record: record["name"]}
        empty_text = "Nobody <here>"


PEOPLE = [
    {"name": "张<伟>", "age": 12345, "score": 1234.5, "note": "a & b", "kind": "x"},
    {"name": "李娜", "age": None, "score": 7, "note": "", "kind": "y"},
]


def _render(table, template_name: str) -> str:
    request = RequestFactory().get("/people/")
    tables.RequestConfig(request).configure(table)
    table.template_name = template_name
    html = Template("{% load django_tables2 %}{% render_table table %}").render(Context({"table": table, "request": request}))
    return html


def _tbody(html: str) -> str:
    body = re.search(r"<tbody.*?</tbody>", html, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", body)).replace(" >", ">")


@pytest.mark.parametrize("data", [PEOPLE, []], ids=["rows", "empty"])
def test_rows_render_as_the_librarys_template_plus_a_label_per_cell(data, settings):
    settings.USE_THOUSAND_SEPARATOR = True  # so a column's localize=True / False shows
    ours = _render(People(data), "core/table.html")
    theirs = _render(People(data), "django_tables2/bootstrap5.html")
    labels = re.findall(r' data-label="([^"]*)"', ours)
    assert _tbody(re.sub(r' data-label="[^"]*"', "", ours)) == _tbody(theirs)
    if data:
        assert labels == ["Name", "Age &amp; years", "Score", "Note"] * 2
        assert "张&lt;伟&gt;" in ours and "a &amp; b" in ours
        assert ">12345<" in ours and ">1,234.5<" in ours
    else:
        assert "Nobody &lt;here&gt;" in ours
