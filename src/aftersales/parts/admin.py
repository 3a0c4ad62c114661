from django.contrib import admin

from .models import MonitoredPartCategory, Part, Supplier


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "contact_person", "quality_contact_name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "short_name")
    readonly_fields = ("created_at", "updated_at", "version")


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ("part_number", "name", "category", "unit", "price", "supplier", "is_key_part", "is_accessory",
                    "is_active")
    list_filter = ("category", "is_key_part", "is_accessory", "is_active")
    search_fields = ("part_number", "name")
    autocomplete_fields = ("supplier",)
    list_select_related = ("supplier",)
    readonly_fields = ("created_at", "updated_at", "version")


@admin.register(MonitoredPartCategory)
class MonitoredPartCategoryAdmin(admin.ModelAdmin):
    list_display = ("category", "label", "is_monitored", "order")
    list_editable = ("is_monitored", "order")
    readonly_fields = ("created_at", "updated_at", "version")
