"""Writes for the org app (DESIGN.md rule 1): typed, keyword-only, transactional, audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from aftersales.core import services as core_services
from aftersales.core.exceptions import ServiceError
from aftersales.core.scoping import invalidate_scopes

from .models import Department, Organisation, Region, Role, StaffProfile

User = get_user_model()


def _region_path(region: Region) -> str:
    return f"{region.parent.path if region.parent_id else '/'}{region.pk}/"


@transaction.atomic
def region_create(*, actor, data: dict, m2m: dict | None = None) -> Region:
    region = core_services.create_object(Region, actor=actor, data=data)
    Region.objects.filter(pk=region.pk).update(path=_region_path(region))
    region.refresh_from_db()
    return region


@transaction.atomic
def region_update(region: Region, *, actor, data: dict, m2m: dict | None = None, expected_version=None) -> Region:
    old_path = Region.objects.get(pk=region.pk).path
    region = core_services.update_object(region, actor=actor, data=data, expected_version=expected_version)
    new_path = _region_path(region)
    if new_path != old_path:
        # Re-root the whole subtree in one statement: new prefix + the rest of each path.
        Region.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField()))
        region.refresh_from_db()
        transaction.on_commit(invalidate_scopes)  # region staff may now cover other organisations
    return region


def organisation_create(*, actor, data: dict, m2m: dict | None = None) -> Organisation:
    org = core_services.create_object(Organisation, actor=actor, data=data)
    transaction.on_commit(invalidate_scopes)  # a new organisation in a region widens region scopes
    return org


def organisation_update(org: Organisation, *, actor, data: dict, m2m: dict | None = None, expected_version=None):
    org = core_services.update_object(org, actor=actor, data=data, expected_version=expected_version)
    transaction.on_commit(invalidate_scopes)
    return org


@transaction.atomic
def organisation_set_active(org: Organisation, *, actor, active: bool, reason: str = "") -> Organisation:
    """A deactivated organisation's staff lose their scope at once."""
    org = core_services.set_active(org, actor=actor, active=active, reason=reason)
    transaction.on_commit(invalidate_scopes)
    return org


def department_create(*, actor, data: dict, m2m: dict | None = None) -> Department:
    return core_services.create_object(Department, actor=actor, data=data)


def department_update(dept: Department, *, actor, data: dict, m2m: dict | None = None, expected_version=None):
    return core_services.update_object(dept, actor=actor, data=data, expected_version=expected_version)


def sync_role_groups(profile: StaffProfile) -> None:
    """A user's auth groups mirror their roles, so ``has_perm`` answers from the role."""
    user = profile.user
    role_groups = set(Role.objects.values_list("group_id", flat=True))
    keep = [g for g in user.groups.all() if g.pk not in role_groups]
    user.groups.set(keep + [r.group for r in profile.roles.all()])


@transaction.atomic
def staff_create(*, actor, data: dict, m2m: dict | None = None, username: str | None = None,
                 password: str | None = None) -> StaffProfile:
    """Create the login and the staff profile together; an existing username is refused."""
    data = dict(data)
    user = data.pop("user", None)
    if user is None:
        username = (username or data.get("employee_code", "")).strip()
        if not username:
            raise ServiceError(_("A username is required."), field="username", code="required")
        if User.objects.filter(username=username).exists():
            raise ServiceError(_("This username is already taken."), field="username", code="duplicate")
        user = User(username=username, first_name=data.get("display_name", "")[:150], email=data.get("email", ""))
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    profile = core_services.create_object(StaffProfile, actor=actor, data={**data, "user": user}, m2m=m2m)
    sync_role_groups(profile)
    transaction.on_commit(invalidate_scopes)
    return profile


@transaction.atomic
def staff_update(profile: StaffProfile, *, actor, data: dict, m2m: dict | None = None, expected_version=None):
    profile = core_services.update_object(profile, actor=actor, data=data, m2m=m2m, expected_version=expected_version)
    sync_role_groups(profile)
    transaction.on_commit(invalidate_scopes)
    if "is_active" in data and profile.user.is_active != profile.is_active:
        profile.user.is_active = profile.is_active
        profile.user.save(update_fields=["is_active"])
    return profile


@transaction.atomic
def staff_set_active(profile: StaffProfile, *, actor, active: bool, reason: str = "") -> StaffProfile:
    """Deactivating staff also blocks their login; history and assignments stay."""
    profile = core_services.set_active(profile, actor=actor, active=active, reason=reason)
    transaction.on_commit(invalidate_scopes)
    if profile.user.is_active != active:
        profile.user.is_active = active
        profile.user.save(update_fields=["is_active"])
    return profile
