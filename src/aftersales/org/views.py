from django.utils.translation import gettext_lazy as _

from aftersales.core.views.generic import (
    ObjectDeactivateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)

from . import filtersets, forms, selectors, services, tables
from .models import Department, Organisation, Region, StaffProfile


class RegionListView(ObjectListView):
    model = Region
    selector = selectors.region_list
    filterset_class = filtersets.RegionFilterSet
    table_class = tables.RegionTable
    add_url_name = "org:region_add"
    empty_hint = _("Regions organise dealers and field engineers: country, sales region, province, city.")


class RegionDetailView(ObjectDetailView):
    model = Region
    selector = selectors.region_list
    template_name = "org/region_detail.html"
    edit_url_name = "org:region_edit"
    deactivate_url_name = "org:region_deactivate"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        region = ctx["object"]
        ctx["children"] = region.children.all()
        ctx["organisations"] = selectors.organisation_list(user=self.request.user).filter(region=region)[:100]
        return ctx


class RegionEditView(ObjectEditView):
    model = Region
    selector = selectors.region_list
    form_class = forms.RegionForm
    create_service = services.region_create
    update_service = services.region_update


class RegionDeactivateView(ObjectDeactivateView):
    model = Region
    selector = selectors.region_list


class OrganisationListView(ObjectListView):
    model = Organisation
    selector = selectors.organisation_list
    filterset_class = filtersets.OrganisationFilterSet
    table_class = tables.OrganisationTable
    add_url_name = "org:organisation_add"
    empty_hint = _("Add the head office first, then dealers and service stations.")


class OrganisationDetailView(ObjectDetailView):
    model = Organisation
    selector = selectors.organisation_list
    template_name = "org/organisation_detail.html"
    edit_url_name = "org:organisation_edit"
    deactivate_url_name = "org:organisation_deactivate"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org = ctx["object"]
        user = self.request.user
        ctx["departments"] = selectors.department_list(user=user).filter(organisation=org)
        ctx["staff"] = selectors.staff_list(user=user).filter(organisation=org)[:200]
        ctx["members"] = selectors.organisation_list(user=user).filter(group=org)
        return ctx


class OrganisationEditView(ObjectEditView):
    model = Organisation
    selector = selectors.organisation_list
    form_class = forms.OrganisationForm
    create_service = services.organisation_create
    update_service = services.organisation_update


class OrganisationDeactivateView(ObjectDeactivateView):
    model = Organisation
    selector = selectors.organisation_list
    deactivate_service = services.organisation_set_active


class DepartmentListView(ObjectListView):
    model = Department
    selector = selectors.department_list
    filterset_class = filtersets.DepartmentFilterSet
    table_class = tables.DepartmentTable
    add_url_name = "org:department_add"
    empty_hint = _("Departments receive notices, complaints and weekly reports.")


class DepartmentDetailView(ObjectDetailView):
    model = Department
    selector = selectors.department_list
    template_name = "org/department_detail.html"
    edit_url_name = "org:department_edit"
    deactivate_url_name = "org:department_deactivate"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["staff"] = selectors.staff_list(user=self.request.user).filter(department=ctx["object"])
        return ctx


class DepartmentEditView(ObjectEditView):
    model = Department
    selector = selectors.department_list
    form_class = forms.DepartmentForm
    create_service = services.department_create
    update_service = services.department_update


class DepartmentDeactivateView(ObjectDeactivateView):
    model = Department
    selector = selectors.department_list


class StaffListView(ObjectListView):
    model = StaffProfile
    selector = selectors.staff_list
    filterset_class = filtersets.StaffFilterSet
    table_class = tables.StaffTable
    add_url_name = "org:staff_add"
    empty_hint = _("Staff profiles tie a login to an organisation, a department and roles.")


class StaffDetailView(ObjectDetailView):
    model = StaffProfile
    selector = selectors.staff_list
    template_name = "org/staff_detail.html"
    edit_url_name = "org:staff_edit"
    deactivate_url_name = "org:staff_deactivate"


class StaffEditView(ObjectEditView):
    model = StaffProfile
    selector = selectors.staff_list
    form_class = forms.StaffForm
    update_service = services.staff_update

    @staticmethod
    def create_service(*, actor, data, m2m):
        data = dict(data)
        username = data.pop("username", None)
        password = data.pop("password", None)
        return services.staff_create(actor=actor, data=data, m2m=m2m, username=username, password=password)


class StaffDeactivateView(ObjectDeactivateView):
    model = StaffProfile
    selector = selectors.staff_list
    deactivate_service = services.staff_set_active
