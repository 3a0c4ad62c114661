"""Returned documents and receipts, with their scans as core attachments (R-CUS-6, ADR 0009)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core import services as core_services
from aftersales.core.attachments.choices import AttachmentKind
from aftersales.core.attachments.services import attach

from ..models import (
    CustomerDocument,
)


def _actor_organisation(actor):
    profile = getattr(actor, "staff_profile", None) if getattr(actor, "pk", None) else None
    return profile.organisation if profile is not None else None


@transaction.atomic
def document_create(*, actor, data: dict, m2m: dict | None = None) -> CustomerDocument:
    data = dict(data)
    if not data.get("organisation"):
        customer = data.get("customer")
        data["organisation"] = _actor_organisation(actor) or (customer.owning_dealer if customer else None)
    scan = data.pop("file", None)
    vehicle, customer = data.get("vehicle"), data.get("customer")
    if vehicle is not None and customer is not None and vehicle.owner_id != customer.pk:
        raise ValidationError({"vehicle": [_("This vehicle does not belong to the customer.")]})
    document = core_services.create_object(CustomerDocument, actor=actor, data=data,
                                           action="customers.document.created")
    if scan:
        attach(actor=actor, parent=document, file=scan, kind=AttachmentKind.SCAN, title=document.title)
    return document


@transaction.atomic
def document_update(document: CustomerDocument, *, actor, data: dict, m2m: dict | None = None,
                    expected_version: int | None = None) -> CustomerDocument:
    data = {k: v for k, v in data.items() if k not in {"organisation"}}
    scan = data.pop("file", None)
    document = core_services.update_object(document, actor=actor, data=data, expected_version=expected_version,
                                           action="customers.document.updated")
    if scan:  # another scan is added; earlier ones stay (a receipt may have several pages)
        attach(actor=actor, parent=document, file=scan, kind=AttachmentKind.SCAN, title=document.title)
    return document

