"""How the tickets app's audit events read on a timeline — the ticket's own and the customer 360
page's 服务历程 (R-TKT-5): a sentence per step, never an action name or a field name."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.core.registry import register_timeline_renderer
from aftersales.core.timelines import shown_new as _new
from aftersales.core.timelines import shown_old as _old

from . import events


def _number(event) -> str:
    return event.object_repr or ""


def _created(e):
    kind = _new(e, "kind")
    if kind:
        return _("opened ticket %(number)s (%(kind)s)") % {"number": _number(e), "kind": kind}
    return _("opened ticket %(number)s") % {"number": _number(e)}


def _fields(e) -> str:
    return "、".join(getattr(e, "shown_labels", [])[:6]) or _("details")


_SENTENCES = {
    events.TICKET_CREATED: _created,
    events.TICKET_UPDATED: lambda e: _("changed ticket %(number)s: %(fields)s") % {"number": _number(e),
                                                                                  "fields": _fields(e)},
    events.TICKET_TRANSFERRED: lambda e: _("handed ticket %(number)s from %(old)s to %(new)s") % {
        "number": _number(e), "old": _old(e, "owner", "—"), "new": _new(e, "owner", "—")},
    "tickets.ticket.accept": lambda e: _("accepted ticket %(number)s") % {"number": _number(e)},
    "tickets.ticket.dispatch_work": lambda e: _("marked ticket %(number)s as dispatched") % {"number": _number(e)},
    "tickets.ticket.arrive": lambda e: _("ticket %(number)s: arrived on site") % {"number": _number(e)},
    "tickets.ticket.at_dealer": lambda e: _("ticket %(number)s is handled at a dealer") % {"number": _number(e)},
    "tickets.ticket.wait_customer": lambda e: _("ticket %(number)s waits for the customer") % {"number": _number(e)},
    "tickets.ticket.wait_parts": lambda e: _("ticket %(number)s waits for parts") % {"number": _number(e)},
    "tickets.ticket.resolve": lambda e: _("resolved ticket %(number)s") % {"number": _number(e)},
    "tickets.ticket.confirm": lambda e: _("the customer confirmed the resolution of ticket %(number)s") % {
        "number": _number(e)},
    "tickets.ticket.close": lambda e: _("closed ticket %(number)s") % {"number": _number(e)},
    "tickets.ticket.close_unconfirmed": lambda e: _("closed ticket %(number)s without the customer's confirmation") % {
        "number": _number(e)},
    "tickets.ticket.reopen": lambda e: _("reopened ticket %(number)s") % {"number": _number(e)},
    "tickets.ticket.cancel": lambda e: _("cancelled ticket %(number)s") % {"number": _number(e)},
    "tickets.slapolicy.created": lambda e: _("added the SLA policy %(name)s") % {"name": e.object_repr},
    "tickets.slapolicy.updated": lambda e: _("changed the SLA policy %(name)s") % {"name": e.object_repr},
}


def render(event) -> str:
    if event.action.startswith("tickets.ticket.resume_"):
        return _("work on ticket %(number)s resumed") % {"number": _number(event)}
    sentence = _SENTENCES.get(event.action)
    return sentence(event) if sentence else ""


register_timeline_renderer("tickets.", render)
