"""Scope-harness factory: one ticket handled at the given organisation, for a customer of it.

Made with the ORM on purpose: the harness tests reading scope, not the services."""

import itertools

from django.contrib.auth import get_user_model

from aftersales.customers.tests.scope_factories import customer
from aftersales.tickets.choices import TicketKind
from aftersales.tickets.models import Ticket

_seq = itertools.count(1)


def ticket(org):
    n = next(_seq)
    owner, _created = get_user_model().objects.get_or_create(username="harness-ticket-owner")
    return Ticket.objects.create(number=f"T-HARNESS-{n:05d}", kind=TicketKind.REPAIR, customer=customer(org),
                                 organisation=org, owner=owner, description=f"测试工单{n}号")


FACTORIES = {Ticket: ticket}
