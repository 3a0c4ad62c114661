"""The demo tickets (issue 9 item 12): every state, dealers of both regions, the dates things
happened on, some clocks past their limit; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aftersales.core.models import AuditEvent
from aftersales.core.registry import seed_steps
from aftersales.customers.seed import seed_customers
from aftersales.org.seed import seed_org
from aftersales.tickets import selectors
from aftersales.tickets.choices import TicketStatus
from aftersales.tickets.models import Ticket
from aftersales.tickets.seed import seed_tickets

pytestmark = pytest.mark.django_db


def test_seed_runs_after_the_customers():
    step = next(s for s in seed_steps() if s.name == "tickets")
    assert step.order > next(s for s in seed_steps() if s.name == "customers").order
    assert step.run is seed_tickets


def test_demo_tickets_cover_every_state_region_and_carry_their_dates():
    seed_org(scale=0.1)
    seed_customers(scale=0.1)
    seed_tickets(scale=0.1)
    tickets = Ticket.objects.unscoped(reason="test").select_related("customer__owning_dealer__region")
    assert set(tickets.values_list("status", flat=True)) == set(TicketStatus.values)
    assert len({t.customer.owning_dealer.code[:2] for t in tickets}) >= 2  # dealers of several sales regions
    assert {t.owner.username for t in tickets} == {"agent"}
    today = timezone.localdate()
    assert all(timezone.localdate(t.created_at) < today for t in tickets)
    first = AuditEvent.objects.filter(action="tickets.ticket.created").order_by("at").first()
    assert timezone.localdate(first.at) < today  # the history is dated when it happened
    assert tickets.filter(selectors.breached_q(), status__in=["new", "accepted"]).exists()
    count, events = tickets.count(), AuditEvent.objects.count()
    seed_tickets(scale=0.1)
    assert (Ticket.objects.unscoped(reason="test").count(), AuditEvent.objects.count()) == (count, events)
