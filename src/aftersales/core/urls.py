from django.urls import path

from .views import pages

app_name = "core"

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("system/jobs/", pages.JobListView.as_view(), name="job_list"),
    path("system/access-log/", pages.PersonalDataAccessListView.as_view(), name="access_log"),
]
