from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("outbox", views.OutboxMessageViewSet, basename="outboxmessage")
router.register("sms-templates", views.SmsTemplateViewSet, basename="smstemplate")

urlpatterns = [
    path("sms/replies/", views.SmsReplyCallbackView.as_view(), name="notifications-sms-replies"),
    path("sms/receipts/", views.DeliveryReceiptCallbackView.as_view(), name="notifications-sms-receipts"),
    *router.urls,
]
