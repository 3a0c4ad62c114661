"""Reads for the org app, all scoped by user; and the scope resolver the kernel uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.scoping import Scope, scope_for

from .choices import OrganisationKind, ScopeLevel
from .models import Department, Organisation, Region, Role, Skill, StaffProfile
from .workload import open_work


def region_subtree_ids(regions) -> set[int]:
    """Ids of the given regions and every region below them (one query)."""
    regions = list(regions)
    if not regions:
        return set()
    q = Q(pk__in=[])
    for r in regions:
        # A region saved without its path (created outside the services) is just itself: an empty
        # prefix would match the whole tree and open every region's rows.
        q |= Q(path__startswith=r.path) if r.path else Q(pk=r.pk)
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
        StaffProfile.objects.unscoped(reason="resolving the scope itself: restrict() depends on this answer").select_related("organisation")
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
        ids = set(Organisation.objects.unscoped(reason="resolving the scope itself: restrict() depends on this answer").filter(region_id__in=region_ids).values_list("pk", flat=True))
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


def regions_for_filters(*, user) -> QuerySet[Region]:
    """The regions a list filter offers this user: the whole tree for a network-wide scope, else
    the regions of the organisations in scope and everything below them, so a store's advisor
    picks among their own city's districts, not the whole country's (issue 8 item 7)."""
    scope = scope_for(user)
    if scope.everything:
        return Region.objects.all()
    regions = Region.objects.filter(organisations__in=scope.organisation_ids).distinct()
    return Region.objects.filter(pk__in=region_subtree_ids(regions))


def role_list(*, user) -> QuerySet[Role]:
    return Role.objects.all() if user.is_authenticated else Role.objects.none()


def skill_list(*, user) -> QuerySet[Skill]:
    return Skill.objects.all() if user.is_authenticated else Skill.objects.none()


def staff_for_user(user) -> StaffProfile | None:
    return getattr(user, "staff_profile", None) if user.is_authenticated else None


# --------------------------------------------------------------------------------------------
# Who: recipients and assignees (issue 6 item 5).  These answer a business question for a service
# or a job ("who gets this ticket", "whom do we escalate to"), not "what may this user list": they
# take organisations and regions, not a viewer.  A page that lists people still goes through
# staff_list(user=…).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A person who could take work, with their current open work (org.workload)."""

    staff: StaffProfile
    open_work: int


def _active_staff() -> QuerySet[StaffProfile]:
    return (StaffProfile.objects.unscoped(reason="who may take work: a business question for a service or job, not a list for a viewer")
            .filter(is_active=True, user__is_active=True, organisation__is_active=True)
            .select_related("user", "organisation", "department"))


def staff_with_role(role: Role | str, organisation: Organisation) -> QuerySet[StaffProfile]:
    """Active staff holding ``role`` (a Role or its code) in ``organisation``, by staff code."""
    role_filter = Q(roles=role) if isinstance(role, Role) else Q(roles__code=role)
    return _active_staff().filter(role_filter, organisation=organisation).distinct().order_by("employee_code")


def _ancestor_ids(region: Region) -> list[int]:
    """The region and every region above it, from its materialised path ("/1/4/17/")."""
    return [int(part) for part in region.path.strip("/").split("/") if part] or [region.pk]


def field_engineers_for(region: Region, skill: Skill | None = None) -> list[Candidate]:
    """Available field service engineers covering ``region`` — covering a sales region covers its
    provinces and cities — with ``skill`` if given, least loaded first (R-TKT-3 dispatch by skill
    and region).  Two queries plus one per registered workload counter."""
    qs = _active_staff().filter(roles__code="engineer", available=True,
                                regions_covered__in=_ancestor_ids(region))
    if skill is not None:
        qs = qs.filter(skills=skill)
    engineers = list(qs.distinct().prefetch_related("skills"))
    load = open_work(e.user_id for e in engineers)
    candidates = [Candidate(staff=e, open_work=load[e.user_id]) for e in engineers]
    return sorted(candidates, key=lambda c: (c.open_work, c.staff.employee_code))


def superior_chain(user) -> list[StaffProfile]:
    """Whom to escalate to, nearest first: the team lead, the department manager, then the manager
    of each department above (head of department), skipping the person themself, inactive people and
    repeats.  Two queries whatever the depth (R-CMP / R-TKT escalations)."""
    profile = (StaffProfile.objects.unscoped(reason="who may take work: a business question for a service or job, not a list for a viewer").select_related("team_lead__user", "department")
               .filter(user=user).first())
    if profile is None:
        return []
    departments = {d.pk: d for d in Department.objects.unscoped(reason="who may take work: a business question for a service or job, not a list for a viewer").filter(organisation_id=profile.organisation_id)
                   .select_related("manager__user")}
    chain: list[StaffProfile] = []

    def add(person):
        if (person is not None and person.pk != profile.pk and person.is_active and person.user.is_active
                and all(p.pk != person.pk for p in chain)):
            chain.append(person)

    add(profile.team_lead)
    seen: set[int] = set()
    department = departments.get(profile.department_id)
    while department is not None and department.pk not in seen:
        seen.add(department.pk)
        add(department.manager)
        department = departments.get(department.parent_id)
    return chain


WorkingTime = Callable[[Organisation, datetime], bool]


def on_duty(organisation: Organisation, at: datetime | None = None, *,
            working_time: WorkingTime | None = None) -> QuerySet[StaffProfile]:
    """Staff of ``organisation`` who can take work at ``at`` (default now): active and on the duty
    roster (``available``).  ``working_time(organisation, at)`` — e.g. the working calendar's
    "is this a working hour of that store" — narrows it further: outside working time nobody is on
    duty.  Without it, availability alone decides."""
    if working_time is not None and not working_time(organisation, at or timezone.now()):
        return StaffProfile.objects.none()
    return _active_staff().filter(organisation=organisation, available=True).order_by("employee_code")
