"""API of imports and export approvals: ``/api/imports/jobs/`` (start an import with its dry run,
read the answer, ``…/{id}/apply/``) and ``/api/imports/export-requests/`` (list, create, detail) with
the transitions ``POST …/{id}/approve/``, ``…/reject/``, ``…/cancel/``.

Wire it in ``aftersales/urls.py`` under ``api_patterns``::

    path("imports/", include("aftersales.core.imports.api")),

Reads go through ``approval_selectors.export_request_list`` (own requests, those the user may decide, in
scope), writes through the services; errors are the house JSON (403 for a decision the user may not
take, 409 for a transition the state machine does not allow).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from ..api.transitions import AvailableTransitionsField, TransitionActionsMixin
from . import approval_selectors, approvals
from . import services as import_services
from .choices import EXPORT_REQUEST_MACHINE
from .exports import FORMATS
from .models import ExportRequest, ImportJob
from .registry import importers


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


# --- import jobs -----------------------------------------------------------------------------------

class ImportJobSerializer(serializers.ModelSerializer):
    """A job with its dry-run answer: counts, the first errors and, in "update existing" mode, how
    many rows update which existing record (issue 8 item 9)."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    mode = serializers.CharField(read_only=True, help_text="all, valid_only, or empty before the apply")
    match_existing = serializers.SerializerMethodField()
    will_update = serializers.SerializerMethodField()
    will_create = serializers.SerializerMethodField()
    matches = serializers.SerializerMethodField()
    first_errors = serializers.SerializerMethodField()
    created = serializers.SerializerMethodField()
    updated = serializers.SerializerMethodField()

    actions = AvailableTransitionsField()

    class Meta:
        model = ImportJob
        fields = ["id", "kind", "status", "status_label", "original_filename", "total_rows", "valid_rows",
                  "error_rows", "error_count", "match_existing", "will_update", "will_create", "matches",
                  "first_errors", "created", "updated", "mode", "message", "created_at", "finished_at", "actions",
                  "version"]
        read_only_fields = fields

    def get_match_existing(self, obj) -> bool:
        return bool((obj.options or {}).get("match_existing"))

    def get_will_update(self, obj) -> int | None:
        return (obj.result or {}).get("will_update")

    def get_will_create(self, obj) -> int | None:
        return (obj.result or {}).get("will_create")

    def get_matches(self, obj) -> list[dict]:
        return (obj.result or {}).get("matches", [])

    def get_first_errors(self, obj) -> list[dict]:
        return (obj.result or {}).get("first_errors", [])

    def get_created(self, obj) -> int | None:
        return (obj.result or {}).get("created")

    def get_updated(self, obj) -> int | None:
        return (obj.result or {}).get("updated")


class ImportStartSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=30)
    file = serializers.FileField()
    match_existing = serializers.BooleanField(
        default=False, help_text="Update existing records matched in your scope (customers: by phone) instead of "
                                 "reporting them as duplicates; the dry run lists which rows update whom.")


class ImportApplySerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=ImportJob.Mode.choices)


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    """Imports: ``POST`` a file (multipart: ``kind``, ``file``, ``match_existing``) to start the dry run,
    read the job for its answer, then ``POST …/{id}/apply/`` with ``mode`` ("all" or "valid_only") or
    ``POST …/{id}/cancel/``; ``actions`` lists which of the two the user may fire now (core.fsm).
    The same services as the import page; your own jobs and, with ``core.view_importjob``, those of
    your organisations."""

    serializer_class = ImportJobSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    queryset = ImportJob.objects.none()  # for the schema; rows come from visible_jobs

    def get_queryset(self):
        from .views import visible_jobs

        return visible_jobs(self.request.user).filter(kind__in=list(importers())).order_by("-created_at")

    @extend_schema(request={"multipart/form-data": ImportStartSerializer}, responses={201: ImportJobSerializer})
    def create(self, request, *args, **kwargs):
        body = ImportStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        job = import_services.import_start(actor=request.user, kind=data["kind"], file=data["file"],
                                           filename=data["file"].name, match_existing=data["match_existing"])
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ImportApplySerializer, responses={200: ImportJobSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser, MultiPartParser])
    def apply(self, request, pk=None):
        job = self.get_object()
        body = ImportApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = import_services.import_apply(actor=request.user, job=job, mode=body.validated_data["mode"])
        return Response(self.get_serializer(job).data)

    @extend_schema(request=None, responses={200: ImportJobSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser, MultiPartParser])
    def cancel(self, request, pk=None):
        """Discard a job that is not running (the import machine's ``cancel``; 409
        ``transition_not_allowed`` with the reason otherwise)."""
        job = import_services.import_cancel(actor=request.user, job=self.get_object())
        return Response(self.get_serializer(job).data)


router = DefaultRouter()
router.register("export-requests", ExportRequestViewSet, basename="exportrequest")
router.register("jobs", ImportJobViewSet, basename="importjob")

urlpatterns = router.urls
