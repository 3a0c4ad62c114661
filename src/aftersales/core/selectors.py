"""Kernel reads: timelines, the personal-data access log, job runs."""

from __future__ import annotations

from .models import PersonalDataAccess
from .timelines import (  # noqa: F401  (timelines are kernel reads; re-exported here)
    TimelineEntry,
    change_log,
    labelled_changes,
    timeline_for_customer,
    timeline_for_object,
    timeline_for_vehicle,
    visible_events,
)


def personal_data_access_list(*, user):
    if not (user.is_superuser or user.has_perm("core.view_personaldataaccess")):
        return PersonalDataAccess.objects.none()
    return PersonalDataAccess.objects.select_related("actor", "content_type")


def job_results(*, user):
    from django_tasks_db.models import DBTaskResult

    if not (user.is_superuser or user.has_perm("core.view_jobs")):
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.order_by("-enqueued_at")
