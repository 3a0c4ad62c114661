"""Ticket kinds, priorities and states, and the ticket state machine (R-TKT-1, R-TKT-2, ADR 0021).

Every move of a ticket is one transition of ``TICKET_MACHINE`` (core.fsm, ADR 0007): who may fire
it, from which states, with which guard.  Pages offer them with ``{% transition_buttons %}``, the
API with ``TransitionActionsMixin``; a move not allowed now is a 409 ``transition_not_allowed``
with the reason.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.fsm import StateMachine, Transition


class TicketKind(models.TextChoices):
    """R-TKT-2: the seven kinds of a call."""

    CONSULTATION = "consultation", pgettext_lazy("ticket kind", "Consultation")
    REPAIR = "repair", pgettext_lazy("ticket kind", "Repair request")
    ROADSIDE = "roadside", pgettext_lazy("ticket kind", "Roadside help")
    COMPLAINT = "complaint", pgettext_lazy("ticket kind", "Complaint")
    PARTS = "parts", pgettext_lazy("ticket kind", "Parts enquiry")
    SALES = "sales", pgettext_lazy("ticket kind", "Pre-sale / in-sale enquiry")
    FEEDBACK = "feedback", pgettext_lazy("ticket kind", "Information feedback")


class TicketPriority(models.TextChoices):
    URGENT = "urgent", pgettext_lazy("ticket priority", "Urgent")
    HIGH = "high", pgettext_lazy("ticket priority", "High")
    NORMAL = "normal", pgettext_lazy("ticket priority", "Normal")
    LOW = "low", pgettext_lazy("ticket priority", "Low")


class TicketStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "New")
    ACCEPTED = "accepted", pgettext_lazy("ticket status", "Accepted")
    DISPATCHED = "dispatched", pgettext_lazy("ticket status", "Dispatched")
    ON_SITE = "on_site", pgettext_lazy("ticket status", "On site")
    AT_DEALER = "at_dealer", pgettext_lazy("ticket status", "At a dealer")
    WAITING_CUSTOMER = "waiting_customer", pgettext_lazy("ticket status", "Waiting for the customer")
    WAITING_PARTS = "waiting_parts", pgettext_lazy("ticket status", "Waiting for parts")
    RESOLVED = "resolved", pgettext_lazy("ticket status", "Resolved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("ticket status", "Cancelled")
    REOPENED = "reopened", pgettext_lazy("ticket status", "Reopened")


_S = TicketStatus
#: Someone still has to act on these (queues, the duplicate guard, "我的工单").
OPEN_STATUSES = (_S.NEW, _S.ACCEPTED, _S.DISPATCHED, _S.ON_SITE, _S.AT_DEALER, _S.WAITING_CUSTOMER,
                 _S.WAITING_PARTS, _S.REOPENED)
#: The clocks stand still in these (waiting for the customer, parts on order).
WAITING_STATUSES = (_S.WAITING_CUSTOMER, _S.WAITING_PARTS)
#: Work is going on: a wait can start from here, and ends by going back to the same state.
WORKING_STATUSES = (_S.ACCEPTED, _S.DISPATCHED, _S.ON_SITE, _S.AT_DEALER, _S.REOPENED)
#: The two clocks of a ticket (core.calendar.clocks), by name.
RESPONSE_CLOCK = "response"
RESOLVE_CLOCK = "resolve"

CHANGE = "tickets.change_ticket"
MANAGE = "tickets.manage_ticket"


def owner_or_lead(ticket, user) -> str | None:
    """The owner carries the ticket (R-TKT-1); a team lead or manager (``manage_ticket``) may step in."""
    if ticket.owner_id == user.pk or user.has_perm(MANAGE):
        return None
    return _("Only the ticket's owner or a team lead may do this.")


def _paused_from(state):
    def guard(ticket, context):
        if ticket.paused_from != state:
            return _("The ticket was not waiting from this step.")
        return None
    return guard


def _has_resolution(ticket, context):
    return None if (ticket.resolution or "").strip() else _("Record the resolution first.")


def _confirmed(ticket, context):
    if ticket.customer_confirmed_at is None:
        return _("The customer has not confirmed the resolution: record the confirmation, "
                 "or close with a reason.")
    return None


def _not_confirmed(ticket, context):
    return _("The customer has already confirmed.") if ticket.customer_confirmed_at else None


def _t(name, source, target, label, **kwargs):
    kwargs.setdefault("permission", CHANGE)
    kwargs.setdefault("allowed", owner_or_lead)
    return Transition(name, source=source, target=target, label=label, event=f"tickets.ticket.{name}", **kwargs)


_RESUME_LABEL = _("Resume work")
TICKET_MACHINE = StateMachine(
    model="tickets.Ticket", states=TicketStatus, event_prefix="tickets.ticket",
    url_name="tickets:ticket_transition", services="aftersales.tickets.services",
    transitions=[
        _t("accept", [_S.NEW], _S.ACCEPTED, _("Accept"), done=_("The ticket is accepted: the response clock stopped.")),
        _t("dispatch_work", [_S.ACCEPTED, _S.REOPENED], _S.DISPATCHED, _("Mark as dispatched"),
           done=_("The ticket is marked as dispatched.")),
        _t("arrive", [_S.DISPATCHED], _S.ON_SITE, _("Arrived on site")),
        _t("at_dealer", [_S.ACCEPTED, _S.DISPATCHED, _S.REOPENED], _S.AT_DEALER, _("Handled at a dealer")),
        _t("wait_customer", WORKING_STATUSES, _S.WAITING_CUSTOMER, _("Wait for the customer"), reason_required=True,
           style="outline-secondary", done=_("Waiting for the customer: the clocks are paused.")),
        _t("wait_parts", WORKING_STATUSES, _S.WAITING_PARTS, _("Wait for parts"), reason_required=True,
           style="outline-secondary", done=_("Waiting for parts: the clocks are paused.")),
        *[_t(f"resume_{state}", WAITING_STATUSES, state, _RESUME_LABEL, guard=_paused_from(state),
             done=_("Work resumed: the clocks run again.")) for state in WORKING_STATUSES],
        _t("resolve", WORKING_STATUSES, _S.RESOLVED, _("Resolve"), reason_required=True, style="success",
           done=_("The ticket is resolved: the resolution clock stopped.")),
        _t("confirm", [_S.RESOLVED], _S.RESOLVED, _("Customer confirmed"), guard=_not_confirmed,
           style="outline-success", done=_("The customer's confirmation is recorded.")),
        _t("close", [_S.RESOLVED], _S.CLOSED, _("Close"), guard=_confirmed, style="success",
           done=_("The ticket is closed.")),
        _t("close_unconfirmed", [_S.RESOLVED], _S.CLOSED, _("Close without confirmation"), guard=_has_resolution,
           reason_required=True, style="outline-danger",
           confirm=_("Close without the customer's confirmation? Give the reason (e.g. not reachable after three calls)."),
           done=_("The ticket is closed.")),
        _t("reopen", [_S.RESOLVED, _S.CLOSED], _S.REOPENED, _("Reopen"), reason_required=True, style="outline-warning",
           done=_("The ticket is reopened: the resolution clock runs again.")),
        _t("cancel", [_S.NEW, _S.ACCEPTED, _S.DISPATCHED, *WAITING_STATUSES, _S.REOPENED], _S.CANCELLED,
           _("Cancel ticket"), reason_required=True, style="outline-danger",
           confirm=_("Cancel this ticket? Give the reason."), done=_("The ticket is cancelled.")),
    ])
