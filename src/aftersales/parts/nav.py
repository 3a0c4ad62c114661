from django.utils.translation import gettext_lazy as _

from aftersales.core.registry import NavItem, register_nav

register_nav("parts", _("Parts"), 400, [
    NavItem(_("Parts catalogue"), "parts:part_list", permission="parts.view_part", order=10),
    NavItem(_("Suppliers"), "parts:supplier_list", permission="parts.view_supplier", order=20),
])
