"""How customers.* audit events read on a timeline (Chinese first, via gettext)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.core.registry import register_timeline_renderer

_SENTENCES = {
    "customers.customer.created": lambda e: _("Customer archive %(name)s created") % {"name": e.object_repr},
    "customers.customer.updated": lambda e: _("Customer details changed"),
    "customers.customer.primary_phone_changed": lambda e: _("Primary phone changed"),
    "customers.customer.archive_completed": lambda e: _("Customer archive completed"),
    "customers.customer.archive_reopened": lambda e: _("Customer archive is incomplete again"),
    "customers.customer.deactivated": lambda e: _("Customer deactivated"),
    "customers.customer.activated": lambda e: _("Customer reactivated"),
    "customers.phone.added": lambda e: _("Phone number added"),
    "customers.phone.removed": lambda e: _("Phone number removed"),
    "customers.address.added": lambda e: _("Address added"),
    "customers.address.updated": lambda e: _("Address changed"),
    "customers.vehicle.created": lambda e: _("Vehicle %(vehicle)s registered") % {"vehicle": e.object_repr},
    "customers.vehicle.updated": lambda e: _("Vehicle %(vehicle)s changed") % {"vehicle": e.object_repr},
    "customers.vehicle.vin_override": lambda e: _("VIN accepted despite a failed check digit"),
    "customers.vehicle.owner_changed": lambda e: _("Owner of vehicle %(vehicle)s changed") % {"vehicle": e.object_repr},
    "customers.mileage.recorded": lambda e: _("Mileage recorded for %(vehicle)s") % {"vehicle": e.object_repr},
    "customers.vehicle.odometer_replaced": lambda e: _("Odometer of %(vehicle)s replaced: %(reason)s")
    % {"vehicle": e.object_repr, "reason": e.note},
    "customers.keypart.set": lambda e: _("Key-part lot recorded: %(lot)s") % {"lot": e.object_repr},
    "customers.document.created": lambda e: _("Document entered: %(doc)s") % {"doc": e.object_repr},
    "customers.document.updated": lambda e: _("Document changed: %(doc)s") % {"doc": e.object_repr},
}


def render(event) -> str:
    sentence = _SENTENCES.get(event.action)
    return sentence(event) if sentence else ""


register_timeline_renderer("customers.", render)
