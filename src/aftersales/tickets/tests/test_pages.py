"""Ticket pages as the call-centre agent uses them (R-TKT-1, R-TKT-5): intake from the customer 360
page with that customer's vehicles only, the customer's service history in sentences, queues and
「我的工作」, the clocks on the ticket page, state buttons."""

from __future__ import annotations

import pytest

from aftersales.core.registry import work_items_for
from aftersales.tickets import services

from .conftest import at, make_customer, make_vehicle

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def open_ticket(world, customer, actor=None, **extra):
    return services.ticket_create(actor=actor or world.user("agent"), data={
        "customer": customer, "kind": "repair", "organisation": world.hq, "description": "刹车异响", **extra})


def test_the_360_page_offers_a_new_ticket_and_intake_lists_only_that_customers_vehicles(world, client):
    customer = make_customer(world.dealer_a, "钱学军")
    mine = make_vehicle(customer, plate="京A77777")
    make_vehicle(make_customer(world.dealer_a), plate="京A88888")
    client.force_login(world.user("agent"))
    page = client.get(customer.get_absolute_url(), **ZH).content.decode()
    assert f'href="/tickets/tickets/new/?customer={customer.pk}"' in page and "新建工单" in page
    intake = client.get(f"/tickets/tickets/new/?customer={customer.pk}", **ZH).content.decode()
    assert customer.name in intake and "京A77777" in intake and "京A88888" not in intake
    assert "道路救援" in intake and "售前/售中咨询" in intake
    assert mine.vin in intake


def test_intake_without_a_customer_says_to_find_the_customer_first(world, client):
    client.force_login(world.user("agent"))
    page = client.get("/tickets/tickets/new/", **ZH).content.decode()
    assert "请先查找客户" in page and 'href="/customers/lookup/"' in page
    refused = client.post("/tickets/tickets/new/", {"kind": "repair", "priority": "normal", "description": "异响",
                                                   "organisation": world.hq.pk}, **ZH)
    assert refused.status_code == 400
    assert "请先查找客户（客户查询）。" in refused.content.decode()


def test_a_dealer_sees_no_new_ticket_button(world, client):
    customer = make_customer(world.dealer_a)
    client.force_login(world.user("dealer"))
    assert "新建工单" not in client.get(customer.get_absolute_url(), **ZH).content.decode()


def test_the_customer_360_page_tells_the_ticket_story(world, client):
    customer = make_customer(world.dealer_a)
    ticket = open_ticket(world, customer)
    services.transition(ticket, "accept", actor=world.user("agent"))
    client.force_login(world.user("agent"))
    page = client.get(customer.get_absolute_url(), **ZH).content.decode()
    assert f"新建了工单 {ticket.number}（报修）" in page
    assert f"受理了工单 {ticket.number}" in page
    assert "tickets.ticket" not in page


def test_my_tickets_queue_and_my_work(world, client, agent2):
    a1 = open_ticket(world, make_customer(world.dealer_a))
    a2 = open_ticket(world, make_customer(world.dealer_a))
    other = open_ticket(world, make_customer(world.dealer_a), actor=agent2)
    agent = world.user("agent")
    client.force_login(agent)
    page = client.get("/tickets/tickets/?queue=mine", **ZH).content.decode()
    assert a1.number in page and a2.number in page and other.number not in page
    assert "我的工单" in page and "即将超时" in page and "等待中" in page
    items = {i.key: i.count for i in work_items_for(agent)}
    assert items["tickets.mine"] == 2
    everyone = client.get("/tickets/tickets/", **ZH).content.decode()
    assert other.number in everyone and "共 3 条" in everyone


def test_the_ticket_page_shows_each_clock_and_the_next_steps(world, client, customer_a, repair_policy):
    """Opened Thu 2025-10-09 11:30: response due 14:00, resolution 17:00 (test_clocks works them out)."""
    ticket = services.ticket_create(actor=world.user("agent"), at=at("2025-10-09 11:30"), data={
        "customer": customer_a, "kind": "repair", "organisation": world.hq, "description": "空调不制冷"})
    client.force_login(world.user("agent"))
    page = client.get(ticket.get_absolute_url(), **ZH).content.decode()
    assert "首次响应" in page and "2025-10-09 14:00" in page and "2025-10-09 17:00" in page
    assert "1 小时 00 分" in page and "4 小时 00 分" in page  # the targets
    assert "已超时" in page  # long past: "已超时 …" in the remaining column
    assert 'data-testid="accept"' in page and 'data-testid="cancel"' in page and 'data-testid="resolve"' not in page


def test_accepting_on_the_page_stops_the_response_clock(world, client, customer_a, repair_policy):
    ticket = open_ticket(world, customer_a)
    client.force_login(world.user("agent"))
    response = client.post(f"/tickets/tickets/{ticket.pk}/accept/", {"version": ticket.version}, **ZH)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "accepted" and ticket.sla_clocks.get(name="response").state == "stopped"
    page = client.get(ticket.get_absolute_url(), **ZH).content.decode()
    assert "工单已受理，首次响应计时已停止。" in page
