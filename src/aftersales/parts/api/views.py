from rest_framework import viewsets

from aftersales.core.api.views import DeactivatableMixin, ScopedModelViewSet

from .. import filtersets, selectors, services
from . import serializers


class SupplierViewSet(DeactivatableMixin, ScopedModelViewSet):
    serializer_class = serializers.SupplierSerializer
    filterset_class = filtersets.SupplierFilterSet
    selector = selectors.supplier_list
    create_service = services.supplier_create
    update_service = services.supplier_update
    ordering_fields = ["code", "name", "updated_at"]


class PartViewSet(DeactivatableMixin, ScopedModelViewSet):
    serializer_class = serializers.PartSerializer
    filterset_class = filtersets.PartFilterSet
    selector = selectors.part_list
    create_service = services.part_create
    update_service = services.part_update
    ordering_fields = ["part_number", "name", "price", "category", "updated_at"]


class MonitoredPartCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The configurable key-part list of R-QLT-2 (changed by administrators)."""

    serializer_class = serializers.MonitoredPartCategorySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.monitored_category_list(user=self.request.user)
