"""How customers.* audit events read on a timeline: a service history in plain sentences
(issue 8 item 2, ADR 0015).

The page shows the date and the person ("2026-03-02 · 王芳") and then this sentence
("登记了车辆 京A12345（小蚂蚁 E1）", "里程更新为 12,300 km（京A12345）").  Values come from
``event.shown`` — the changes already labelled and masked for the reader by ``core.timelines`` —
never from raw field names, action names or pinyin initials.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.core.registry import register_timeline_renderer
from aftersales.core.timelines import shown_new as _new
from aftersales.core.timelines import shown_old as _old

from . import events


def _plate(event) -> str:
    """The plate of the vehicle an event is about (its repr is "plate · VIN"), else the VIN."""
    plate = _new(event, "plate") or _old(event, "plate")
    if plate:
        return str(plate)
    head, _sep, vin = (event.object_repr or "").partition(" · ")
    return head if head and head != "—" else (vin or head)


def _km(value) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


def _joined(values) -> str:
    if isinstance(values, (list, tuple)):
        return "、".join(str(v) for v in values)
    return str(values)


def _fields(event) -> str:
    return "、".join(getattr(event, "shown_labels", [])[:6]) or _("details")


def _vehicle_created(e):
    model = _new(e, "vehicle_model")
    if model:
        return _("registered vehicle %(plate)s (%(model)s)") % {"plate": _plate(e), "model": model}
    return _("registered vehicle %(plate)s") % {"plate": _plate(e)}


def _mileage(e):
    return _("mileage updated to %(km)s km (%(plate)s)") % {"km": _km(_new(e, "current_mileage")), "plate": _plate(e)}


def _owner_changed(e):
    return _("transferred vehicle %(plate)s from %(old)s to %(new)s") % {
        "plate": _plate(e), "old": _old(e, "owner", "—"), "new": _new(e, "owner", "—")}


def _document(e, verb):
    title = _new(e, "title") or e.object_repr
    kind = _new(e, "kind")
    when = _new(e, "document_date")
    text = (_("entered document “%(title)s”") if verb == "created" else _("changed document “%(title)s”")) % {
        "title": title}
    if kind and kind != title:
        text += _(" (%(kind)s)") % {"kind": kind}
    if when:
        text += _(", dated %(date)s") % {"date": when}
    return text


_SENTENCES = {
    events.CUSTOMER_CREATED: lambda e: _("created the customer archive"),
    events.CUSTOMER_UPDATED: lambda e: _("updated the customer's %(fields)s") % {"fields": _fields(e)},
    events.CUSTOMER_PRIMARY_PHONE_CHANGED: lambda e: _("made %(phone)s the primary phone") % {
        "phone": _new(e, "primary_phone", "—")},
    events.CUSTOMER_ARCHIVE_COMPLETED: lambda e: _("completed the customer archive"),
    events.CUSTOMER_ARCHIVE_REOPENED: lambda e: _("the customer archive is incomplete again"),
    "customers.customer.deactivated": lambda e: _("deactivated the customer"),
    "customers.customer.activated": lambda e: _("reactivated the customer"),
    events.CUSTOMER_IMPORT_REFUSED: lambda e: _("an import tried to change this customer and was refused"),
    events.PHONE_ADDED: lambda e: _("added phone %(phone)s") % {"phone": _new(e, "number", "—")},
    events.PHONE_REMOVED: lambda e: _("removed phone %(phone)s") % {"phone": _old(e, "number", "—")},
    events.ADDRESS_ADDED: lambda e: _("added the address %(address)s") % {"address": _new(e, "address", "—")},
    events.ADDRESS_UPDATED: lambda e: _("changed an address"),
    events.VEHICLE_CREATED: _vehicle_created,
    events.VEHICLE_UPDATED: lambda e: _("updated vehicle %(plate)s: %(fields)s") % {"plate": _plate(e),
                                                                                   "fields": _fields(e)},
    "customers.vehicle.deactivated": lambda e: _("deactivated vehicle %(plate)s") % {"plate": _plate(e)},
    "customers.vehicle.activated": lambda e: _("reactivated vehicle %(plate)s") % {"plate": _plate(e)},
    events.VEHICLE_VIN_OVERRIDE: lambda e: _("accepted VIN %(vin)s despite a failed check digit") % {
        "vin": _new(e, "vin", "—")},
    events.VEHICLE_OWNER_CHANGED: _owner_changed,
    events.MILEAGE_RECORDED: _mileage,
    events.ODOMETER_REPLACED: lambda e: _("Odometer of %(vehicle)s replaced: %(reason)s")
    % {"vehicle": _plate(e), "reason": e.note},
    events.KEYPART_SET: lambda e: _("recorded the key-part lot %(lot)s") % {"lot": e.object_repr},
    events.DOCUMENT_CREATED: lambda e: _document(e, "created"),
    events.DOCUMENT_UPDATED: lambda e: _document(e, "updated"),
    "customers.customerdocument.updated": lambda e: _document(e, "updated"),
    "customers.vehiclemodel.created": lambda e: _("added the vehicle model %(model)s") % {"model": e.object_repr},
    "customers.vehiclemodel.updated": lambda e: _("changed the vehicle model %(model)s") % {"model": e.object_repr},
}


def render(event) -> str:
    sentence = _SENTENCES.get(event.action)
    return sentence(event) if sentence else ""


register_timeline_renderer("customers.", render)
