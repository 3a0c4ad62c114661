"""「我的工作」 for whoever carries tickets: my open tickets, and those whose clock ran out."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.core.registry import WorkItem, capped_count, register_work_items

from . import selectors


@register_work_items
def ticket_work_items(user) -> list[WorkItem]:
    if not user.has_perm("tickets.change_ticket"):
        return []
    url = reverse("tickets:ticket_list")
    mine = selectors.my_open_tickets(user=user)
    return [
        WorkItem("tickets.mine_breached", _("My tickets past their service time limit"),
                 capped_count(mine.filter(selectors.breached_q())), f"{url}?queue=mine&state=breached",
                 severity="danger", hint=_("Act now: the customer has waited longer than promised.")),
        WorkItem("tickets.mine", _("My open tickets"), capped_count(mine), f"{url}?queue=mine", severity="warning"),
    ]
