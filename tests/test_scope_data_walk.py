"""The scope harness walks every registered import and export kind (issue 7 items 2 and 14, R-SYS-2,
R-CUS-7).

Imports (``core.imports.registry.importers()``): for each kind that names scoped rows, a file of one
row per reference column pointing at the *other* dealer (``IMPORT_REFERENCES``: a dealer code, a
customer number, an owner's mobile), plus one row pointing at the user's own dealer, is checked
and applied (valid rows only) as every role that sees one dealer and may import that kind.  Each
forged row is refused with the error in its column; the own row is valid and applied (else the
refusals prove nothing); the other dealer's rows are unchanged (their fingerprint, read through
``restrict()`` as the other dealer's user).

Exports (``exporters()``): for each kind over scoped rows, as every role that sees one dealer and
may export it, the CSV the list page streams and the CSV and Excel files of a background export job (the job the approval of a large export runs too, as the requester) never contain a marker of
the other dealer's rows, and do contain the user's own (else the check proves nothing).

A kind that is neither walked nor listed as shared reference data (with a reason) fails
``test_every_import_and_export_kind_is_walked``: a new import or export must say how it is scoped.

Mutations done by hand (not committed), each failed here:
- ``customers.import_scope.customers_for`` unscoped: the customer import's row naming dealer B's
  number was refused only in another column, with a message that confirms the number exists; the
  vehicle import attached a car to dealer B's customer (``dealer B's rows changed``);
- the customer exporter's queryset unscoped: ``LEAK dealer page csv export customers`` (and the job's
  CSV and Excel files).
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings

from aftersales.core.imports import services as imports
from aftersales.core.imports.exports import export_start, run_export_job
from aftersales.core.imports.models import ImportJob
from aftersales.core.imports.registry import exporters, importers

from .scope_route_table import EXPORT_MARKED, IMPORT_BASE_ROWS, IMPORT_REFERENCES, SHARED_DATA_KINDS
from .scope_world import SEES, build_harness, markers

pytestmark = pytest.mark.django_db

WRITERS = sorted(role for role, seen in SEES.items() if len(seen) == 1)
_fresh = itertools.count(1)


@pytest.fixture
def harness(world, settings, tmp_path):
    return build_harness(world, settings, tmp_path)


def test_every_import_and_export_kind_is_walked(capsys):
    kinds = {("import", k) for k in importers()} | {("export", k) for k in exporters()}
    walked = {("import", k) for k in IMPORT_REFERENCES} | {("export", k) for k in EXPORT_MARKED}
    missing = sorted(f"{what} {k}" for what, k in kinds - walked if k not in SHARED_DATA_KINDS.get(what, {}))
    stale = sorted(f"{what} {k}" for what, k in walked - kinds)
    assert missing == [], "import/export kinds neither walked nor shared (add them to tests/scope_route_table.py):\n" + "\n".join(missing)
    assert stale == [], "\n".join(stale)
    with capsys.disabled():
        print(f"\nscope harness data walk: imports {sorted(IMPORT_REFERENCES)} walked, "
              f"{sorted(SHARED_DATA_KINDS['import'])} shared; exports {sorted(EXPORT_MARKED)} walked, "
              f"{sorted(SHARED_DATA_KINDS['export'])} shared")


def _other(mine: str) -> str:
    return "B" if mine == "A" else "A"


def _rows_fingerprint(user) -> dict:
    """The rows ``user`` sees, by model (audit events left out: a refused import row writes one on
    the customer it tried to take, on purpose)."""
    state = {}
    for model in apps.get_models():
        if getattr(model, "scope_rule", None) is None or model._meta.label == "core.AuditEvent":
            continue
        fields = ["pk", "version"] if any(f.name == "version" for f in model._meta.fields) else None
        rows = model.objects.restrict(user)
        state[model._meta.label] = sorted(map(str, rows.values_list(*fields) if fields else rows.values()))
    return state


def _csv(importer, rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.header for c in importer.columns])
    writer.writerows([[row.get(c.name, "") for c in importer.columns] for row in rows])
    return out.getvalue().encode()


def _user_of(users, dealer: str):
    return users["dealer" if dealer == "A" else "dealer_b"]


# --- imports -----------------------------------------------------------------------------------------

def test_imports_refuse_rows_naming_the_other_dealers_rows(harness):
    world, users, tokens, objects = harness
    failures, proven, forged_rows = [], set(), 0
    for kind, references in IMPORT_REFERENCES.items():
        importer = importers()[kind]
        template = dict(zip([c.name for c in importer.columns], importer.template_rows()[0], strict=True))
        for role in WRITERS:
            user = users[role]
            if not user.has_perm(importer.permission):
                continue
            mine = next(iter(SEES[role]))
            other = _other(mine)
            base = {**template, **IMPORT_BASE_ROWS[kind](next(_fresh), world, objects, mine)}
            rows = [base]
            for value_of in references.values():
                forged = {**base, **IMPORT_BASE_ROWS[kind](next(_fresh), world, objects, mine),
                          **value_of(world, objects, other)}
                rows.append(forged)
            forged_rows += len(rows) - 1
            headers = {c.name: c.header for c in importer.columns}
            before = _rows_fingerprint(_user_of(users, other))
            job = imports.import_start(actor=user, kind=kind, file=io.BytesIO(_csv(importer, rows)),
                                       filename=f"{kind}.csv", enqueue=False)
            job = imports.run_validation(job.pk)
            errors = {(e["row"], e["column"]) for e in job.result.get("first_errors", [])}
            where = f"{role} import {kind}"
            if any(row == 2 for row, _column in errors):
                failures.append(f"{where}: the own row is refused: {job.result['first_errors']}")
            for n, column in enumerate(references, start=3):
                if (n, headers[column]) not in errors:
                    failures.append(f"{where}: row {n} ({column} → dealer {other}) not refused in its column: "
                                    f"{[e for e in job.result.get('first_errors', []) if e['row'] == n]}")
            if job.valid_rows:
                imports.import_apply(actor=user, job=job, mode="valid_only", enqueue=False)
                job = imports.run_apply(job.pk)
                if job.status == ImportJob.Status.DONE and not any(row == 2 for row, _c in errors):
                    proven.add(kind)
            if _rows_fingerprint(_user_of(users, other)) != before:
                failures.append(f"{where}: dealer {other}'s rows changed")
    print(f"\nimport walk: {len(IMPORT_REFERENCES)} kinds, {forged_rows} forged rows, proven {sorted(proven)}")
    assert failures == [], "\n".join(failures)
    assert proven == set(IMPORT_REFERENCES), "kinds whose own row never imported (the walk proves nothing)"


# --- exports -----------------------------------------------------------------------------------------

def _text(content: bytes, fmt: str) -> str:
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist() if n.endswith(".xml"))
    return content.decode("utf-8-sig", "replace")


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_exports_never_carry_the_other_dealers_rows(harness, client):
    world, users, tokens, objects = harness
    failures, proven, files = [], set(), 0
    for kind, label in EXPORT_MARKED.items():
        exporter = exporters()[kind]
        for role in WRITERS:
            user = users[role]
            if not user.has_perm(exporter.permission):
                continue
            mine = next(iter(SEES[role]))
            client.force_login(user)
            got = {}
            # The list page streams a small CSV at once; Excel (and anything large) becomes the job below.
            response = client.get(f"/imports/export/{kind}/?format=csv")
            if response.status_code == 200:
                got["page csv"] = _text(_body(response), "csv")
            else:
                failures.append(f"{role} /imports/export/{kind}/?format=csv: {response.status_code}")
            for fmt in ("csv", "xlsx"):
                job = run_export_job(export_start(actor=user, kind=kind, params={}, fmt=fmt, enqueue=False).pk)
                if job.status == ImportJob.Status.DONE:
                    got[f"job {fmt}"] = _text((Path(django_settings.MEDIA_ROOT) / str(job.output_file)).read_bytes(), fmt)
                else:
                    failures.append(f"{role} export job {kind} {fmt}: {job.status} {job.message}")
            client.logout()
            for what, text in got.items():
                files += 1
                if any(m in text for m in markers(label, objects[label][_other(mine)])):
                    failures.append(f"LEAK {role} {what} export {kind}: dealer {_other(mine)}'s {label}")
                if any(m in text for m in markers(label, objects[label][mine])):
                    proven.add((kind, what))
    print(f"\nexport walk: {len(EXPORT_MARKED)} kinds, {files} files read")
    assert failures == [], "\n".join(failures)
    expected = {(k, what) for k in EXPORT_MARKED for what in ("page csv", "job csv", "job xlsx")}
    assert expected - proven == set(), "exports that never showed an own row (their check proves nothing)"
