"""Audit action names of the tickets app (``<app>.<model>.<verb>``, ADR 0015).

The state machine declares one action per transition (``tickets.ticket.accept`` …) itself."""

from aftersales.core.events import declare, declare_model_events

TICKET = declare_model_events("tickets.ticket")
TICKET_CREATED = "tickets.ticket.created"
TICKET_UPDATED = "tickets.ticket.updated"
TICKET_TRANSFERRED = declare("tickets.ticket.transferred")
SLA_POLICY = declare_model_events("tickets.slapolicy")
