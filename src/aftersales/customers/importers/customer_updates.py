"""Updating existing customers from an import's staged rows (R-CUS-7, issue 8 item 9).

A staged row whose customer number exists — given in the file, or found by its phone in
"update existing" mode — updates that customer like an edit on its page: a filled cell replaces
the stored value, an empty one keeps it; the version goes up and one ``customers.customer.updated``
event per customer records every change (old → new), new phones and addresses included, with
the job and row in its note.  A row that changes nothing writes nothing.  Never a move to
another dealer: the check refuses such rows and ``_upsert_staged`` refuses the whole apply if one
slipped through.
"""

from __future__ import annotations

import json

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core import audit
from aftersales.core.imports.sql import SQLITE_BATCH, table

from .. import events
from ..models import Customer, CustomerAddress, CustomerPhone

# (stored column, staged column): a staged NULL / "" keeps the stored value
FIELDS = (("name", "name"), ("kind", "kind"), ("source", "source"), ("resident_id", "resident_id"),
          ("person_in_charge", "person_in_charge"), ("region_id", "region_id"), ("notes", "notes"))


def _tags(value) -> list:
    if isinstance(value, str):
        try:
            value = json.loads(value or "[]")
        except ValueError:
            value = []
    return list(value or [])


def update_existing(stage: str, connection, *, job) -> tuple[int, int]:
    """Apply the staged rows of existing customers; returns (changed, unchanged)."""
    cust, phone, addr = table(connection, Customer), table(connection, CustomerPhone), table(connection, CustomerAddress)
    old_cols = ", ".join(f"c.{c}" for c, _s in FIELDS)
    new_cols = ", ".join(f"s.{s}" for _c, s in FIELDS)
    with connection.cursor() as cur:
        cur.execute(f"SELECT c.id, c.primary_phone, c.tags, {old_cols}, s.row, s.initials, s.tags, "  # noqa: S608
                    f"s.mobile, s.other, s.address, {new_cols} FROM {stage} s JOIN {cust} c ON c.code = s.code")
        rows = cur.fetchall()
        if not rows:
            return 0, 0
        cur.execute(f"SELECT p.customer_id, p.number FROM {phone} p JOIN {cust} c ON c.id = p.customer_id "  # noqa: S608
                    f"JOIN {stage} s ON s.code = c.code")
        numbers: dict[int, list[str]] = {}
        for cid, number in cur.fetchall():
            numbers.setdefault(cid, []).append(number)
        cur.execute(f"SELECT a.customer_id, a.detail FROM {addr} a JOIN {cust} c ON c.id = a.customer_id "  # noqa: S608
                    f"JOIN {stage} s ON s.code = c.code")
        details: dict[int, set[str]] = {}
        for cid, detail in cur.fetchall():
            details.setdefault(cid, set()).add(detail)
    n = len(FIELDS)
    updates, changes_by_id, row_of = [], {}, {}
    for r in rows:
        cid, primary_phone, old_tags = r[0], r[1], _tags(r[2])
        old = dict(zip((c for c, _s in FIELDS), r[3:3 + n], strict=True))
        row, initials, new_tags, mobile, other, address = r[3 + n:9 + n]
        new = {c: (v if v not in (None, "") else old[c])
               for (c, _s), v in zip(FIELDS, r[9 + n:], strict=True)}
        changes = {c: [old[c], new[c]] for c in new if new[c] != old[c]}
        new_tags = _tags(new_tags) or old_tags
        if new_tags != old_tags:
            changes["tags"] = [old_tags, new_tags]
        had = numbers.get(cid, [])
        added = [p for p in dict.fromkeys((mobile, other)) if p and p not in had]
        if added:
            changes["phones"] = [had, had + added]
        if address and address not in details.get(cid, set()):
            changes["addresses"] = [None, [address]]
        if not changes:
            continue
        changes_by_id[cid], row_of[cid] = changes, row
        updates.append([new["name"], initials or "", new["kind"], new["source"], new["resident_id"] or "",
                        new["person_in_charge"] or "", new["region_id"], new["notes"] or "",
                        json.dumps(new_tags, ensure_ascii=False),
                        mobile if not primary_phone and mobile else primary_phone, cid])
    if updates:
        jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
        now = timezone.now()
        sql = (f"UPDATE {cust} SET name = %s, name_initials = %s, kind = %s, source = %s, resident_id = %s, "  # noqa: S608
               f"person_in_charge = %s, region_id = %s, notes = %s, tags = %s{jsonb}, primary_phone = %s, "
               f"version = version + 1, updated_at = %s WHERE id = %s")
        with connection.cursor() as cur:
            for start in range(0, len(updates), SQLITE_BATCH):
                cur.executemany(sql, [u[:-1] + [now, u[-1]] for u in updates[start:start + SQLITE_BATCH]])
        _record(job, changes_by_id, row_of)
    return len(updates), len(rows) - len(updates)


def _record(job, changes_by_id: dict[int, dict], row_of: dict[int, int]) -> None:
    """One ``customers.customer.updated`` event per changed customer, in bulk."""
    ids = list(changes_by_id)
    for start in range(0, len(ids), SQLITE_BATCH):
        batch = Customer.objects.unscoped(
            reason="customers the import's check matched inside the importer's scope; events on them").filter(
            pk__in=ids[start:start + SQLITE_BATCH]).only(
            "id", "code", "name", "owning_dealer_id")
        audit.record_many(
            actor=job.created_by if job is not None else None, action=events.CUSTOMER_UPDATED,
            entries=[(c, changes_by_id[c.pk],
                      _("Import job #%(job)s, row %(row)s (%(file)s).") % {
                          "job": job.pk if job is not None else "-", "row": row_of[c.pk],
                          "file": job.original_filename if job is not None else ""})
                     for c in batch])
