"""A ticket's SLA clocks on the working calendar (R-TKT-3, R-TKT-4; issue 9 "Shows"): across a lunch
break, over a make-up Saturday, standing still while it waits, stopping at a missing calendar year,
and the escalation ladder firing once per level.  Every expected time is worked out by hand on the
head-office calendar: Monday–Friday plus make-up days, 08:30–12:00 and 13:30–17:30."""

from __future__ import annotations

import pytest

from aftersales.core.calendar import clocks
from aftersales.core.calendar.sla_models import ClockState, SlaEscalation
from aftersales.notifications.models import Notification
from aftersales.tickets import services
from aftersales.tickets.choices import TicketStatus

from .conftest import at, local

pytestmark = pytest.mark.django_db


def open_ticket(world, customer, when, kind="repair"):
    return services.ticket_create(actor=world.user("agent"), at=at(when), data={
        "customer": customer, "kind": kind, "organisation": world.hq, "description": "空调不制冷"})


def clock(ticket, name):
    return ticket.sla_clocks.get(name=name)


def test_clocks_skip_the_lunch_break(world, customer_a, repair_policy):
    """Opened Thu 2025-10-09 11:30. Response 60 min: 30 min to 12:00, 30 min from 13:30 → 14:00.
    Resolution 4 h: 0.5 h to 12:00, 3.5 h from 13:30 → 17:00."""
    ticket = open_ticket(world, customer_a, "2025-10-09 11:30")
    assert local(clock(ticket, "response").due_at) == "2025-10-09 14:00"
    assert local(clock(ticket, "resolve").due_at) == "2025-10-09 17:00"


def test_a_make_up_saturday_counts_as_a_working_day(world, customer_a, repair_policy):
    """Opened Fri 2025-10-10 16:30. Response 60 min ends at the window's end, 17:30. Resolution 4 h:
    1 h on Friday, then Saturday 2025-10-11 is a make-up working day (调休): 08:30 + 3 h → 11:30."""
    ticket = open_ticket(world, customer_a, "2025-10-10 16:30")
    assert local(clock(ticket, "response").due_at) == "2025-10-10 17:30"
    assert local(clock(ticket, "resolve").due_at) == "2025-10-11 11:30"


def test_waiting_for_parts_pauses_the_clock_and_resuming_moves_the_due_time(world, customer_a, repair_policy):
    """Opened Thu 2025-10-09 09:00, accepted 09:10 (response stopped), waits for parts from 10:00
    (60 min of the 4 h used), resumes Fri 2025-10-10 14:00: 180 min left → 17:00."""
    agent = world.user("agent")
    ticket = open_ticket(world, customer_a, "2025-10-09 09:00")
    ticket = services.transition(ticket, "accept", actor=agent, at=at("2025-10-09 09:10"))
    assert clock(ticket, "response").state == ClockState.STOPPED
    ticket = services.transition(ticket, "wait_parts", actor=agent, reason="等电机控制器到货", at=at("2025-10-09 10:00"))
    resolve = clock(ticket, "resolve")
    assert (ticket.status, resolve.state, resolve.due_at) == (TicketStatus.WAITING_PARTS, ClockState.PAUSED, None)
    assert clocks.remaining(resolve, at=at("2025-10-10 13:00")).total_seconds() == 180 * 60  # nothing counted
    ticket = services.transition(ticket, "resume_accepted", actor=agent, at=at("2025-10-10 14:00"))
    assert ticket.status == TicketStatus.ACCEPTED
    assert local(clock(ticket, "resolve").due_at) == "2025-10-10 17:00"


def test_a_missing_calendar_year_stops_the_clock_and_says_which(world, customer_a, repair_policy):
    """Opened Thu 2026-12-31 16:00: response 60 min fits before 17:00; the resolution needs 2027,
    which nobody has entered: the clock stops, naming the year, never guessing Monday–Friday."""
    ticket = open_ticket(world, customer_a, "2026-12-31 16:00")
    assert local(clock(ticket, "response").due_at) == "2026-12-31 17:00"
    resolve = clock(ticket, "resolve")
    assert resolve.state == ClockState.BLOCKED
    assert "2027" in resolve.error


def test_roadside_help_counts_round_the_clock(world, customer_a, hq_office_calendar):
    """The installation's roadside policy: 10 min response, 4 h resolution on the 24×7 calendar.
    Opened Sat 2025-10-18 22:00 → response 22:10, resolution Sun 02:00."""
    ticket = open_ticket(world, customer_a, "2025-10-18 22:00", kind="roadside")
    assert local(clock(ticket, "response").due_at) == "2025-10-18 22:10"
    assert local(clock(ticket, "resolve").due_at) == "2025-10-19 02:00"
    assert clock(ticket, "resolve").calendar.code == "roadside"


def test_escalation_fires_once_per_level(world, customer_a, repair_policy):
    """Opened Thu 2025-10-09 11:30, accepted at 11:40 (the response clock stops before it escalates).
    Resolution 4 h: 50 % (2 h) at 15:00, 80 % (3 h 12 min) at 16:12, 100 % at 17:00 — the owner
    hears of each once; at 100 % the manager too."""
    agent, manager = world.user("agent"), world.user("manager")
    ticket = open_ticket(world, customer_a, "2025-10-09 11:30")
    services.transition(ticket, "accept", actor=agent, at=at("2025-10-09 11:40"))
    resolve = clock(ticket, "resolve")

    clocks.escalate_due(now=at("2025-10-09 14:59"))
    assert Notification.objects.filter(recipient=agent).count() == 0
    clocks.escalate_due(now=at("2025-10-09 15:01"))
    clocks.escalate_due(now=at("2025-10-09 15:30"))
    assert Notification.objects.filter(recipient=agent).count() == 1
    clocks.escalate_due(now=at("2025-10-09 16:13"))
    clocks.escalate_due(now=at("2025-10-09 16:20"))
    assert Notification.objects.filter(recipient=agent).count() == 2
    assert Notification.objects.filter(recipient=manager).count() == 0
    clocks.escalate_due(now=at("2025-10-09 17:01"))
    clocks.escalate_due(now=at("2025-10-09 17:10"))
    assert Notification.objects.filter(recipient=agent).count() == 3
    assert Notification.objects.filter(recipient=manager).count() == 1
    assert list(SlaEscalation.objects.filter(clock=resolve).order_by("fired_at").values_list("severity", flat=True)) == [
        "warning", "warning", "breach"]
    resolve.refresh_from_db()
    assert resolve.reached == "breach"


def test_resolving_stops_the_clocks_and_nothing_escalates_after(world, customer_a, repair_policy):
    agent = world.user("agent")
    ticket = open_ticket(world, customer_a, "2025-10-09 09:00")
    ticket = services.transition(ticket, "accept", actor=agent, at=at("2025-10-09 09:05"))
    services.transition(ticket, "resolve", actor=agent, reason="远程指导复位空调控制器", at=at("2025-10-09 10:00"))
    assert {c.state for c in ticket.sla_clocks.all()} == {ClockState.STOPPED}
    clocks.escalate_due(now=at("2025-10-20 09:00"))
    assert not SlaEscalation.objects.exists()
