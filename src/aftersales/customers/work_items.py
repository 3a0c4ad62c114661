"""「我的工作」: incomplete customer archives (R-CUS-3), vehicles due for 首保 and vehicles without key-part
lots (issue 8 item 13), each counted in the user's scope."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.core.registry import WorkItem, capped_count, register_work_items

from .selectors import incomplete_archive_counts, service_due, vehicles_without_key_parts


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


@register_work_items
def vehicle_work_items(user) -> list[WorkItem]:
    """What a workshop, a store or quality can act on in the vehicle archive today."""
    items = []
    url = reverse("customers:vehicle_list")
    # Service reminders are for the people who serve customers (stores, workshop, call centre).
    if user.has_perm("customers.view_vehicle") and user.has_perm("customers.view_customer"):
        items.append(WorkItem(
            "customers.first_service_due", _("First free service (首保) due within 30 days"),
            capped_count(service_due(user=user, first=True)), f"{url}?first_service_due=true",
            hint=_("Remind the owners and plan the workshop's capacity.")))
        items.append(WorkItem(
            "customers.service_due", _("Scheduled service (定保) due within 30 days"),
            capped_count(service_due(user=user, first=False)), f"{url}?service_due=true"))
    if user.has_perm("customers.view_keypartlot") and user.has_perm("parts.change_monitoredpartcategory"):
        items.append(WorkItem(
            "customers.without_key_parts", _("Sold vehicles with key-part lots missing"),
            capped_count(vehicles_without_key_parts(user=user)), f"{url}?without_key_parts=true",
            severity="warning",
            hint=_("A failure on these cannot be traced to a supplier's batch: record their lots.")))
    return items


@register_work_items
def oversight_work_items(user) -> list[WorkItem]:
    """Managers do not complete archives themselves, but they see which stores lag (R-CUS-3)."""
    if user.has_perm("customers.change_customer") or not user.has_perm("customers.view_customer"):
        return []
    if not user.has_perm("customers.approve_customer_export"):
        return []
    _total, late = incomplete_archive_counts(user=user)
    return [WorkItem("customers.archives_late_oversight", _("Archives overdue at the stores (over 2 working days)"), late,
                     reverse("customers:customer_list") + "?archive=late", severity="warning",
                     hint=_("Follow up with the stores whose archives are late."))]
