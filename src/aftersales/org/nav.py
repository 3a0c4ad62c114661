from django.utils.translation import gettext_lazy as _

from aftersales.core.registry import NavItem, register_nav

register_nav("org", _("Organisation"), 800, [
    NavItem(_("Organisations"), "org:organisation_list", permission="org.view_organisation", order=10),
    NavItem(_("Departments"), "org:department_list", permission="org.view_department", order=20),
    NavItem(_("Staff"), "org:staff_list", permission="org.view_staffprofile", order=30),
    NavItem(_("Regions"), "org:region_list", permission="org.view_region", order=40),
])
