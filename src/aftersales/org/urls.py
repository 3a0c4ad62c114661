
from aftersales.core.routing import crud

from . import views

app_name = "org"


urlpatterns = [
    *crud("regions", "region", views.RegionListView, views.RegionDetailView, views.RegionEditView,
          views.RegionDeactivateView),
    *crud("organisations", "organisation", views.OrganisationListView, views.OrganisationDetailView,
          views.OrganisationEditView, views.OrganisationDeactivateView),
    *crud("departments", "department", views.DepartmentListView, views.DepartmentDetailView,
          views.DepartmentEditView, views.DepartmentDeactivateView),
    *crud("staff", "staff", views.StaffListView, views.StaffDetailView, views.StaffEditView,
          views.StaffDeactivateView),
]
