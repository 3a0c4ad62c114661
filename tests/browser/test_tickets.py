"""Issue 9 "Shows", first slice, in a real browser (R-TKT-1, R-TKT-2): as `agent`, open a roadside
ticket from a customer's page and find it in 我的工单; the owner is the agent."""

import pytest

from aftersales.core.calendar.models import OrganisationCalendar, WorkingCalendar
from aftersales.customers import services as customer_services
from aftersales.org.testing import build_world
from aftersales.tickets.models import Ticket

from .test_customers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_opens_a_roadside_ticket_from_the_customer_page_and_finds_it_in_my_tickets(live_server, page,
                                                                                        migration_seeded_rows):
    world = build_world()
    OrganisationCalendar.objects.create(organisation_id=world.hq.pk, calendar=WorkingCalendar.objects.get(code="head-office"))
    customer = customer_services.customer_create(actor=world.user("admin"), data={
        "name": "赵志刚", "owning_dealer": world.dealer_a}, phones=["13811112222"])
    base = live_server.url
    log_in(page, base, "agent")
    page.goto(f"{base}/customers/customers/{customer.pk}/")
    page.click("[data-testid=new-ticket]")
    page.wait_for_selector("[data-testid=intake-customer]")
    assert "赵志刚" in page.inner_text("[data-testid=intake-customer]")
    page.check("input[name=kind][value=roadside]")
    page.select_option("select[name=priority]", "urgent")
    page.fill("input[name=location]", "京港澳高速 K23+500 北向")
    page.fill("textarea[name=description]", "车辆无法启动，仪表显示动力电池故障")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=ticket-status]")
    ticket = Ticket.objects.unscoped(reason="test").get(customer=customer)
    assert page.inner_text("[data-testid=ticket-status]") == "新建"
    assert page.inner_text("[data-testid=ticket-owner]") == "agent"
    clocks = page.inner_text("[data-testid=ticket-clocks]")
    assert "首次响应" in clocks and "道路救援 7×24" in clocks  # roadside help counts round the clock
    page.goto(f"{base}/tickets/tickets/?queue=mine")
    mine = page.inner_text("#results")
    assert ticket.number in mine and "道路救援" in mine and "赵志刚" in mine
    assert page.inner_text("[data-queue=mine] .badge") == "1"
