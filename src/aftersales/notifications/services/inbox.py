"""The in-app inbox: notifications for users, read and unread (the header's badge)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.exceptions import ServiceError

from ..choices import (
    NotificationLevel,
)
from ..models import Notification
from .policy import current_time


@transaction.atomic
def notify_user(*, recipient, title: str, body: str = "", url: str = "", level: str = NotificationLevel.INFO,
                now: dt.datetime | None = None) -> Notification:
    """Put one message in a user's inbox (written in the caller's transaction)."""
    notification = Notification(recipient=recipient, title=str(title)[:200], body=str(body), url=url, level=level,
                                created_at=current_time(now))
    notification.full_clean()
    notification.save()
    return notification


@transaction.atomic
def notify_users(*, recipients, title: str, body: str = "", url: str = "",
                 level: str = NotificationLevel.INFO) -> int:
    """The same message to many users in one INSERT; returns how many were written."""
    if level not in NotificationLevel.values:
        raise ServiceError(_("Unknown notification level."), field="level")
    now = timezone.now()
    rows = [Notification(recipient=u, title=str(title)[:200], body=str(body), url=url, level=level, created_at=now)
            for u in recipients]
    Notification.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def mark_read(*, user, notification: Notification, now: dt.datetime | None = None) -> Notification:
    """Mark one of the user's own notifications read (a no-op when it already is)."""
    now = current_time(now)
    Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(read_at=now,
                                                                                                updated_at=now)
    notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(*, user, now: dt.datetime | None = None) -> int:
    now = current_time(now)
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now, updated_at=now)


@transaction.atomic
def notify_many(*, items) -> int:
    """Different messages to different users in one bulk INSERT (a job's notices): ``items`` are
    dicts of recipient, title, body, url and level; returns how many were written."""
    now = timezone.now()
    rows = []
    for item in items:
        level = item.get("level", NotificationLevel.INFO)
        if level not in NotificationLevel.values:
            raise ServiceError(_("Unknown notification level."), field="level")
        rows.append(Notification(recipient=item["recipient"], title=str(item["title"])[:200],
                                 body=str(item.get("body", "")), url=item.get("url", ""), level=level,
                                 created_at=now))
    Notification.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
