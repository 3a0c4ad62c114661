"""Writing and reading the audit trail. Services call ``record``; pages call ``timeline_for``."""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import uuid
from collections.abc import Iterable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from . import events
from .context import current_request_id
from .models import AuditEvent, PersonalDataAccess


def _repr(obj) -> str:
    """How a referenced row reads on a timeline: a person by their name (staff name, else full name),
    never the login; anything else as ``str()``."""
    from django.contrib.auth.base_user import AbstractBaseUser

    if isinstance(obj, AbstractBaseUser):
        from .timelines import actor_name

        return actor_name(obj)[:120]
    return str(obj)[:120]


def _plain(value):
    """JSON-safe, human-readable value for the changes column."""
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": _repr(value)}
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, models.TextChoices):
        return value.value
    return value


def snapshot(instance, fields: Iterable[str] | None = None) -> dict:
    """Current values of the concrete fields (FKs as {id, repr}) for diffing."""
    data = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in getattr(instance, "audit_exclude", ()) or f.primary_key:
            continue
        if f.is_relation:
            rid = getattr(instance, f.attname)
            data[f.name] = None if rid is None else {"id": rid, "repr": _repr(getattr(instance, f.name))}
        else:
            data[f.name] = _plain(getattr(instance, f.attname))
    return data


def diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


# Set only by data loaders (the demo seed, migrations of history): the moment the recorded change
# really happened, so a seeded customer's timeline shows 2024-05-03, not the seeding time.
_happened_at: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar("audit_happened_at",
                                                                                      default=None)


@contextlib.contextmanager
def happened_at(moment: datetime.datetime | datetime.date | None) -> Iterator[None]:
    """Date the events recorded inside the block at ``moment`` (a date means noon that day)."""
    from django.utils import timezone

    if isinstance(moment, datetime.date) and not isinstance(moment, datetime.datetime):
        moment = timezone.make_aware(datetime.datetime.combine(moment, datetime.time(12, 0)))
    token = _happened_at.set(moment)
    try:
        yield
    finally:
        _happened_at.reset(token)


def _event(*, actor, action: str, obj=None, changes: dict | None = None, note: str = "", **subjects) -> AuditEvent:
    values = {}
    if obj is not None and hasattr(obj, "audit_subjects"):
        values.update({k: v for k, v in obj.audit_subjects().items() if v is not None})
    values.update({k: v for k, v in subjects.items() if v is not None})
    moment = _happened_at.get()
    if moment is not None:
        values["at"] = moment
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        object_repr=str(obj)[:200] if obj is not None else "",
        changes={k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()},
        note=note,
        request_id=current_request_id(),
        **values,
    )


def record(*, actor, action: str, obj=None, changes: dict | None = None, note: str = "", **subjects) -> AuditEvent:
    """Write one audit event in the caller's transaction.

    ``subjects`` (organisation_id, customer_id, vehicle_id) default to what the object says it concerns.
    ``action`` must be declared in an app's ``events.py`` (``core.events``; enforced in tests).
    """
    events.check(action)
    event = _event(actor=actor, action=action, obj=obj, changes=changes, note=note, **subjects)
    event.save()
    return event


def record_many(*, actor, action: str, entries: Iterable[tuple]) -> int:
    """The same action on many objects — (object, changes) or (object, changes, note) — in one bulk
    INSERT, for jobs that write thousands of rows at once (the SLA job's e-mails, an import's
    updates); each event is what ``record`` would have written for its object."""
    events.check(action)
    rows = [_event(actor=actor, action=action, obj=entry[0], changes=entry[1],
                   note=entry[2] if len(entry) > 2 else "") for entry in entries]
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def log_personal_data_access(
    *, actor, action: str, reason: str, obj=None, customer_id=None, fields=(), row_count: int = 0, ip_address=None
) -> PersonalDataAccess:
    return PersonalDataAccess.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        object_repr=str(obj)[:200] if obj is not None else "",
        customer_id=customer_id,
        fields=list(fields),
        row_count=row_count,
        reason=reason,
        request_id=current_request_id(),
        ip_address=ip_address,
    )
