from django.contrib import admin

from .models import SlaPolicy, Ticket


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "priority", "status", "customer", "organisation", "owner", "created_at")
    list_filter = ("status", "kind", "priority")
    search_fields = ("number",)
    raw_id_fields = ("customer", "vehicle", "organisation")
    readonly_fields = ("number", "status", "owner")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "priority", "region", "customer_kind", "response_minutes", "resolve_minutes",
                    "calendar", "ladder", "is_active")
    list_filter = ("kind", "priority", "is_active")
