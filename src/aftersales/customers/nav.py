from django.utils.translation import gettext_lazy as _

from aftersales.core.registry import NavItem, register_nav

register_nav("customers", _("Customer archive"), 100, [
    NavItem(_("Find customer or vehicle"), "customers:lookup", permission="customers.view_customer", order=5),
    NavItem(_("Customers"), "customers:customer_list", permission="customers.view_customer", order=10),
    NavItem(_("Vehicles"), "customers:vehicle_list", permission="customers.view_vehicle", order=20),
    NavItem(_("Incomplete archives"), "customers:incomplete_list", permission="customers.change_customer", order=30),
    NavItem(_("Customer documents"), "customers:document_list", permission="customers.view_customerdocument",
            order=40),
    NavItem(_("Vehicle models"), "customers:vehiclemodel_list", permission="customers.view_vehiclemodel", order=50),
])
