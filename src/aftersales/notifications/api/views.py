"""API: the user's inbox, the outbox (read, re-queue, cancel), SMS templates, gateway callbacks."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core import audit
from aftersales.core.api.permissions import ScopedModelPermissions
from aftersales.core.api.transitions import TransitionActionsMixin
from aftersales.core.api.views import DeactivatableMixin, ScopedModelViewSet
from aftersales.core.masking import can_see_personal_data

from .. import filtersets, selectors, services
from ..choices import OUTBOX_MACHINE
from ..models import Notification, OutboxMessage
from . import serializers

GATEWAY_PERMISSION = "notifications.add_suppression"


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The signed-in user's own inbox; nobody can read another user's notifications."""

    serializer_class = serializers.NotificationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = filtersets.NotificationFilterSet
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.inbox_for(user=self.request.user)

    @extend_schema(request=None, responses=serializers.NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.mark_read(user=request.user, notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=serializers.CountSerializer, filters=False)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"count": services.mark_all_read(user=request.user)})

    @extend_schema(responses=serializers.CountSerializer, filters=False)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"count": selectors.unread_count(request.user)})


class OutboxPermissions(ScopedModelPermissions):
    """Reading needs ``view_outboxmessage``; the actions (re-queue, cancel) need ``change_outboxmessage``."""

    perms_map = {**ScopedModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


class OutboxMessageViewSet(TransitionActionsMixin, viewsets.ReadOnlyModelViewSet):
    """Read the outbox; ``POST …/{id}/requeue/`` and ``…/cancel/`` come from the outbox machine."""

    state_machine = OUTBOX_MACHINE
    serializer_class = serializers.OutboxMessageSerializer
    permission_classes = [OutboxPermissions]
    filterset_class = filtersets.OutboxMessageFilterSet
    ordering_fields = ["created_at", "next_attempt_at", "sent_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OutboxMessage.objects.none()
        return selectors.outbox_list(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        message = self.get_object()
        unmask = can_see_personal_data(request.user)
        if unmask:
            audit.log_personal_data_access(actor=request.user, action="view", reason=_("Viewed an outbox message"),
                                           obj=message, customer_id=message.customer_id, fields=["to", "body"],
                                           ip_address=request.META.get("REMOTE_ADDR"))
        context = {**self.get_serializer_context(), "unmask": unmask}
        return Response(serializers.OutboxMessageSerializer(message, context=context).data)


class SmsTemplateViewSet(DeactivatableMixin, ScopedModelViewSet):
    """Templates are shared reference data (not organisation-scoped); model permissions decide."""

    serializer_class = serializers.SmsTemplateSerializer
    filterset_class = filtersets.SmsTemplateFilterSet
    selector = selectors.sms_template_list
    create_service = services.sms_template_create
    update_service = services.sms_template_update
    ordering_fields = ["code", "name"]


class GatewayCallbackPermission(BasePermission):
    """The SMS gateway posts as a service user (token auth) holding ``notifications.add_suppression``."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(GATEWAY_PERMISSION))


def _items(serializer_class, data):
    """Providers post one object or an array of them; validate all before applying any."""
    many = isinstance(data, list)
    body = serializer_class(data=data, many=many)
    body.is_valid(raise_exception=True)
    items = body.validated_data if many else [body.validated_data]
    if not items:
        raise ValidationError({"non_field_errors": [_("The callback contains no items.")]})
    return items


CALLBACK_DESCRIPTION = ("Authenticate as the gateway's service user (`Authorization: Token …`, permission "
                        "`notifications.add_suppression`). The body is one object or a JSON array of them; "
                        "all are validated before any is applied.")


class SmsReplyCallbackView(APIView):
    """``POST /api/notifications/sms/replies/``: inbound SMS; "R", "TD", "退订" … become opt-outs."""

    permission_classes = [GatewayCallbackPermission]

    @extend_schema(operation_id="notifications_sms_replies_create", description=CALLBACK_DESCRIPTION,
                   request=serializers.SmsReplyCallbackSerializer,
                   responses={200: serializers.CallbackResultSerializer})
    def post(self, request):
        items = _items(serializers.SmsReplyCallbackSerializer, request.data)
        opt_outs = 0
        with transaction.atomic():
            for item in items:
                reply = services.handle_sms_reply(
                    from_number=item["from_number"], text=item["text"], received_at=item.get("received_at"),
                    provider_message_id=item.get("provider_message_id", ""),
                )
                opt_outs += reply.is_opt_out
        return Response({"accepted": len(items), "matched": opt_outs})


class DeliveryReceiptCallbackView(APIView):
    """``POST /api/notifications/sms/receipts/``: delivery receipts; unknown ids are acknowledged, not errors."""

    permission_classes = [GatewayCallbackPermission]

    @extend_schema(operation_id="notifications_sms_receipts_create", description=CALLBACK_DESCRIPTION,
                   request=serializers.DeliveryReceiptSerializer,
                   responses={200: serializers.CallbackResultSerializer})
    def post(self, request):
        items = _items(serializers.DeliveryReceiptSerializer, request.data)
        matched = 0
        with transaction.atomic():
            for item in items:
                message = services.handle_delivery_receipt(
                    provider_message_id=item["provider_message_id"], delivered=item["delivered"],
                    error=item.get("error", ""), at=item.get("at"),
                )
                matched += message is not None
        return Response({"accepted": len(items), "matched": matched})

