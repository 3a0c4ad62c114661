from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.core.api.transitions import AvailableTransitionsField

from ..models import Notification, OutboxMessage, SmsTemplate, mask_contact


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "level", "read_at", "created_at"]
        read_only_fields = fields


class OutboxMessageSerializer(serializers.ModelSerializer):
    """``to`` is masked in lists; the detail shows it to users allowed to see personal data (logged)."""

    to = serializers.SerializerMethodField()
    template_code = serializers.CharField(source="template.code", read_only=True, allow_null=True, default=None)
    actions = AvailableTransitionsField()

    class Meta:
        model = OutboxMessage
        fields = ["id", "channel", "category", "purpose", "to", "template", "template_code", "signature", "subject",
                  "body", "params", "idempotency_key", "status", "attempts", "max_attempts", "next_attempt_at",
                  "last_error", "sent_at", "delivered_at", "provider_message_id", "organisation_id", "customer_id",
                  "created_at", "version", "actions"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_to(self, obj) -> str:
        return obj.to if self.context.get("unmask") else mask_contact(obj.to)


class SmsTemplateSerializer(serializers.ModelSerializer):
    segments = serializers.IntegerField(read_only=True, help_text="billed messages for the text without variables")

    class Meta:
        model = SmsTemplate
        fields = ["id", "code", "name", "category", "provider_template_id", "signature", "text", "variables",
                  "segments", "is_active", "created_at", "updated_at", "version"]
        read_only_fields = ["variables", "is_active", "created_at", "updated_at"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}


class CancelReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class SmsReplyCallbackSerializer(serializers.Serializer):
    from_number = serializers.CharField(max_length=32, help_text="the sender's mobile number, any common format")
    text = serializers.CharField(max_length=500, allow_blank=True)
    received_at = serializers.DateTimeField(required=False)
    provider_message_id = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class DeliveryReceiptSerializer(serializers.Serializer):
    provider_message_id = serializers.CharField(max_length=100)
    delivered = serializers.BooleanField()
    error = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    at = serializers.DateTimeField(required=False)


class CallbackResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="callbacks processed")
    matched = serializers.IntegerField(help_text="receipts that matched a sent message, or replies that opted out")


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()
