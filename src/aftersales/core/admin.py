from django.contrib import admin

from .models import AccessGrant, AuditEvent, PeriodicRun, PersonalDataAccess


class ReadOnlyAdmin(admin.ModelAdmin):
    """Writes go through the services (audited); the admin is for looking only."""
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "object_repr", "request_id")
    list_filter = ("action",)
    search_fields = ("object_repr", "request_id", "action")
    date_hierarchy = "at"


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "object_repr", "row_count", "reason")
    list_filter = ("action",)


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyAdmin):
    list_display = ("organisation_id", "content_type", "object_id", "reason", "granted_by", "granted_at", "revoked_at")


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ("job", "period_key", "enqueued_at", "task_result_id")
