from rest_framework import serializers

from aftersales.core.api.serializers import ScopedRelatedMixin

from ..models import Department, Organisation, Region, Role, Skill, StaffProfile


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "kind", "parent", "path", "is_active", "version"]
        read_only_fields = ["path", "is_active"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}


class OrganisationSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "short_name", "kind", "region", "region_name", "group", "address", "phone",
                  "contact_person", "contract_start", "contract_end", "status", "opens_weekends", "is_active",
                  "created_at", "updated_at", "version"]
        read_only_fields = ["is_active", "created_at", "updated_at"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}


class DepartmentSerializer(ScopedRelatedMixin, serializers.ModelSerializer):
    scoped_fields = ("organisation",)

    class Meta:
        model = Department
        fields = ["id", "organisation", "kind", "name", "manager", "email", "is_active", "version"]
        read_only_fields = ["is_active"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "code", "name", "scope_level", "description"]


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "code", "name"]


class StaffProfileSerializer(ScopedRelatedMixin, serializers.ModelSerializer):
    scoped_fields = ("organisation",)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = StaffProfile
        fields = ["id", "username", "organisation", "department", "employee_code", "display_name", "title",
                  "roles", "regions_covered", "skills", "is_active", "version"]
        read_only_fields = ["is_active"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}
