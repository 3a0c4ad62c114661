"""API of export approvals: ``/api/imports/export-requests/`` (list, create, detail) and the
transitions ``POST …/{id}/approve/``, ``…/reject/``, ``…/cancel/``.

Wire it in ``aftersales/urls.py`` under ``api_patterns``::

    path("imports/", include("aftersales.core.imports.api")),

Reads go through ``approval_selectors.export_request_list`` (own requests, those the user may decide, in
scope), writes through the services; errors are the house JSON (403 for a decision the user may not
take, 409 for a transition the state machine does not allow).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from ..api.transitions import TransitionActionsMixin
from . import approval_selectors, approvals
from .choices import EXPORT_REQUEST_MACHINE
from .exports import FORMATS
from .models import ExportRequest


class ExportRequestSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()
    job_status = serializers.CharField(source="job.status", read_only=True, allow_null=True, default=None)
    actions = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportRequest
        fields = ["id", "kind", "kind_label", "params", "format", "row_count", "reason", "status", "status_label",
                  "requested_by", "requested_by_name", "organisation_id", "created_at", "decided_by",
                  "decided_by_name", "decided_at", "decision_note", "job", "job_status", "finished_at", "message",
                  "actions", "download_url", "version"]
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return approval_selectors.kind_label(obj.kind)

    def get_requested_by_name(self, obj) -> str:
        u = obj.requested_by
        return u.get_full_name() or u.get_username()

    def get_decided_by_name(self, obj) -> str | None:
        u = obj.decided_by
        return (u.get_full_name() or u.get_username()) if u else None

    def get_actions(self, obj) -> list[str]:
        return approval_selectors.allowed_actions(user=self.context["request"].user, export_request=obj)

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


class ExportRequestViewSet(TransitionActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Requests for a manager's approval of exports above the limit (e.g. more than 1,000 customers).

    ``POST …/{id}/approve/``, ``…/reject/``, ``…/cancel/`` (body ``{"note" or "reason", "version"}``)
    come from ``choices.EXPORT_REQUEST_MACHINE``."""

    state_machine = EXPORT_REQUEST_MACHINE

    serializer_class = ExportRequestSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = approval_selectors.ExportRequestFilterSet
    ordering_fields = ["created_at", "row_count", "status"]
    queryset = ExportRequest.objects.none()  # for the schema; rows come from the selector

    def get_queryset(self):
        return approval_selectors.export_request_list(user=self.request.user)

    @extend_schema(request=ExportRequestCreateSerializer, responses={201: ExportRequestSerializer})
    def create(self, request, *args, **kwargs):
        body = ExportRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        obj = approvals.export_request_create(actor=request.user, kind=data["kind"], params=data["params"],
                                              fmt=data["format"], reason=data["reason"])
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def fire_transition(self, request, name: str):
        """Deciding without any approval permission is a 403 before the lookup (as before)."""
        if name in ("approve", "reject") and not approval_selectors.approvable_kinds(request.user):
            raise PermissionDenied()
        response = super().fire_transition(request, name)
        obj = approval_selectors.export_request_list(user=request.user).get(pk=response.data["id"])
        return Response(self.get_serializer(obj).data)


router = DefaultRouter()
router.register("export-requests", ExportRequestViewSet, basename="exportrequest")

urlpatterns = router.urls
