"""Kernel reads: timelines, the personal-data access log, job runs."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent, PersonalDataAccess
from .registry import timeline_renderer


class TimelineEntry:
    """An event as a person reads it: a sentence and changes labelled with the fields' own names."""

    __slots__ = ("event", "text", "changes")

    def __init__(self, event: AuditEvent, text: str, changes: list[tuple[str, str, object, object]]):
        self.event = event
        self.text = text
        self.changes = changes


def _display(field, value):
    if isinstance(value, dict) and "repr" in value:
        return value["repr"]
    if isinstance(value, str) and field is not None and field.get_internal_type() == "DateTimeField":
        from django.utils import timezone
        from django.utils.dateparse import parse_datetime

        moment = parse_datetime(value)
        if moment is not None:
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(moment) else value
    if field is not None and getattr(field, "choices", None) and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("Yes") if value else gettext("No")
    return value


def labelled_changes(event: AuditEvent) -> list[tuple[str, str, object, object]]:
    """(field name, field label, old, new) for display; apps may mask values by field name."""
    model = event.content_type.model_class() if event.content_type_id else None
    out = []
    for name, pair in (event.changes or {}).items():
        if name in ("created_at", "updated_at", "version") or not isinstance(pair, (list, tuple)) or len(pair) != 2:
            continue
        try:
            field = model._meta.get_field(name) if model else None
        except Exception:
            field = None
        label = str(getattr(field, "verbose_name", name)) if field is not None else name
        out.append((name, label, _display(field, pair[0]), _display(field, pair[1])))
    return out


def _entries(events) -> list[TimelineEntry]:
    out = []
    for e in events:
        render = timeline_renderer(e.action)
        out.append(TimelineEntry(e, render(e) if render else "", labelled_changes(e)))
    return out


def timeline_for_object(obj, *, limit: int = 50) -> list[TimelineEntry]:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    events = AuditEvent.objects.unscoped(reason="the timeline of an object the caller fetched through the user's scope").filter(content_type=ct, object_id=obj.pk).select_related("actor", "content_type")[:limit]
    return _entries(events)


def timeline_for_customer(customer_id: int, *, limit: int = 100) -> list[TimelineEntry]:
    """One indexed query over every app's events for one customer (DESIGN.md "Events and timelines")."""
    events = AuditEvent.objects.unscoped(reason="the timeline of an object the caller fetched through the user's scope").filter(customer_id=customer_id).select_related("actor", "content_type")[:limit]
    return _entries(events)


def timeline_for_vehicle(vehicle_id: int, *, limit: int = 100) -> list[TimelineEntry]:
    events = AuditEvent.objects.unscoped(reason="the timeline of an object the caller fetched through the user's scope").filter(vehicle_id=vehicle_id).select_related("actor", "content_type")[:limit]
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
