"""「我的工作」: incomplete customer archives in the user's scope (R-CUS-3)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.core.registry import WorkItem, register_work_items

from .selectors import incomplete_archive_counts


@register_work_items
def incomplete_archive_items(user) -> list[WorkItem]:
    if not user.has_perm("customers.change_customer"):
        return []
    total, late = incomplete_archive_counts(user=user)
    url = reverse("customers:incomplete_list")
    items = []
    if late:
        items.append(WorkItem("customers.archives_late", _("Archives overdue (over 2 working days)"), late,
                              f"{url}?late=1", severity="danger",
                              hint=_("Complete these archives: the first visit was more than 2 working days ago.")))
    if total - late:
        items.append(WorkItem("customers.archives_incomplete", _("Archives to complete"), total - late, url,
                              severity="warning"))
    return items
