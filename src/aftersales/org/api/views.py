from rest_framework import viewsets

from aftersales.core.api.views import DeactivatableMixin, ScopedModelViewSet, ScopedReadEditViewSet

from .. import filtersets, selectors, services
from . import serializers


class RegionViewSet(DeactivatableMixin, ScopedModelViewSet):
    serializer_class = serializers.RegionSerializer
    filterset_class = filtersets.RegionFilterSet
    selector = selectors.region_list
    create_service = services.region_create
    update_service = services.region_update
    ordering_fields = ["code", "name"]


class OrganisationViewSet(DeactivatableMixin, ScopedModelViewSet):
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filtersets.OrganisationFilterSet
    selector = selectors.organisation_list
    create_service = services.organisation_create
    update_service = services.organisation_update
    deactivate_service = services.organisation_set_active
    ordering_fields = ["code", "name", "contract_end"]


class DepartmentViewSet(DeactivatableMixin, ScopedModelViewSet):
    serializer_class = serializers.DepartmentSerializer
    filterset_class = filtersets.DepartmentFilterSet
    selector = selectors.department_list
    create_service = services.department_create
    update_service = services.department_update


class StaffProfileViewSet(DeactivatableMixin, ScopedReadEditViewSet):
    """Staff are created on the page or by an administrator with a login; the API reads and edits."""

    serializer_class = serializers.StaffProfileSerializer
    filterset_class = filtersets.StaffFilterSet
    selector = selectors.staff_list
    update_service = services.staff_update
    deactivate_service = services.staff_set_active


class RoleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.RoleSerializer

    def get_queryset(self):
        return selectors.role_list(user=self.request.user)


class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.SkillSerializer

    def get_queryset(self):
        return selectors.skill_list(user=self.request.user)
