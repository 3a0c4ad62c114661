from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .choices import MessageStatus
from .models import ContactConsent, Notification, OutboxMessage, SmsReply, SmsTemplate, Suppression


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "level", "created_at", "read_at")
    list_filter = ("level",)
    search_fields = ("title", "recipient__username")
    raw_id_fields = ("recipient",)
    date_hierarchy = "created_at"


@admin.register(SmsTemplate)
class SmsTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "signature", "provider_template_id", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("code", "name", "text")
    readonly_fields = ("variables",)


@admin.action(description=_("Re-queue the selected dead-lettered messages"), permissions=["change"])
def requeue_dead(modeladmin, request, queryset):
    count = 0
    for message in queryset.filter(status=MessageStatus.DEAD):
        services.requeue(actor=request.user, message=message, note="admin")
        count += 1
    modeladmin.message_user(request, ngettext("Re-queued %(count)d message.", "Re-queued %(count)d messages.", count)
                            % {"count": count}, messages.SUCCESS if count else messages.WARNING)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: messages change state through the services (re-queue below, or the outbox page)."""

    list_display = ("created_at", "channel", "category", "to", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "channel", "category")
    search_fields = ("to", "idempotency_key", "provider_message_id")
    date_hierarchy = "created_at"
    actions = [requeue_dead]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactConsent)
class ContactConsentAdmin(admin.ModelAdmin):
    list_display = ("recorded_at", "contact", "channel", "purpose", "granted", "source")
    list_filter = ("channel", "purpose", "granted", "source")
    search_fields = ("contact",)

    def has_change_permission(self, request, obj=None):
        return False  # append-only: record a new statement instead

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "contact", "channel", "reason", "is_active")
    list_filter = ("channel", "reason", "is_active")
    search_fields = ("contact",)


@admin.register(SmsReply)
class SmsReplyAdmin(admin.ModelAdmin):
    list_display = ("received_at", "from_number", "text", "is_opt_out")
    list_filter = ("is_opt_out",)
    search_fields = ("from_number", "text")

    def has_add_permission(self, request):
        return False
