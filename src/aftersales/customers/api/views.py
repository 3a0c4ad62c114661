from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from aftersales.core.api.views import DeactivatableMixin, ScopedModelViewSet
from aftersales.core.masking import can_see_personal_data

from .. import filtersets, selectors, services
from . import serializers


def _create_customer(*, actor, data, m2m):
    data = dict(data)
    phones, addresses = data.pop("phone_numbers", []), data.pop("new_addresses", [])
    return services.customer_create(actor=actor, data=data, phones=phones, addresses=[dict(a) for a in addresses])


def _update_customer(instance, *, actor, data, m2m, expected_version):
    data = {k: v for k, v in data.items() if k not in {"phone_numbers", "new_addresses"}}
    return services.customer_update(instance, actor=actor, data=data, expected_version=expected_version)


class CustomerViewSet(DeactivatableMixin, ScopedModelViewSet):
    """Customers in the user's scope; phones, addresses and resident ID masked per role."""

    serializer_class = serializers.CustomerSerializer
    filterset_class = filtersets.CustomerFilterSet
    selector = selectors.customer_list
    create_service = staticmethod(_create_customer)
    update_service = staticmethod(_update_customer)
    ordering_fields = ["code", "name", "first_visit_at", "created_at"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("phones", "addresses")

    def retrieve(self, request, *args, **kwargs):
        customer = self.get_object()
        if can_see_personal_data(request.user):
            services.log_personal_data_view(actor=request.user, customer=customer)
        return Response(self.get_serializer(customer).data)

    @extend_schema(request=serializers.RevealSerializer, responses={200: serializers.RevealResultSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def reveal(self, request, pk=None):
        """Unmasked contact data with a reason (logged in the personal-data access log)."""
        customer = self.get_object()
        body = serializers.RevealSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = services.reveal_personal_data(actor=request.user, customer=customer,
                                             fields=body.validated_data.get("fields") or services.REVEALABLE_FIELDS,
                                             reason=body.validated_data.get("reason", ""))
        return Response(data)


class VehicleViewSet(DeactivatableMixin, ScopedModelViewSet):
    serializer_class = serializers.VehicleSerializer
    filterset_class = filtersets.VehicleFilterSet
    selector = selectors.vehicle_list
    create_service = staticmethod(services.vehicle_create)
    update_service = staticmethod(services.vehicle_update)
    ordering_fields = ["vin", "plate", "sale_date", "created_at"]

    @extend_schema(request=serializers.MileageInputSerializer, responses={201: serializers.MileageReadingSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def mileage(self, request, pk=None):
        """Record an odometer reading; lower than the latest needs ``reason``."""
        vehicle = self.get_object()
        if not request.user.has_perm("customers.add_mileagereading") and not request.user.has_perm(
                "customers.change_vehicle"):
            self.permission_denied(request)
        body = serializers.MileageInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reading = services.record_mileage(actor=request.user, vehicle=vehicle, **body.validated_data)
        return Response(serializers.MileageReadingSerializer(reading).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ChangeOwnerSerializer, responses={200: serializers.VehicleSerializer})
    @action(detail=True, methods=["post"], url_path="change-owner", permission_classes=[IsAuthenticated])
    def change_owner(self, request, pk=None):
        vehicle = self.get_object()
        if not request.user.has_perm("customers.change_vehicle"):
            self.permission_denied(request)
        body = serializers.ChangeOwnerSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        vehicle = services.change_owner(actor=request.user, vehicle=vehicle, **body.validated_data)
        return Response(self.get_serializer(vehicle).data)


def _create_vehicle_model(*, actor, data, m2m):
    return services.vehicle_model_create(actor=actor, data=data)


class VehicleModelViewSet(DeactivatableMixin, ScopedModelViewSet):
    serializer_class = serializers.VehicleModelSerializer
    filterset_class = filtersets.VehicleModelFilterSet
    selector = selectors.vehicle_model_list
    create_service = staticmethod(_create_vehicle_model)
    update_service = staticmethod(services.vehicle_model_update)
    ordering_fields = ["code", "name"]


class CustomerDocumentViewSet(ScopedModelViewSet):
    serializer_class = serializers.CustomerDocumentSerializer
    filterset_class = filtersets.DocumentFilterSet
    selector = selectors.document_list
    create_service = staticmethod(services.document_create)
    update_service = staticmethod(services.document_update)
    ordering_fields = ["document_date", "created_at"]


