"""「新建工单」 on the customer 360 page: intake opens with that customer (R-TKT-1)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.core.registry import PageAction, register_page_actions


def new_ticket_for_customer(user, customer) -> list[PageAction]:
    if not user.has_perm("tickets.add_ticket"):
        return []
    return [PageAction(_("New ticket"), f"{reverse('tickets:ticket_add')}?customer={customer.pk}", style="primary",
                       testid="new-ticket")]


register_page_actions("customers.customer", new_ticket_for_customer)
