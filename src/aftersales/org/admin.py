from django.contrib import admin

from .models import Department, Organisation, Region, Role, Skill, StaffProfile


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    readonly_fields = ("path",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region", "status", "is_active")
    list_filter = ("kind", "status", "is_active")
    search_fields = ("code", "name", "short_name")
    autocomplete_fields = ("region", "group")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organisation", "is_active")
    list_filter = ("kind",)
    search_fields = ("name", "organisation__name")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "scope_level")
    readonly_fields = ("group",)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("employee_code", "display_name", "organisation", "department", "is_active")
    list_filter = ("is_active", "roles")
    search_fields = ("employee_code", "display_name", "user__username")
    filter_horizontal = ("roles", "regions_covered", "skills")
    autocomplete_fields = ("organisation",)
