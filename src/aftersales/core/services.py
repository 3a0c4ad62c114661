"""Generic write services every app builds on (DESIGN.md rule 1).

Domain services call these so that validation, optimistic locking and the audit row happen the same
way everywhere.  All of them run inside the caller's transaction (they open one if there is none).
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .exceptions import ServiceError, StaleVersionError
from .models import AccessGrant
from .scoping import changed_references, check_references, foreign_references

M = TypeVar("M", bound=models.Model)


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


@transaction.atomic
def create_object[M: models.Model](model: type[M], *, actor, data: dict, m2m: dict | None = None, action: str | None = None,
                  note: str = "") -> M:
    # Every reference the user sets is checked against their scope here, whatever the door.
    check_references(actor, **foreign_references(model, {**data, **(m2m or {})}))
    instance = model(**data)
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    after = audit.snapshot(instance)
    changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}
    for name, values in (m2m or {}).items():
        changes[name] = [None, sorted(str(v) for v in values)]
    audit.record(actor=actor, action=action or f"{_label(model)}.created", obj=instance, changes=changes, note=note)
    return instance


@transaction.atomic
def update_object[M: models.Model](instance: M, *, actor, data: dict, m2m: dict | None = None, expected_version: int | None = None,
                  action: str | None = None, note: str = "") -> M:
    """Apply ``data`` to ``instance``; refuse with 409 when ``expected_version`` is stale."""
    model = type(instance)
    current = model._base_manager.select_for_update().get(pk=instance.pk)
    has_version = hasattr(current, "version")
    if expected_version is not None and has_version and current.version != expected_version:
        raise StaleVersionError()
    # Only what the edit changes is checked: an existing reference outside the scope (a vehicle
    # sold by another dealer) does not stop the servicing dealer editing the rest.
    added_m2m = {}
    for name, values in (m2m or {}).items():
        before_pks = set(getattr(current, name).values_list("pk", flat=True))
        added_m2m[name] = [v for v in values if getattr(v, "pk", v) not in before_pks]
    check_references(actor, **changed_references(current, data), **added_m2m)
    before = audit.snapshot(current)
    before_m2m = {name: sorted(str(v) for v in getattr(current, name).all()) for name in (m2m or {})}
    for key, value in data.items():
        setattr(current, key, value)
    current.full_clean()
    after = audit.snapshot(current)
    changes = audit.diff(before, after)
    for name, values in (m2m or {}).items():
        new = sorted(str(v) for v in values)
        if new != before_m2m[name]:
            changes[name] = [before_m2m[name], new]
    if not changes:
        return current
    if has_version:
        current.version = F("version") + 1
    current.save()
    for name, values in (m2m or {}).items():
        getattr(current, name).set(values)
    current.refresh_from_db()
    audit.record(actor=actor, action=action or f"{_label(model)}.updated", obj=current, changes=changes, note=note)
    instance.__dict__.update(current.__dict__)
    return current


@transaction.atomic
def set_active[M: models.Model](instance: M, *, actor, active: bool, reason: str = "") -> M:
    """Deactivate instead of delete: history and references stay intact."""
    if getattr(instance, "is_active", None) is active:
        return instance
    return update_object(
        instance, actor=actor, data={"is_active": active},
        action=f"{_label(type(instance))}.{'activated' if active else 'deactivated'}", note=reason,
    )


@transaction.atomic
def grant_access(*, actor, organisation_id: int, obj, reason: str, expires_at=None) -> AccessGrant:
    """Open ``obj`` to one organisation (e.g. a dealer receiving a car it did not sell); audited."""
    if not reason.strip():
        raise ServiceError(_("A reason is required."), field="reason", code="required")
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    existing = AccessGrant.objects.active().filter(content_type=ct, object_id=obj.pk, organisation_id=organisation_id).first()
    if existing:
        return existing
    # An expired grant still holds the "one unrevoked grant" constraint: close it, so the object can
    # be granted again (else the new grant failed on the constraint and answered 500).
    AccessGrant.objects.filter(content_type=ct, object_id=obj.pk, organisation_id=organisation_id,
                               revoked_at__isnull=True, expires_at__lte=timezone.now()).update(revoked_at=timezone.now())
    try:
        with transaction.atomic():
            grant = AccessGrant.objects.create(
                organisation_id=organisation_id, content_type=ct, object_id=obj.pk, reason=reason,
                granted_by=actor if getattr(actor, "pk", None) else None, expires_at=expires_at,
            )
    except IntegrityError:  # a concurrent request granted it first
        return AccessGrant.objects.active().get(content_type=ct, object_id=obj.pk, organisation_id=organisation_id)
    audit.record(actor=actor, action="core.access.granted", obj=obj, note=reason,
                 changes={"granted_to": [None, organisation_id]})
    return grant


@transaction.atomic
def revoke_access(*, actor, grant: AccessGrant, reason: str) -> AccessGrant:
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    target = grant.content_type.get_object_for_this_type(pk=grant.object_id)
    audit.record(actor=actor, action="core.access.revoked", obj=target, note=reason,
                 changes={"granted_to": [grant.organisation_id, None]})
    return grant
