"""The 2-day archive rule counts working days of the owning dealer's calendar (R-CUS-3, issue 6
item 2). Expected values from the 2025 National Day schedule (10-01…10-08 off, 09-28 make-up)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.core.calendar.models import OrganisationCalendar, WorkingCalendar
from aftersales.customers.models import Customer
from aftersales.customers.selectors import archive_late_q

pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def late_names(now: str) -> set[str]:
    return set(Customer.objects.filter(archive_late_q(now=at(now))).values_list("name", flat=True))


def test_head_office_calendar_skips_national_day_store_calendar_does_not(make_customer, dealer_a, dealer_b):
    OrganisationCalendar.objects.create(organisation_id=dealer_a.pk,
                                        calendar=WorkingCalendar.objects.get(code="head-office"))
    make_customer(dealer_a, name="办公日历九月三十", phone="13700000011", first_visit_at=at("2025-09-30 15:00"))
    make_customer(dealer_a, name="办公日历九月二十六", phone="13700000012", first_visit_at=at("2025-09-26 15:00"))
    make_customer(dealer_b, name="门店日历九月三十", phone="13700000013", first_visit_at=at("2025-09-30 15:00"))
    # On 10-09 a head-office dealer has had no working day since 09-30 (not late), but 09-28 (make-up
    # Sunday), 09-29 and 09-30 after 09-26 (late); dealer_b uses the default store calendar, open
    # through National Day: 10-01 and 10-02 have passed (late).
    assert late_names("2025-10-09 10:00") == {"办公日历九月二十六", "门店日历九月三十"}
    # 10-10: 10-09 was one working day after 09-30 — still one short.
    assert "办公日历九月三十" not in late_names("2025-10-10 10:00")
    assert "办公日历九月三十" in late_names("2025-10-11 10:00")
