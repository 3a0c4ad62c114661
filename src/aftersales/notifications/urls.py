from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("<int:pk>/read/", views.NotificationReadView.as_view(), name="notification_read"),
    path("read-all/", views.NotificationReadAllView.as_view(), name="notification_read_all"),
    path("outbox/", views.OutboxListView.as_view(), name="outbox_list"),
    path("outbox/<int:pk>/", views.OutboxDetailView.as_view(), name="outbox_detail"),
    # The outbox machine's transitions (core.fsm); the two names are kept for links and tests.
    path("outbox/<int:pk>/requeue/", views.OutboxTransitionView.as_view(), {"transition": "requeue"},
         name="outbox_requeue"),
    path("outbox/<int:pk>/cancel/", views.OutboxTransitionView.as_view(), {"transition": "cancel"},
         name="outbox_cancel"),
    path("outbox/<int:pk>/<slug:transition>/", views.OutboxTransitionView.as_view(), name="outbox_transition"),
    path("templates/", views.SmsTemplateListView.as_view(), name="template_list"),
    path("templates/new/", views.SmsTemplateEditView.as_view(), name="template_add"),
    path("templates/<int:pk>/", views.SmsTemplateDetailView.as_view(), name="template_detail"),
    path("templates/<int:pk>/edit/", views.SmsTemplateEditView.as_view(), name="template_edit"),
    path("templates/<int:pk>/deactivate/", views.SmsTemplateDeactivateView.as_view(), name="template_deactivate"),
    path("consents/", views.ContactConsentListView.as_view(), name="consent_list"),
    path("consents/new/", views.ContactConsentCreateView.as_view(), name="consent_add"),
    path("suppressions/", views.SuppressionListView.as_view(), name="suppression_list"),
    path("suppressions/new/", views.SuppressionCreateView.as_view(), name="suppression_add"),
    path("suppressions/<int:pk>/lift/", views.SuppressionLiftView.as_view(), name="suppression_lift"),
]
