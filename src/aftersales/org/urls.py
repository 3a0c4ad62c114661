from django.urls import path

from . import views

app_name = "org"


def crud(prefix: str, name: str, list_view, detail_view, edit_view, deactivate_view):
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/new/", edit_view.as_view(), name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
        path(f"{prefix}/<int:pk>/deactivate/", deactivate_view.as_view(), name=f"{name}_deactivate"),
    ]


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
