from django.utils.translation import gettext_lazy as _

from aftersales.core.registry import NavItem, register_nav

register_nav("tickets", _("Customer service"), 150, [
    NavItem(_("Service tickets"), "tickets:ticket_list", permission="tickets.view_ticket", order=10),
])
