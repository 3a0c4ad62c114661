from django.urls import path

from .attachments.views import AttachmentFileView, AttachmentUploadView
from .pickers.views import PickerView
from .views import pages
from .views.account import ApiTokenView
from .views.calendar import CalendarListView
from .views.calendar_edit import CalendarDayEditView, CalendarDayJumpView, CalendarWindowsEditView

app_name = "core"

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("system/calendar/", CalendarListView.as_view(), name="calendar_list"),
    path("system/calendar/day/", CalendarDayJumpView.as_view(), name="calendar_day_jump"),
    path("system/calendar/day/<str:date>/", CalendarDayEditView.as_view(), name="calendar_day"),
    path("system/calendar/<slug:code>/windows/", CalendarWindowsEditView.as_view(), name="calendar_windows"),
    path("system/jobs/", pages.JobListView.as_view(), name="job_list"),
    path("files/<int:pk>/", AttachmentFileView.as_view(), name="attachment"),
    path("files/new/<int:parent_type_id>/<int:parent_id>/", AttachmentUploadView.as_view(), name="attachment_add"),
    path("files/<int:pk>/thumbnail/", AttachmentFileView.as_view(variant="thumbnail"), name="attachment_thumbnail"),
    path("system/access-log/", pages.PersonalDataAccessListView.as_view(), name="access_log"),
    path("account/api-token/", ApiTokenView.as_view(), name="api_token"),
    path("pick/<slug:kind>/", PickerView.as_view(), name="picker"),
]
