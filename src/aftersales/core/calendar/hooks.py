"""Registrations of the working calendar: the SLA job and administrators' work items ("我的工作")."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..registry import PeriodicJob, WorkItem, register_periodic, register_work_items

MANAGE_PERMISSION = "core.change_calendarday"

register_periodic(PeriodicJob(
    name="core.sla_escalate", task_path="aftersales.core.tasks.sla_escalate", every=timedelta(minutes=1),
    description="Fire the escalation levels of SLA clocks that have fallen due."))


def next_year_missing(today=None) -> int | None:
    """From 1 December, next year's number while its national schedule has not been entered."""
    from .models import CalendarYear

    today = today or timezone.localdate()
    if today.month != 12:
        return None
    year = today.year + 1
    return None if CalendarYear.objects.filter(year=year).exists() else year


@register_work_items
def calendar_work_items(user) -> list[WorkItem]:
    if not user.has_perm(MANAGE_PERMISSION):
        return []
    from .clocks import blocked_clock_count

    items = []
    year = next_year_missing()
    url = reverse("core:calendar_list")
    if year:
        items.append(WorkItem("core.calendar_next_year_missing",
                              _("The %(year)s working calendar is missing") % {"year": year}, 1, url,
                              severity="danger",
                              hint=_("Enter or import the State Council holiday schedule for %(year)s before "
                                     "SLA clocks reach the new year.") % {"year": year}))
    blocked = blocked_clock_count()
    if blocked:
        items.append(WorkItem("core.sla_clocks_blocked", _("SLA clocks stopped: calendar year missing"), blocked,
                              url, severity="danger",
                              hint=_("These clocks reached a year the working calendar does not have; "
                                     "they run again once it is entered.")))
    return items
