"""Tickets on the inherited test base (R-TKT-1, R-SYS-2, R-SYS-5): list with its total, detail,
intake through the page and the API, edit, a stale edit refused, scope and the query-count pin —
as the call-centre agent (客服专员) uses them.  Tickets are cancelled, never deactivated, so there
is no deactivate case."""

from __future__ import annotations

import itertools

import pytest

from aftersales.core.testing.model_cases import (
    CreateCase,
    DetailCase,
    ListCase,
    QueryCountCase,
    ScopeCase,
    StaleVersionCase,
)
from aftersales.tickets import services
from aftersales.tickets.models import Ticket

from .conftest import make_customer, make_vehicle

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


class TestTicketCase(ListCase, DetailCase, CreateCase, StaleVersionCase, ScopeCase, QueryCountCase):
    model = Ticket
    url_prefix = "tickets:ticket"
    api_url = "/api/tickets/tickets/"
    reader_role = "agent"
    writer_role = "agent"
    out_of_scope_role = "dealer"
    label_field = "number"
    edit_changes = {"description": "客户补充：仪表盘报警灯常亮"}

    def make(self, world, organisation):
        """Each ticket has its own customer and vehicle, so a list loading them one by one grows."""
        n = next(_seq)
        customer = make_customer(organisation)
        vehicle = make_vehicle(customer)
        return services.ticket_create(actor=world.user("agent"), data={
            "customer": customer, "vehicle": vehicle, "kind": "repair", "organisation": organisation,
            "description": f"测试工单{n}号：刹车异响"})

    def create_data(self, world):
        customer = make_customer(world.dealer_a)
        return {"customer": customer.pk, "kind": "roadside", "priority": "urgent", "location": "京港澳高速 K23",
                "description": "车辆无法启动", "organisation": world.hq.pk}

    def api_create_data(self, world):
        customer = make_customer(world.dealer_a)
        return {"customer": customer.pk, "kind": "consultation", "priority": "normal",
                "description": "咨询首保里程"}
