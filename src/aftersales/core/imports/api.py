"""API of export approvals: ``/api/imports/export-requests/`` (list, create, detail) and the
transitions ``POST …/{id}/approve/``, ``…/reject/``, ``…/cancel/``.

Wire it in ``aftersales/urls.py`` under ``api_patterns``::

    path("imports/", include("aftersales.core.imports.api")),

Reads go through ``approvals.export_request_list`` (own requests, those the user may decide, in
scope), writes through the services; errors are the house JSON (403 for a decision the user may not
take, 409 for a transition the state machine does not allow).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from . import approvals
from .exports import FORMATS
from .models import ExportRequest


class ExportRequestSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()
    job_status = serializers.CharField(source="job.status", read_only=True, default=None)
    actions = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportRequest
        fields = ["id", "kind", "kind_label", "params", "format", "row_count", "reason", "status", "status_label",
                  "requested_by", "requested_by_name", "organisation_id", "created_at", "decided_by",
                  "decided_by_name", "decided_at", "decision_note", "job", "job_status", "finished_at", "message",
                  "actions", "download_url"]
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return approvals.kind_label(obj.kind)

    def get_requested_by_name(self, obj) -> str:
        u = obj.requested_by
        return u.get_full_name() or u.get_username()

    def get_decided_by_name(self, obj) -> str | None:
        u = obj.decided_by
        return (u.get_full_name() or u.get_username()) if u else None

    def get_actions(self, obj) -> list[str]:
        return approvals.allowed_actions(user=self.context["request"].user, export_request=obj)

    def get_download_url(self, obj) -> str | None:
        if "download" not in self.get_actions(obj):
            return None
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(reverse("imports:export_request_download", args=[obj.pk]))


class ExportRequestCreateSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=30)
    params = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    format = serializers.ChoiceField(choices=FORMATS, default="csv")
    reason = serializers.CharField(max_length=300)


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ExportRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                           viewsets.GenericViewSet):
    """Requests for a manager's approval of exports above the limit (e.g. more than 1,000 customers)."""

    serializer_class = ExportRequestSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = approvals.ExportRequestFilterSet
    ordering_fields = ["created_at", "row_count", "status"]
    queryset = ExportRequest.objects.none()  # for the schema; rows come from the selector

    def get_queryset(self):
        return approvals.export_request_list(user=self.request.user)

    @extend_schema(request=ExportRequestCreateSerializer, responses={201: ExportRequestSerializer})
    def create(self, request, *args, **kwargs):
        body = ExportRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        obj = approvals.export_request_create(actor=request.user, kind=data["kind"], params=data["params"],
                                              fmt=data["format"], reason=data["reason"])
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def _transition(self, request, service, *, deciding: bool):
        if deciding and not approvals.approvable_kinds(request.user):
            raise PermissionDenied()
        obj = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        obj = service(actor=request.user, export_request=obj, note=body.validated_data["note"])
        return Response(self.get_serializer(approvals.export_request_list(user=request.user).get(pk=obj.pk)).data)

    @extend_schema(request=DecisionSerializer, responses={200: ExportRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(request, approvals.export_request_approve, deciding=True)

    @extend_schema(request=DecisionSerializer, responses={200: ExportRequestSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(request, approvals.export_request_reject, deciding=True)

    @extend_schema(request=DecisionSerializer, responses={200: ExportRequestSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(request, approvals.export_request_cancel, deciding=False)


router = DefaultRouter()
router.register("export-requests", ExportRequestViewSet, basename="exportrequest")

urlpatterns = router.urls
