"""Reads for the org app, all scoped by user; and the scope resolver the kernel uses."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.core.scoping import Scope

from .choices import OrganisationKind, ScopeLevel
from .models import Department, Organisation, Region, Role, Skill, StaffProfile


def region_subtree_ids(regions) -> set[int]:
    """Ids of the given regions and every region below them (one query)."""
    regions = list(regions)
    if not regions:
        return set()
    q = Q(pk__in=[])
    for r in regions:
        q |= Q(path__startswith=r.path)
    return set(Region.objects.filter(q).values_list("pk", flat=True))


def resolve_scope(user) -> Scope:
    """Head office sees everything; region roles see their regions' organisations; everyone at a
    dealer or service station sees their own organisation only (whatever their role).

    One query for everyone (profile, organisation and role levels together); region staff pay one
    or two more for their regions.  Every scoped request runs this, so it is kept that cheap.
    """
    if user.is_superuser:
        return Scope(everything=True, label=str(_("All organisations")))
    levels = Role.objects.filter(staff=OuterRef("pk"))
    profile = (
        StaffProfile.objects.select_related("organisation")
        .filter(user=user, is_active=True)
        .annotate(
            sees_all=Exists(levels.filter(scope_level=ScopeLevel.ALL)),
            sees_regions=Exists(levels.filter(scope_level=ScopeLevel.REGION)),
        )
        .first()
    )
    if profile is None or not profile.organisation.is_active:
        return Scope.nothing()
    org = profile.organisation
    if org.kind != OrganisationKind.HEAD_OFFICE:
        return Scope(organisation_ids=frozenset({org.pk}), label=str(org))
    if profile.sees_all:
        return Scope(everything=True, label=str(_("All organisations")))
    if profile.sees_regions:
        covered = list(profile.regions_covered.all())
        region_ids = region_subtree_ids(covered)
        ids = set(Organisation.objects.filter(region_id__in=region_ids).values_list("pk", flat=True))
        ids.add(org.pk)
        return Scope(organisation_ids=frozenset(ids), label=", ".join(str(r) for r in covered) or str(org))
    return Scope(organisation_ids=frozenset({org.pk}), label=str(org))


def organisation_list(*, user) -> QuerySet[Organisation]:
    return Organisation.objects.restrict(user).select_related("region", "group")


def department_list(*, user) -> QuerySet[Department]:
    return Department.objects.restrict(user).select_related("organisation", "manager")


def staff_list(*, user) -> QuerySet[StaffProfile]:
    return (StaffProfile.objects.restrict(user)
            .select_related("user", "organisation", "department")
            .prefetch_related("roles", "regions_covered", "skills"))


def region_list(*, user) -> QuerySet[Region]:
    """Regions are reference data: every signed-in user may read the tree."""
    if not user.is_authenticated:
        return Region.objects.none()
    return Region.objects.select_related("parent").annotate(organisation_count=Count("organisations"))


def role_list(*, user) -> QuerySet[Role]:
    return Role.objects.all() if user.is_authenticated else Role.objects.none()


def skill_list(*, user) -> QuerySet[Skill]:
    return Skill.objects.all() if user.is_authenticated else Skill.objects.none()


def staff_for_user(user) -> StaffProfile | None:
    return getattr(user, "staff_profile", None) if user.is_authenticated else None
