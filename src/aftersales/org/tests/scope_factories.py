"""Factories the scope harness uses: one object of each scoped org model inside a given organisation."""

import itertools

from aftersales.org.choices import DepartmentKind
from aftersales.org.models import Department, Organisation, StaffProfile

_seq = itertools.count(1)


def department(org):
    return Department.objects.create(organisation=org, kind=DepartmentKind.WORKSHOP, name=f"车间{next(_seq)}")


def staff(org):
    from aftersales.org.testing import make_user

    return make_user(f"harness{next(_seq)}", org, []).staff_profile


FACTORIES = {
    Organisation: lambda org: org,
    Department: department,
    StaffProfile: staff,
}
