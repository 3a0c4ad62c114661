"""「我的工作」 for the parts clerk: parts without a supplier (issue 8 item 13)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.core.registry import WorkItem, capped_count, register_work_items

from .selectors import parts_without_supplier


@register_work_items
def parts_work_items(user) -> list[WorkItem]:
    if not user.has_perm("parts.change_part"):
        return []
    count = capped_count(parts_without_supplier(user=user))
    return [WorkItem("parts.without_supplier", _("Parts without a supplier"), count,
                     reverse("parts:part_list") + "?without_supplier=true&is_active=true", severity="warning",
                     hint=_("A failed part can only be traced to its maker when its supplier is recorded."))]
