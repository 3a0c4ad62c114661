"""The ticket's states, its one owner and the duplicate guard (R-TKT-1, R-TKT-5; issue 9 items 3–5
and "Bad input").  Which moves each state allows is written out here by hand from the issue, not
read from the machine under test."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from aftersales.core.exceptions import PermissionDeniedError, ServiceError, StaleVersionError
from aftersales.core.models import AuditEvent
from aftersales.tickets import services
from aftersales.tickets.models import Ticket

from .conftest import make_customer, make_vehicle

pytestmark = pytest.mark.django_db

WORK = {"wait_customer", "wait_parts", "resolve"}
ALLOWED = {
    "new": {"accept", "cancel"},
    "accepted": {"dispatch_work", "at_dealer", "cancel"} | WORK,
    "dispatched": {"arrive", "at_dealer", "cancel"} | WORK,
    "on_site": WORK,
    "at_dealer": WORK,
    "waiting_customer": {"resume_accepted", "cancel"},  # it waited from "accepted"
    "waiting_parts": {"resume_accepted", "cancel"},
    "resolved": {"confirm", "close_unconfirmed", "reopen"},  # close: only once the customer confirmed
    "closed": {"reopen"},
    "cancelled": set(),
    "reopened": {"dispatch_work", "at_dealer", "cancel"} | WORK,
}
EVERY = {"accept", "dispatch_work", "arrive", "at_dealer", "wait_customer", "wait_parts", "resume_accepted",
         "resume_dispatched", "resume_on_site", "resume_at_dealer", "resume_reopened", "resolve", "confirm", "close",
         "close_unconfirmed", "reopen", "cancel"}


def new_ticket(world, customer=None, vehicle=None, actor=None, **extra):
    customer = customer or make_customer(world.dealer_a)
    return services.ticket_create(actor=actor or world.user("agent"), data={
        "customer": customer, "vehicle": vehicle, "kind": "repair", "organisation": world.hq,
        "description": "车辆异响", **extra})


def put_in(ticket, state):
    Ticket.objects.filter(pk=ticket.pk).update(status=state, resolution="已处理" if state in ("resolved", "closed") else "",
                                               paused_from="accepted" if state.startswith("waiting") else "")
    ticket.refresh_from_db()
    return ticket


@pytest.mark.parametrize("state", sorted(ALLOWED))
def test_each_state_offers_exactly_its_moves_and_refuses_the_rest_with_409(world, api_client, state):
    ticket = put_in(new_ticket(world), state)
    api_client.force_authenticate(world.user("agent"))
    url = f"/api/tickets/tickets/{ticket.pk}/"
    assert set(api_client.get(url).json()["actions"]) == ALLOWED[state]
    for name in sorted(EVERY - ALLOWED[state]):
        response = api_client.post(f"{url}{name.replace('_', '-')}/", {"reason": "测试", "version": ticket.version},
                                   format="json")
        assert response.status_code == 409, (state, name, response.content[:300])
        body = response.json()
        assert body["code"] == "transition_not_allowed", (state, name)
        assert body["detail"], (state, name)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.version) == (state, ticket.version)


def test_closing_needs_the_customers_confirmation_or_a_reason(world, api_client):
    ticket = put_in(new_ticket(world), "accepted")
    api_client.force_authenticate(world.user("agent"))
    url = f"/api/tickets/tickets/{ticket.pk}/"
    assert api_client.post(url + "resolve/", {}, format="json").status_code == 400  # the resolution is required
    assert api_client.post(url + "resolve/", {"reason": "更换空调滤芯"}, format="json").status_code == 200
    refused = api_client.post(url + "close/", {}, format="json")
    assert refused.status_code == 409
    assert "客户尚未确认" in refused.json()["detail"]
    assert api_client.post(url + "close-unconfirmed/", {}, format="json").status_code == 400  # reason required
    assert api_client.post(url + "confirm/", {"reason": "电话回访，客户满意"}, format="json").status_code == 200
    closed = api_client.post(url + "close/", {}, format="json")
    assert closed.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution) == ("closed", "更换空调滤芯")
    assert ticket.customer_confirmed_at is not None and ticket.closed_at is not None


def test_a_stale_transition_is_409_and_changes_nothing(world, api_client):
    ticket = new_ticket(world)
    api_client.force_authenticate(world.user("agent"))
    response = api_client.post(f"/api/tickets/tickets/{ticket.pk}/accept/", {"version": ticket.version + 5},
                               format="json")
    assert (response.status_code, response.json()["code"]) == (409, "stale_version")
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_only_the_owner_or_a_lead_moves_it(world, api_client, agent2):
    ticket = new_ticket(world)
    api_client.force_authenticate(agent2)
    assert api_client.post(f"/api/tickets/tickets/{ticket.pk}/accept/", {}, format="json").status_code == 403
    api_client.force_authenticate(world.user("dealer"))  # sees the ticket of its customer, may not act
    assert api_client.post(f"/api/tickets/tickets/{ticket.pk}/accept/", {}, format="json").status_code == 403
    api_client.force_authenticate(world.user("manager"))
    assert api_client.post(f"/api/tickets/tickets/{ticket.pk}/accept/", {}, format="json").status_code == 200


# --- one owner (R-TKT-1) ---------------------------------------------------------------------------

def test_the_creating_agent_owns_it_and_edits_never_move_the_owner(world, api_client, agent2):
    agent = world.user("agent")
    ticket = new_ticket(world)
    assert ticket.owner == agent
    with pytest.raises(ServiceError):
        services.ticket_update(ticket, actor=agent, data={"owner": agent2}, expected_version=ticket.version)
    api_client.force_authenticate(agent)
    response = api_client.patch(f"/api/tickets/tickets/{ticket.pk}/", {"owner": agent2.pk, "priority": "high",
                                                                     "version": ticket.version}, format="json")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.owner, ticket.priority) == (agent, "high")
    for step, reason in (("accept", ""), ("dispatch_work", ""), ("arrive", ""), ("resolve", "更换滤芯")):
        ticket = services.transition(ticket, step, actor=world.user("manager"), reason=reason)
        assert ticket.owner == agent, step


def test_transfer_is_the_only_way_the_owner_changes(world, agent2):
    agent = world.user("agent")
    ticket = new_ticket(world)
    with pytest.raises(ServiceError) as no_reason:
        services.ticket_transfer(actor=agent, ticket=ticket, to_user=agent2, reason=" ")
    assert no_reason.value.fields == {"reason": ["请填写原因。"]}
    with pytest.raises(PermissionDeniedError):
        services.ticket_transfer(actor=agent2, ticket=ticket, to_user=agent2, reason="我来接")
    with pytest.raises(StaleVersionError):
        services.ticket_transfer(actor=agent, ticket=ticket, to_user=agent2, reason="换班", expected_version=99)
    services.ticket_transfer(actor=agent, ticket=ticket, to_user=agent2, reason="换班，交给夜班同事",
                             expected_version=ticket.version)
    ticket.refresh_from_db()
    assert ticket.owner == agent2
    assert {c.owner_id for c in ticket.sla_clocks.all()} <= {agent2.pk}  # escalations go to the new owner
    event = AuditEvent.objects.filter(action="tickets.ticket.transferred").get()
    assert (event.changes["owner"], event.note) == (["agent", "agent2"], "换班，交给夜班同事")


def test_transfer_on_the_page_shows_on_the_timeline(world, client, agent2):
    ticket = new_ticket(world)
    client.force_login(world.user("agent"))
    response = client.post(f"/tickets/tickets/{ticket.pk}/transfer/", {"to_user": agent2.pk, "reason": "休假交接",
                                                                       "version": ticket.version})
    assert response.status_code == 302
    page = client.get(ticket.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"将工单 {ticket.number} 从 agent 转交给 agent2" in page


# --- intake -----------------------------------------------------------------------------------------

def test_the_vehicle_must_belong_to_the_customer(world):
    other = make_vehicle(make_customer(world.dealer_a))
    with pytest.raises(ValidationError) as refused:
        new_ticket(world, vehicle=other)
    assert "vehicle" in refused.value.error_dict


def test_number_is_t_organisation_day_sequence(world):
    ticket = new_ticket(world)
    day = ticket.created_at.astimezone().strftime("%Y%m%d")
    assert ticket.number == f"T-T-HQ-{day}-0001"
    assert new_ticket(world).number == f"T-T-HQ-{day}-0002"


def test_duplicate_guard_offers_the_open_ticket_first(world, api_client):
    customer = make_customer(world.dealer_a)
    vehicle = make_vehicle(customer)
    first = new_ticket(world, customer=customer, vehicle=vehicle)
    with pytest.raises(services.DuplicateTicket) as dup:
        new_ticket(world, customer=customer, vehicle=vehicle)
    assert dup.value.tickets == [first]
    api_client.force_authenticate(world.user("agent"))
    body = {"customer": customer.pk, "vehicle": vehicle.pk, "kind": "roadside", "description": "又抛锚了"}
    refused = api_client.post("/api/tickets/tickets/", body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "duplicate_ticket")
    assert first.number in refused.json()["detail"]
    assert api_client.post("/api/tickets/tickets/", {**body, "allow_duplicate": True}, format="json").status_code == 201
    # A closed ticket is no duplicate; another customer has none.
    services.transition(first, "cancel", actor=world.user("agent"), reason="客户挂断")
    assert Ticket.objects.filter(customer=customer).count() == 2
    assert new_ticket(world, customer=make_customer(world.dealer_a)).pk


def test_duplicate_guard_on_the_intake_page(world, client):
    customer = make_customer(world.dealer_a)
    first = new_ticket(world, customer=customer)
    client.force_login(world.user("agent"))
    form = {"customer": customer.pk, "kind": "complaint", "priority": "normal", "description": "投诉服务态度",
            "organisation": world.hq.pk}
    page = client.post(f"/tickets/tickets/new/?customer={customer.pk}", form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    text = page.content.decode()
    assert "该客户已有未结工单" in text and f"打开工单 {first.number}" in text and "仍然新建" in text
    assert Ticket.objects.filter(customer=customer).count() == 1
    created = client.post(f"/tickets/tickets/new/?customer={customer.pk}", {**form, "allow_duplicate": "True"})
    assert created.status_code == 302
    assert Ticket.objects.filter(customer=customer).count() == 2


def test_dealer_b_never_sees_dealer_a_tickets_and_a_handling_dealer_sees_its_own(world, api_client):
    """ADR 0021: a dealer sees the tickets of its customers and the tickets handled at it."""
    of_a = new_ticket(world, customer=make_customer(world.dealer_a))  # handled at head office
    handed_to_b = new_ticket(world, customer=make_customer(world.dealer_a), organisation=world.dealer_b)
    api_client.force_authenticate(world.user("dealer_b"))
    listed = {row["id"] for row in api_client.get("/api/tickets/tickets/").json()["results"]}
    assert listed == {handed_to_b.pk}
    assert api_client.get(f"/api/tickets/tickets/{of_a.pk}/").status_code == 404
    api_client.force_authenticate(world.user("dealer"))
    listed = {row["id"] for row in api_client.get("/api/tickets/tickets/").json()["results"]}
    assert listed == {of_a.pk, handed_to_b.pk}


def test_the_timeline_names_the_owner_by_name_not_by_login(world, client):
    """Usernames show as people's names (issue 8 item 2): the new ticket's 负责人 reads 李晓雯, not agent."""
    agent = world.user("agent")
    agent.staff_profile.display_name = "李晓雯"
    agent.staff_profile.save()
    ticket = new_ticket(world)
    event = AuditEvent.objects.filter(action="tickets.ticket.created", object_id=ticket.pk).get()
    assert event.changes["owner"][1]["repr"] == "李晓雯"
    client.force_login(agent)
    page = client.get(ticket.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    story = page[page.index("操作记录"):]
    assert "李晓雯" in story and ">agent<" not in story
