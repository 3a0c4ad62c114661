"""Who gets the work: staff by role, field engineers by region / skill / load, the escalation chain,
on-duty staff (issue 6 item 5; R-TKT-3 dispatch by region, skill and load; R-CMP-2 escalate to the
superior)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from aftersales.org import selectors
from aftersales.org.choices import DepartmentKind, RegionKind
from aftersales.org.models import Department, Region, Skill, StaffProfile
from aftersales.org.testing import make_user
from aftersales.org.workload import register_open_work_counter, unregister_open_work_counter

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def profile(user) -> StaffProfile:
    return StaffProfile.objects.get(user=user)


@pytest.fixture
def city(world):
    province = Region.objects.create(code="T-HB", name="河北", kind=RegionKind.PROVINCE, parent=world.north)
    province.path = f"{world.north.path}{province.pk}/"
    province.save(update_fields=["path"])
    city = Region.objects.create(code="T-SJZ", name="石家庄市", kind=RegionKind.CITY, parent=province)
    city.path = f"{province.path}{city.pk}/"
    city.save(update_fields=["path"])
    return city


@pytest.fixture
def motor(db):
    return Skill.objects.create(code="T-MOTOR", name="电机维修")


@pytest.fixture
def load_counter():
    counts: dict[int, int] = {}
    register_open_work_counter("test.open", lambda user_ids: {uid: counts[uid] for uid in user_ids if uid in counts})
    yield counts
    unregister_open_work_counter("test.open")


def test_staff_with_role_only_the_active_holders_in_that_organisation(world):
    make_user("advisor2", world.dealer_a, ["advisor"])
    left = make_user("advisor3", world.dealer_a, ["advisor"])
    StaffProfile.objects.filter(user=left).update(is_active=False)
    other_store = make_user("advisor_b", world.dealer_b, ["advisor"])
    names = [p.user.username for p in selectors.staff_with_role("advisor", world.dealer_a)]
    assert sorted(names) == ["advisor", "advisor2"]
    assert [p.user for p in selectors.staff_with_role("advisor", world.dealer_b)] == [other_store]
    assert not selectors.staff_with_role("quality", world.dealer_a).exists()


def test_engineers_covering_a_sales_region_serve_its_cities_with_the_skill_least_loaded_first(
        world, city, motor, load_counter, django_assert_max_num_queries):
    north = world.user("engineer")  # covers 华北大区, the city's sales region
    busy = make_user("eng_busy", world.hq, ["engineer"], regions=[city])
    east = make_user("eng_east", world.hq, ["engineer"], regions=[world.east])
    unskilled = make_user("eng_plain", world.hq, ["engineer"], regions=[world.north])
    away = make_user("eng_leave", world.hq, ["engineer"], regions=[world.north])
    for user in (north, busy, east, away):
        profile(user).skills.add(motor)
    StaffProfile.objects.filter(user=away).update(available=False)
    load_counter.update({busy.pk: 1, north.pk: 3})

    with django_assert_max_num_queries(3):
        found = selectors.field_engineers_for(city, motor)
    assert [(c.staff.user.username, c.open_work) for c in found] == [("eng_busy", 1), ("engineer", 3)]
    assert east.username not in {c.staff.user.username for c in found}
    assert {c.staff.user for c in selectors.field_engineers_for(city)} == {north, busy, unskilled}
    assert [c.staff.user for c in selectors.field_engineers_for(world.east, motor)] == [east]


def test_without_a_workload_counter_everyone_has_no_open_work(world):
    assert [c.open_work for c in selectors.field_engineers_for(world.north)] == [0]


def test_superior_chain_team_lead_then_department_manager_then_head_of_department(world):
    hq = world.hq
    head_dept = Department.objects.create(organisation=hq, kind=DepartmentKind.MANAGEMENT, name="售后服务总部",
                                          manager=profile(world.user("manager")))
    service = Department.objects.create(organisation=hq, kind=DepartmentKind.CUSTOMER_SERVICE, name="客服部",
                                        parent=head_dept)
    lead = make_user("lead", hq, ["agent"])
    dept_manager = make_user("cs_manager", hq, ["manager"])
    Department.objects.filter(pk=service.pk).update(manager=profile(dept_manager))
    agent = profile(world.user("agent"))
    agent.department, agent.team_lead = service, profile(lead)
    agent.save()
    chain = selectors.superior_chain(world.user("agent"))
    assert [p.user.username for p in chain] == ["lead", "cs_manager", "manager"]
    # The department manager's own chain skips themself and goes to the head.
    StaffProfile.objects.filter(user=dept_manager).update(department=service)
    assert [p.user.username for p in selectors.superior_chain(dept_manager)] == ["manager"]
    # Someone who left is skipped; the next one up is asked instead.
    StaffProfile.objects.filter(user=dept_manager).update(is_active=False)
    assert [p.user.username for p in selectors.superior_chain(world.user("agent"))] == ["lead", "manager"]
    assert selectors.superior_chain(world.user("manager")) == []


def test_reporting_lines_are_validated(world):
    a = Department.objects.create(organisation=world.dealer_a, kind=DepartmentKind.WORKSHOP, name="维修车间")
    b = Department.objects.create(organisation=world.dealer_a, kind=DepartmentKind.FRONT_DESK, name="前台接待",
                                  parent=a)
    a.parent = b
    with pytest.raises(ValidationError, match="不能以自身或其下级部门为上级部门"):
        a.full_clean()
    other = Department.objects.create(organisation=world.dealer_b, kind=DepartmentKind.WORKSHOP, name="车间")
    b.parent = other
    with pytest.raises(ValidationError, match="上级部门必须属于同一组织"):
        b.full_clean()
    technician = profile(world.user("technician"))
    technician.team_lead = technician
    with pytest.raises(ValidationError, match="员工不能是自己的班组长"):
        technician.full_clean()
    technician.team_lead = profile(world.user("dealer_b"))
    with pytest.raises(ValidationError, match="班组长必须是本组织的员工"):
        technician.full_clean()


def test_on_duty_is_available_staff_and_honours_a_working_time_predicate(world):
    StaffProfile.objects.filter(user=world.user("technician")).update(available=False)
    at = datetime(2026, 12, 2, 10, 0, tzinfo=SH)
    on_duty = {p.user.username for p in selectors.on_duty(world.dealer_a, at)}
    assert "advisor" in on_duty and "technician" not in on_duty and "dealer_b" not in on_duty
    asked = []

    def closed_at_night(organisation, when):
        asked.append((organisation, when))
        return 8 <= when.astimezone(SH).hour < 18

    assert selectors.on_duty(world.dealer_a, at, working_time=closed_at_night).exists()
    assert not selectors.on_duty(world.dealer_a, at.replace(hour=22), working_time=closed_at_night).exists()
    assert asked[0] == (world.dealer_a, at)


def test_demo_seed_gives_every_demo_user_a_chain_to_escalate_to(db):
    from django.contrib.auth import get_user_model

    from aftersales.org.seed import seed_org

    seed_org()
    seed_org()  # idempotent: the second run changes no reporting line
    users = {u.username: u for u in get_user_model().objects.all()}

    def chain(username):
        return [p.user.username for p in selectors.superior_chain(users[username])]

    assert chain("agent") == ["manager"]
    assert chain("engineer-east") == ["engineer", "manager"]
    assert chain("d1001-technician1") == ["technician", "advisor"]
    assert chain("technician") == ["advisor"]
    assert chain("manager") == []
    beijing = Region.objects.get(code="BJ01")
    assert [c.staff.user.username for c in selectors.field_engineers_for(beijing)] == ["engineer", "engineer-north"]
