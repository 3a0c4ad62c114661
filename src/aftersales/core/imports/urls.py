from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportListView.as_view(), name="list"),
    path("new/", views.ImportNewView.as_view(), name="new"),
    path("<int:pk>/", views.ImportDetailView.as_view(), name="detail"),
    path("<int:pk>/apply/", views.ImportApplyView.as_view(), name="apply"),
    path("<int:pk>/errors/", views.ErrorReportView.as_view(), name="errors"),
    path("<int:pk>/download/", views.OutputView.as_view(), name="download"),
    path("templates/<str:kind>.<str:fmt>", views.TemplateDownloadView.as_view(), name="template"),
    path("export/<str:kind>/", views.ExportView.as_view(), name="export"),
    # Approval of exports above the exporter's threshold (core.imports.approvals).
    path("export-requests/", views.ExportRequestListView.as_view(), name="export_request_list"),
    path("export-requests/new/<str:kind>/", views.ExportRequestNewView.as_view(), name="export_request_new"),
    path("export-requests/<int:pk>/", views.ExportRequestDetailView.as_view(), name="export_request_detail"),
    path("export-requests/<int:pk>/download/", views.ExportRequestDownloadView.as_view(),
         name="export_request_download"),
    path("export-requests/<int:pk>/<str:action>/", views.ExportRequestActionView.as_view(),
         name="export_request_action"),
]
