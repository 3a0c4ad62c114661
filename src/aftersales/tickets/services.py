"""Writes of the tickets app (DESIGN.md rule 1): keyword-only, transactional, audited (R-TKT-1, R-TKT-5).

- ``ticket_create``: the agent who opens the ticket owns it; the number is taken inside the
  creating transaction (prefix ``T``); the clocks start at once; an open ticket of the same
  customer (and vehicle) is offered first — creating another needs ``allow_duplicate``.
- ``ticket_update``: the generic edit.  It never moves the owner, the state or the number.
- ``ticket_transfer``: the only way ownership moves — with a reason, audited, on the timeline.
- every state change is a transition of ``TICKET_MACHINE``; the ones that also move clocks or
  write columns are registered here with ``@TICKET_MACHINE.performs``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core import audit, numbering
from aftersales.core import services as core_services
from aftersales.core.exceptions import PermissionDeniedError, ServiceError, StaleVersionError

from . import events, sla
from .choices import (
    CHANGE,
    OPEN_STATUSES,
    RESOLVE_CLOCK,
    RESPONSE_CLOCK,
    TICKET_MACHINE,
    WORKING_STATUSES,
    owner_or_lead,
)
from .models import TICKET_PREFIX, Ticket
from .selectors import open_duplicates

#: What the generic edit (page and API) may change; everything else has its own service.
EDITABLE = ("kind", "priority", "vehicle", "location", "description")


class DuplicateTicket(ServiceError):
    """An open ticket of the same customer (and vehicle) exists: open it, or say to create anyway."""

    code = "duplicate_ticket"
    status = 409

    def __init__(self, tickets):
        self.tickets = list(tickets)
        numbers = "、".join(t.number for t in self.tickets)
        super().__init__(_("This customer already has an open ticket: %(numbers)s. Open it, or create a new one "
                           "anyway.") % {"numbers": numbers}, field="customer")


def _home_organisation(actor):
    profile = getattr(actor, "staff_profile", None) if actor is not None else None
    return getattr(profile, "organisation", None)


@transaction.atomic
def ticket_create(*, actor, data: dict, m2m: dict | None = None, at: datetime.datetime | None = None) -> Ticket:
    """Open a ticket owned by ``actor`` (the seed, acting as nobody, names the ``owner``)."""
    data = dict(data)
    allow_duplicate = bool(data.pop("allow_duplicate", False))
    owner = data.pop("owner", None) if actor is None else actor
    if owner is None:
        raise ServiceError(_("A ticket needs an owner."), field="owner", code="required")
    if not data.get("organisation"):
        data["organisation"] = _home_organisation(owner)
    if data.get("organisation") is None:
        raise ServiceError(_("Choose the handling organisation."), field="organisation", code="required")
    customer = data.get("customer")
    if customer is not None and not allow_duplicate:
        found = list(open_duplicates(user=actor, customer=customer, vehicle=data.get("vehicle"))[:5])
        if found:
            raise DuplicateTicket(found)
    at = at or timezone.now()
    number = numbering.next_number(prefix=TICKET_PREFIX, organisation=data["organisation"],
                                   on=timezone.localdate(at))
    ticket = core_services.create_object(Ticket, actor=actor, data={**data, "owner": owner, "number": number,
                                                                    "created_at": at})
    sla.start_clocks(ticket, at=at)
    return ticket


@transaction.atomic
def ticket_update(ticket: Ticket, *, actor, data: dict, m2m: dict | None = None,
                  expected_version: int | None = None) -> Ticket:
    """Kind, priority, vehicle, location and description; anything else is refused by name."""
    refused = sorted(set(data) - set(EDITABLE))
    if refused:
        raise ServiceError(_("This cannot be changed here: %(fields)s.") % {"fields": ", ".join(refused)},
                           fields={name: [_("Changed only through its own action (transfer, state change).")]
                                   for name in refused})
    if ticket.status not in OPEN_STATUSES:
        raise ServiceError(_("A closed or cancelled ticket is not edited; reopen it first."),
                           code="transition_not_allowed")
    return core_services.update_object(ticket, actor=actor, data=data, m2m=m2m, expected_version=expected_version)


@transaction.atomic
def ticket_transfer(*, actor, ticket: Ticket, to_user, reason: str, expected_version: int | None = None) -> Ticket:
    """Hand the ticket to another agent (R-TKT-1): the one way its owner changes."""
    reason = (reason or "").strip()
    current = Ticket.objects.select_for_update().select_related("owner").get(pk=ticket.pk)
    if expected_version is not None and current.version != int(expected_version):
        raise StaleVersionError()
    if actor is None or not actor.has_perm(CHANGE):
        raise PermissionDeniedError()
    refusal = owner_or_lead(current, actor)
    if refusal:
        raise PermissionDeniedError(refusal)
    if current.status not in OPEN_STATUSES:
        raise ServiceError(_("Only an open ticket changes hands."), code="transition_not_allowed")
    if not reason:
        raise ServiceError(_("A reason is required."), field="reason", code="required")
    if to_user is None or not to_user.is_active or not to_user.has_perm(CHANGE):
        raise ServiceError(_("Choose a colleague who handles tickets."), field="to_user")
    if to_user.pk == current.owner_id:
        raise ServiceError(_("This colleague already owns the ticket."), field="to_user")
    from aftersales.core.timelines import actor_name

    old_name, new_name = actor_name(current.owner), actor_name(to_user)
    Ticket.objects.filter(pk=current.pk).update(owner=to_user, version=current.version + 1, updated_at=timezone.now())
    sla.hand_clocks_to(current, to_user)
    current.refresh_from_db()
    audit.record(actor=actor, action=events.TICKET_TRANSFERRED, obj=current, changes={"owner": [old_name, new_name]},
                 note=reason[:1000])
    ticket.__dict__.update(current.__dict__)
    return current


# --- state changes ---------------------------------------------------------------------------------

def transition(ticket: Ticket, name: str, *, actor, reason: str = "", expected_version: int | None = None,
               at: datetime.datetime | None = None) -> Ticket:
    """Fire ``name`` the way a page or the API does, at ``at`` (the seed's past) or now."""
    performer = TICKET_MACHINE._performers.get(name)
    if performer is None:
        return TICKET_MACHINE.fire(ticket, name, actor=actor, reason=reason, expected_version=expected_version)
    return performer(ticket, actor=actor, reason=reason, expected_version=expected_version, at=at)


def _fire(ticket, name, *, actor, reason, expected_version, fields=None, audit_fields=()):
    return TICKET_MACHINE.fire(ticket, name, actor=actor, reason=reason, expected_version=expected_version,
                               fields=fields, audit_fields=audit_fields)


@TICKET_MACHINE.performs("accept")
@transaction.atomic
def ticket_accept(ticket, *, actor, reason="", expected_version=None, at=None):
    at = at or timezone.now()
    ticket = _fire(ticket, "accept", actor=actor, reason=reason, expected_version=expected_version,
                   fields={"accepted_at": at})
    sla.stop(ticket, RESPONSE_CLOCK, at=at)
    return ticket


def _wait(name):
    @transaction.atomic
    def wait(ticket, *, actor, reason="", expected_version=None, at=None):
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        ticket = _fire(locked, name, actor=actor, reason=reason, expected_version=expected_version,
                       fields={"paused_from": locked.status})
        sla.pause_all(ticket, at=at or timezone.now())
        return ticket
    wait.__name__ = f"ticket_{name}"
    return TICKET_MACHINE.performs(name)(wait)


ticket_wait_customer = _wait("wait_customer")
ticket_wait_parts = _wait("wait_parts")


def _resume(state):
    name = f"resume_{state}"

    @transaction.atomic
    def resume(ticket, *, actor, reason="", expected_version=None, at=None):
        ticket = _fire(ticket, name, actor=actor, reason=reason, expected_version=expected_version,
                       fields={"paused_from": ""})
        sla.resume_all(ticket, at=at or timezone.now())
        return ticket
    resume.__name__ = f"ticket_{name}"
    return TICKET_MACHINE.performs(name)(resume)


RESUMES = {state: _resume(state) for state in WORKING_STATUSES}


@TICKET_MACHINE.performs("resolve")
@transaction.atomic
def ticket_resolve(ticket, *, actor, reason="", expected_version=None, at=None):
    """The reason given is the resolution (what was done); both clocks stop."""
    at = at or timezone.now()
    ticket = _fire(ticket, "resolve", actor=actor, reason=reason, expected_version=expected_version,
                   fields={"resolution": (reason or "").strip(), "resolved_at": at}, audit_fields=("resolution",))
    sla.stop(ticket, RESPONSE_CLOCK, RESOLVE_CLOCK, at=at)
    return ticket


@TICKET_MACHINE.performs("confirm")
def ticket_confirm(ticket, *, actor, reason="", expected_version=None, at=None):
    return _fire(ticket, "confirm", actor=actor, reason=reason, expected_version=expected_version,
                 fields={"customer_confirmed_at": at or timezone.now()})


def _close(name):
    def close(ticket, *, actor, reason="", expected_version=None, at=None):
        return _fire(ticket, name, actor=actor, reason=reason, expected_version=expected_version,
                     fields={"closed_at": at or timezone.now()})
    close.__name__ = f"ticket_{name}"
    return TICKET_MACHINE.performs(name)(close)


ticket_close = _close("close")
ticket_close_unconfirmed = _close("close_unconfirmed")


@TICKET_MACHINE.performs("reopen")
@transaction.atomic
def ticket_reopen(ticket, *, actor, reason="", expected_version=None, at=None):
    """The resolution clock starts again with its whole target (ADR 0021)."""
    at = at or timezone.now()
    ticket = _fire(ticket, "reopen", actor=actor, reason=reason, expected_version=expected_version,
                   fields={"resolved_at": None, "customer_confirmed_at": None, "closed_at": None})
    sla.start_clocks(ticket, at=at, names=(RESOLVE_CLOCK,))
    return ticket


@TICKET_MACHINE.performs("cancel")
@transaction.atomic
def ticket_cancel(ticket, *, actor, reason="", expected_version=None, at=None):
    at = at or timezone.now()
    ticket = _fire(ticket, "cancel", actor=actor, reason=reason, expected_version=expected_version,
                   fields={"closed_at": at})
    sla.stop(ticket, RESPONSE_CLOCK, RESOLVE_CLOCK, at=at)
    return ticket
