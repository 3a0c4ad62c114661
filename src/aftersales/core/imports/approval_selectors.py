"""Reads for export approvals (R-CUS-7 item 8): which requests a user sees and may decide, who the
approvers are, the list's filter set and the "我的工作" item.  The writes (the machine's transitions)
are in ``approvals``; both read the same ``choices.EXPORT_REQUEST_MACHINE``."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..exceptions import ServiceError
from ..registry import WorkItem
from ..scoping import scope_for
from . import exports
from .choices import EXPORT_REQUEST_MACHINE
from .models import ExportRequest
from .registry import Exporter, exporters, get_exporter

Status = ExportRequest.Status
VIEW_ALL_PERMISSION = "core.view_exportrequest"


def approval_kinds() -> dict[str, Exporter]:
    """Exporters that have an approval threshold and say who approves."""
    return {k: e for k, e in exporters().items() if e.approval_threshold is not None and e.approval_permission}


def approvable_kinds(user) -> list[str]:
    """Export types whose requests ``user`` may approve."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return [k for k, e in approval_kinds().items() if user.has_perm(e.approval_permission)]


def kind_label(kind: str) -> str:
    exporter = get_exporter(kind)
    return str(exporter.label) if exporter else kind


def describe_params(params: dict) -> str:
    """The filter as one line, for notifications and the access log."""
    shown = [f"{k}={v}" for k, v in (params or {}).items() if v not in ("", None)]
    return "; ".join(shown) or "—"


def in_scope(user, organisation_id) -> bool:
    """Does ``user``'s scope cover the organisation?  Asked of the scope object, never by hand."""
    return scope_for(user).covers(organisation_id)


def export_request_list(*, user) -> QuerySet[ExportRequest]:
    """Requests ``user`` may see: their own, those they may approve (in their scope), and all in
    their scope with ``core.view_exportrequest``."""
    qs = ExportRequest.objects.unscoped(
        reason="narrowed below: the requester's own requests, the rest through restrict(user)",
    ).select_related("requested_by", "decided_by", "job")
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    own = Q(requested_by=user)
    if user.has_perm(VIEW_ALL_PERMISSION):
        others = Q(pk__in=ExportRequest.objects.restrict(user).values("pk"))
    else:
        kinds = approvable_kinds(user)
        others = Q(pk__in=ExportRequest.objects.restrict(user).filter(kind__in=kinds).values("pk")) if kinds else Q(
            pk__in=[])
    return qs.filter(own | others)


def export_requests_to_approve(*, user) -> QuerySet[ExportRequest]:
    """Pending requests of others that ``user`` may decide."""
    kinds = approvable_kinds(user)
    if not kinds:
        return ExportRequest.objects.none()
    qs = ExportRequest.objects.restrict(user).filter(status=Status.PENDING, kind__in=kinds).exclude(requested_by=user)
    return qs.select_related("requested_by")


def approvers_for(export_request: ExportRequest) -> list:
    """Active users who may approve this request (not the requester)."""
    exporter = get_exporter(export_request.kind)
    if exporter is None or not exporter.approval_permission:
        return []
    app_label, codename = exporter.approval_permission.split(".", 1)
    perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    User = get_user_model()
    q = Q(is_superuser=True)
    if perm is not None:
        q |= Q(user_permissions=perm) | Q(groups__permissions=perm)
    users = (User.objects.filter(q, is_active=True).exclude(pk=export_request.requested_by_id).distinct()
             .order_by("pk"))
    return [u for u in users if in_scope(u, export_request.organisation_id)]


def may_decide(user, export_request: ExportRequest) -> bool:
    return EXPORT_REQUEST_MACHINE.may_fire(export_request, "approve", user=user)


def allowed_actions(*, user, export_request: ExportRequest) -> list[str]:
    """What the page and the API offer ``user`` on this request: the machine's transitions this user
    may fire now, and the download of an exported file for the requester."""
    actions = [t.name for t in EXPORT_REQUEST_MACHINE.available(export_request, user=user)]
    if export_request.requested_by_id == user.pk and export_request.status == Status.EXPORTED:
        actions.append("download")
    return actions


def current_row_count(export_request: ExportRequest) -> int | None:
    """What the filter gives now, counted as the requester (None when it cannot be counted)."""
    try:
        return exports.export_count(actor=export_request.requested_by, kind=export_request.kind,
                                    params=export_request.params, fmt=export_request.format)[2]
    except ServiceError:
        return None


class ExportRequestFilterSet(django_filters.FilterSet):
    """One filter set for the list page and the API."""

    box = django_filters.ChoiceFilter(
        label=gettext_lazy("Show"), method="filter_box", empty_label=gettext_lazy("All I may see"),
        choices=[("mine", gettext_lazy("My requests")), ("to_approve", gettext_lazy("Waiting for my decision")),
                 ("decided", gettext_lazy("Decided by me"))])
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=Status.choices)
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Export type"), choices=[])

    class Meta:
        model = ExportRequest
        fields = ["box", "status", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = [(k, str(e.label)) for k, e in approval_kinds().items()]

    def filter_box(self, qs, name, value):
        user = self.request.user
        if value == "mine":
            return qs.filter(requested_by=user)
        if value == "to_approve":
            return qs.filter(status=Status.PENDING, kind__in=approvable_kinds(user)).exclude(requested_by=user)
        if value == "decided":
            return qs.filter(decided_by=user)
        return qs


def export_request_work_items(user) -> list[WorkItem]:
    if not approvable_kinds(user):
        return []
    count = export_requests_to_approve(user=user).count()
    return [WorkItem("core.export_requests.to_approve", _("Exports waiting for approval"), count,
                     reverse("imports:export_request_list") + "?box=to_approve", severity="warning",
                     hint=_("Approve or reject exports of personal data above the limit."))]
