"""``GET /api/customers/lookup/?q=…`` (search box, other systems) and ``?phone=…`` (telephony
screen-pop: caller number → customers); ``GET /api/customers/lookup/ping/`` is the same
authentication and permission doing nothing — the framework's floor for the benchmark.

Include ``urlpatterns_api`` under ``/api/customers/``.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.scoping import scope_for

from ..lookup.keys import MAX_QUERY
from ..lookup.results import lookup


class CanViewCustomers(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.has_perm("customers.view_customer"))


class LookupQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=MAX_QUERY, trim_whitespace=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40, trim_whitespace=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)

    def validate(self, attrs):
        if not attrs.get("q") and not attrs.get("phone"):
            raise serializers.ValidationError({"q": [_("Enter a phone number, plate, VIN, name or pinyin initials.")]})
        return attrs


_HIT_FIELDS = {
    "type": serializers.ChoiceField(choices=["customer", "vehicle"]),
    "id": serializers.IntegerField(help_text="customer id for type=customer, vehicle id for type=vehicle"),
    "customer_id": serializers.IntegerField(allow_null=True),
    "vehicle_id": serializers.IntegerField(allow_null=True,
                                           help_text="the vehicle; for a customer, their latest vehicle"),
    "name": serializers.CharField(help_text="masked (张*) when masked=true"),
    "phone": serializers.CharField(help_text="primary phone, masked unless the role may see personal data"),
    "plate": serializers.CharField(),
    "vin": serializers.CharField(),
    "dealer": serializers.CharField(),
    "masked": serializers.BooleanField(help_text="outside your scope, found by a full phone, VIN or plate; "
                                                 "receive the vehicle to be granted access"),
    "match": serializers.ChoiceField(choices=["phone", "vin", "plate", "name", "initials"]),
    "exact": serializers.BooleanField(),
    "url": serializers.CharField(help_text="page of the customer or vehicle; empty when masked"),
    "hint": serializers.CharField(),
}


class LookupView(APIView):
    permission_classes = [IsAuthenticated, CanViewCustomers]

    @extend_schema(
        operation_id="customers_lookup",
        summary="Find customers and vehicles",
        description=(
            "By phone or its last 4+ digits, plate fragment (3+ characters), VIN (full or last 6), name "
            "(2-3 Chinese characters) or pinyin initials. Fragments search within your scope; a full "
            "phone, VIN or plate searches the whole network and returns hits outside your scope masked. "
            "`phone` is the telephony screen-pop: caller number (or its tail) to customers."),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="search text"),
            OpenApiParameter("phone", OpenApiTypes.STR, description="caller number (screen-pop)"),
            OpenApiParameter("limit", OpenApiTypes.INT, description="at most this many results (1-50, default 20)"),
        ],
        responses={200: inline_serializer("LookupResponse", {
            "query": serializers.CharField(),
            "results": inline_serializer("LookupHit", _HIT_FIELDS, many=True),
        })},
    )
    def get(self, request):
        params = LookupQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        phone_only = bool(data.get("phone")) and not data.get("q")
        query = data.get("q") or data.get("phone")
        hits = lookup(user=request.user, q=query, limit=data["limit"], phone_only=phone_only)
        return Response({"query": query, "results": [h.as_dict() for h in hits]})


class LookupPingView(APIView):
    """Authentication and permission only: the framework's floor for ``bench/lookup.py``;
    ``?scope=1`` also resolves the caller's scope, the fixed cost every scoped endpoint pays."""

    permission_classes = [IsAuthenticated, CanViewCustomers]

    @extend_schema(operation_id="customers_lookup_ping", summary="Lookup availability (no-op)",
                   parameters=[OpenApiParameter("scope", OpenApiTypes.BOOL, description="also resolve your scope")],
                   responses={200: inline_serializer("LookupPing", {"ok": serializers.BooleanField()})})
    def get(self, request):
        if request.query_params.get("scope"):
            scope_for(request.user)
        return Response({"ok": True})


urlpatterns_api = [
    path("lookup/", LookupView.as_view(), name="customer-lookup"),
    path("lookup/ping/", LookupPingView.as_view(), name="customer-lookup-ping"),
]
