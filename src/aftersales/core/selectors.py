"""Kernel reads: timelines, the personal-data access log, job runs."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent, PersonalDataAccess
from .registry import timeline_renderer


class TimelineEntry:
    __slots__ = ("event", "text")

    def __init__(self, event: AuditEvent, text: str):
        self.event = event
        self.text = text


def _entries(events) -> list[TimelineEntry]:
    out = []
    for e in events:
        render = timeline_renderer(e.action)
        out.append(TimelineEntry(e, render(e) if render else ""))
    return out


def timeline_for_object(obj, *, limit: int = 50) -> list[TimelineEntry]:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    events = AuditEvent.objects.filter(content_type=ct, object_id=obj.pk).select_related("actor", "content_type")[:limit]
    return _entries(events)


def timeline_for_customer(customer_id: int, *, limit: int = 100) -> list[TimelineEntry]:
    """One indexed query over every app's events for one customer (DESIGN.md "Events and timelines")."""
    events = AuditEvent.objects.filter(customer_id=customer_id).select_related("actor", "content_type")[:limit]
    return _entries(events)


def timeline_for_vehicle(vehicle_id: int, *, limit: int = 100) -> list[TimelineEntry]:
    events = AuditEvent.objects.filter(vehicle_id=vehicle_id).select_related("actor", "content_type")[:limit]
    return _entries(events)


def personal_data_access_list(*, user):
    if not (user.is_superuser or user.has_perm("core.view_personaldataaccess")):
        return PersonalDataAccess.objects.none()
    return PersonalDataAccess.objects.select_related("actor", "content_type")


def job_results(*, user):
    from django_tasks_db.models import DBTaskResult

    if not (user.is_superuser or user.has_perm("core.view_jobs")):
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.order_by("-enqueued_at")
