"""Personal data of a customer: access log, reveal with a reason, one customer's export (R-SYS-2, PIPL).

Masking itself is decided in ``core.masking`` and applied by ``customers.presenters``; these are the
writes a look at unmasked data leaves behind.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core import audit
from aftersales.core.masking import PERMISSION as VIEW_PERSONAL_DATA
from aftersales.core.models import PersonalDataAccess

from ..models import (
    Customer,
)

REVEAL_PERMISSION = "core.reveal_personal_data"
EXPORT_PERMISSION = "customers.export_customer"
EXPORT_APPROVAL_THRESHOLD = 1000
REVEALABLE_FIELDS = ("phones", "addresses", "resident_id")


def log_personal_data_list_view(*, actor, rows: int) -> PersonalDataAccess | None:
    """A role that sees unmasked data looked at a page of the customer list: one row, with the count."""
    if not rows or not actor.has_perm(VIEW_PERSONAL_DATA):
        return None
    return audit.log_personal_data_access(actor=actor, action=PersonalDataAccess.Action.VIEW, row_count=rows,
                                          fields=["primary_phone"], reason=_("Viewed the customer list"))


def log_personal_data_view(*, actor, customer: Customer, fields=REVEALABLE_FIELDS) -> PersonalDataAccess | None:
    """A role that sees unmasked data opened a customer's detail: one "view" row in the access log."""
    if not actor.has_perm(VIEW_PERSONAL_DATA):
        return None
    return audit.log_personal_data_access(actor=actor, action=PersonalDataAccess.Action.VIEW, obj=customer,
                                          customer_id=customer.pk, fields=list(fields),
                                          reason=_("Opened the customer record"))


@transaction.atomic
def reveal_personal_data(*, actor, customer: Customer, fields=REVEALABLE_FIELDS, reason: str) -> dict:
    """Unmasked phones / addresses / resident ID of one customer, with the reason logged."""
    if not (actor.has_perm(REVEAL_PERMISSION) or actor.has_perm(VIEW_PERSONAL_DATA)):
        raise PermissionDenied(_("You may not reveal personal data."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why you need to see the unmasked data.")]})
    fields = [f for f in fields if f in REVEALABLE_FIELDS] or list(REVEALABLE_FIELDS)
    audit.log_personal_data_access(actor=actor, action=PersonalDataAccess.Action.REVEAL, obj=customer,
                                   customer_id=customer.pk, fields=fields, reason=reason[:300])
    out: dict = {}
    if "phones" in fields:
        out["phones"] = [p.number for p in customer.phones.all()]
        out["primary_phone"] = customer.primary_phone
    if "addresses" in fields:
        out["addresses"] = [str(a) for a in customer.addresses.all()]
    if "resident_id" in fields:
        out["resident_id"] = customer.resident_id
    return out


def export_needs_approval(count: int) -> bool:
    """Exports of more than 1,000 customers need a manager's approval (PIPL, DESIGN.md)."""
    return count > EXPORT_APPROVAL_THRESHOLD


def _plain(value):
    return audit._plain(value)


@transaction.atomic
def export_customer_data(*, actor, customer: Customer) -> dict:
    """One customer's data as a JSON-able dict (PIPL right of access); logged as an export."""
    if not actor.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied(_("You may not export customer data."))
    from aftersales.core.selectors import timeline_for_customer

    def row(obj, exclude=()):
        return {k: v for k, v in audit.snapshot(obj).items() if k not in exclude}

    data = {
        "customer": {"id": customer.pk, **row(customer)},
        "phones": [row(p, {"customer", "digits_reversed"}) for p in customer.phones.all()],
        "addresses": [row(a, {"customer"}) for a in customer.addresses.all()],
        "vehicles": [{"id": v.pk, **row(v, {"owner"}),
                      "mileage_readings": [row(m, {"vehicle", "recorded_by"}) for m in v.mileage_readings.all()]}
                     for v in customer.vehicles.all()],
        "ownerships": [row(o, {"customer"}) for o in customer.ownerships.all()],
        "documents": [row(d, {"customer"}) for d in customer.documents.all()],
        "consent": _consent_rows(customer),
        "timeline": [{"at": _plain(e.event.at), "action": e.event.action, "text": e.text,
                      "changes": e.event.changes, "note": e.event.note}
                     for e in timeline_for_customer(customer, user=actor, limit=1000)],
    }
    audit.log_personal_data_access(actor=actor, action=PersonalDataAccess.Action.EXPORT, obj=customer,
                                   customer_id=customer.pk, fields=["all"], row_count=1,
                                   reason=_("Export of one customer's data"))
    return data


def _consent_rows(customer: Customer) -> list[dict]:
    from django.apps import apps

    try:
        consent = apps.get_model("notifications", "ContactConsent")
    except LookupError:
        return []
    return [{"contact": c.contact, "channel": c.channel, "purpose": c.purpose, "granted": c.granted,
             "source": c.source, "recorded_at": _plain(c.recorded_at)}
            for c in consent.objects.filter(customer_id=customer.pk)]
