"""Shared pytest fixtures: a small organisation world with one user per role (Zulip-style helpers).

World: head office (HQ), two sales regions NORTH and EAST, dealer A in NORTH, dealer B in EAST.
Users: every role at its natural home — HQ roles at HQ, the field engineer at HQ covering NORTH,
dealer roles at dealer A — plus ``dealer_b`` (dealer role at dealer B).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model

HQ_ROLES = {"admin", "manager", "agent", "parts", "quality", "engineer"}


@dataclass
class World:
    hq: object
    north: object
    east: object
    dealer_a: object
    dealer_b: object
    users: dict = field(default_factory=dict)

    def user(self, role: str):
        return self.users[role]


TEST_PASSWORD = "pw-Test-123"  # noqa: S105  (test users only)


def make_user(username: str, organisation, roles: list[str], *, regions=(), password: str = TEST_PASSWORD):
    from aftersales.org.models import Role, StaffProfile
    from aftersales.org.services import sync_role_groups

    User = get_user_model()
    user = User.objects.create_user(username=username, password=password, first_name=username)
    profile = StaffProfile.objects.create(user=user, organisation=organisation, employee_code=f"T-{username}",
                                          display_name=username)
    profile.roles.set(Role.objects.filter(code__in=roles))
    if regions:
        profile.regions_covered.set(regions)
    sync_role_groups(profile)
    return User.objects.get(pk=user.pk)  # fresh: no cached perms or scope


def build_world() -> World:
    from aftersales.org.choices import OrganisationKind, RegionKind
    from aftersales.org.models import Organisation, Region

    def region(code, name, kind, parent=None):
        r = Region.objects.create(code=code, name=name, kind=kind, parent=parent)
        r.path = f"{parent.path if parent else '/'}{r.pk}/"
        r.save(update_fields=["path"])
        return r

    cn = region("T-CN", "中国", RegionKind.COUNTRY)
    north = region("T-N", "华北大区", RegionKind.REGION, cn)
    east = region("T-E", "华东大区", RegionKind.REGION, cn)
    bj = region("T-BJ", "北京市", RegionKind.CITY, north)
    sh = region("T-SH", "上海市", RegionKind.CITY, east)
    hq = Organisation.objects.create(code="T-HQ", name="总部", kind=OrganisationKind.HEAD_OFFICE, region=cn)
    a = Organisation.objects.create(code="T-A", name="北京甲4S店", kind=OrganisationKind.DEALER, region=bj)
    b = Organisation.objects.create(code="T-B", name="上海乙4S店", kind=OrganisationKind.DEALER, region=sh)
    world = World(hq=hq, north=north, east=east, dealer_a=a, dealer_b=b)
    from aftersales.org.roles import ROLE_CODES

    for role in ROLE_CODES:
        if role in HQ_ROLES:
            regions = [north] if role == "engineer" else []
            world.users[role] = make_user(role, hq, [role], regions=regions)
        else:
            world.users[role] = make_user(role, a, [role])
    world.users["dealer_b"] = make_user("dealer_b", b, ["dealer"])
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Scopes are cached; each test starts without another test's entries."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
