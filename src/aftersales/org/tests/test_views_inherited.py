"""Regions, organisations, departments and staff on the inherited test base (issue 6 item 10; R-CUS-8, R-SYS-2, R-SYS-5).

The field engineer (巡回服务工程师) covering 华北 is the out-of-scope user: rows made in dealer A's
region (北京, under 华北) are in scope, rows in dealer B's region (上海, under 华东) are 404."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model

from aftersales.core.testing.model_cases import ModelCase, ReferenceDataCase
from aftersales.org import services
from aftersales.org.choices import DepartmentKind, OrganisationKind, RegionKind
from aftersales.org.models import Department, Organisation, Region, Role, StaffProfile

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


class TestRegionCase(ReferenceDataCase):
    """The region tree is the same for everyone (no scope rule); administrators maintain it."""

    model = Region
    url_prefix = "org:region"
    api_url = "/api/org/regions/"
    edit_changes = {"name": "北京市（直辖市）"}

    def make(self, world, organisation):
        n = next(_seq)
        return services.region_create(actor=world.user("admin"), data={
            "code": f"TB-R{n}", "name": f"测试城市{n}号", "kind": RegionKind.CITY, "parent": world.north})

    def create_data(self, world):
        return {"code": "T-TJ", "name": "天津市", "kind": "city", "parent": world.north.pk}


class TestOrganisationCase(ModelCase):
    model = Organisation
    url_prefix = "org:organisation"
    api_url = "/api/org/organisations/"
    reader_role = "manager"
    out_of_scope_role = "engineer"
    edit_changes = {"name": "北京汇通4S店"}

    def make(self, world, organisation):
        """A new dealer in the same region as ``organisation``."""
        n = next(_seq)
        return Organisation.objects.create(code=f"TB{n:04d}", name=f"测试{n}号4S店", kind=OrganisationKind.DEALER,
                                           region=organisation.region)

    def create_data(self, world):
        return {"code": "NEW1", "name": "北京新店", "kind": "dealer", "region": world.dealer_a.region_id,
                "status": "active"}


class TestDepartmentCase(ModelCase):
    model = Department
    url_prefix = "org:department"
    api_url = "/api/org/departments/"
    reader_role = "manager"
    edit_changes = {"name": "前台接待部"}

    def make(self, world, organisation):
        n = next(_seq)
        return Department.objects.create(organisation=organisation, kind=DepartmentKind.FRONT_DESK,
                                         name=f"测试部门{n}号")

    def create_data(self, world):
        return {"organisation": world.dealer_a.pk, "kind": "workshop", "name": "机电车间"}


class TestStaffCase(ModelCase):
    model = StaffProfile
    url_prefix = "org:staff"
    api_url = "/api/org/staff/"
    reader_role = "manager"
    label_field = "display_name"
    edit_changes = {"display_name": "王建国"}

    def make(self, world, organisation):
        n = next(_seq)
        user = get_user_model().objects.create_user(username=f"staff{n}")
        profile = StaffProfile.objects.create(user=user, organisation=organisation, employee_code=f"E{n:04d}",
                                              display_name=f"测试员工{n}号")
        profile.roles.set([Role.objects.get(code="advisor")])
        return profile

    def create_data(self, world):
        return {"organisation": world.dealer_a.pk, "employee_code": "E9001", "display_name": "李服务",
                "username": "lifuwu", "roles": [Role.objects.get(code="advisor").pk]}

    def test_api_create_writes_the_row_and_an_audit_event(self, world, api_client):
        """Staff get a login with their profile, so they are created on the page only: the API refuses."""
        before = StaffProfile.objects.count()
        response = self.api_as(api_client, world, self.writer_role).post(
            self.api_url, {"organisation": world.dealer_a.pk, "employee_code": "E9002", "display_name": "赵"},
            format="json")
        assert response.status_code == 405
        assert StaffProfile.objects.count() == before
