
from django.urls import path

from aftersales.core.routing import crud

from . import calendar_views, views

app_name = "org"


urlpatterns = [
    path("organisations/calendars/", calendar_views.OrganisationCalendarListView.as_view(),
         name="organisation_calendars"),
    path("organisations/<int:pk>/calendar/", calendar_views.OrganisationCalendarEditView.as_view(),
         name="organisation_calendar"),
    *crud("regions", "region", views.RegionListView, views.RegionDetailView, views.RegionEditView,
          views.RegionDeactivateView),
    *crud("organisations", "organisation", views.OrganisationListView, views.OrganisationDetailView,
          views.OrganisationEditView, views.OrganisationDeactivateView),
    *crud("departments", "department", views.DepartmentListView, views.DepartmentDetailView,
          views.DepartmentEditView, views.DepartmentDeactivateView),
    *crud("staff", "staff", views.StaffListView, views.StaffDetailView, views.StaffEditView,
          views.StaffDeactivateView),
]
