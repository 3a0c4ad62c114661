"""Reads for the parts app.  Suppliers, parts and the key-part list are network-wide reference data
(not organisation-scoped): every signed-in user gets the rows, model permissions decide who may look."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import MonitoredPartCategory, Part, Supplier


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def supplier_list(*, user) -> QuerySet[Supplier]:
    if not _signed_in(user):
        return Supplier.objects.none()
    return Supplier.objects.annotate(part_count=Count("parts"))


def part_list(*, user) -> QuerySet[Part]:
    if not _signed_in(user):
        return Part.objects.none()
    return Part.objects.select_related("supplier")


def monitored_category_list(*, user) -> QuerySet[MonitoredPartCategory]:
    """Every configured key-part category, monitored or not (for the configuration API)."""
    if not _signed_in(user):
        return MonitoredPartCategory.objects.none()
    return MonitoredPartCategory.objects.all()


def monitored_categories() -> QuerySet[MonitoredPartCategory]:
    """The key-part categories currently monitored (R-QLT-2), in display order.  Higher apps use it:
    vehicles record a production lot per monitored category; early warning counts per category."""
    return MonitoredPartCategory.objects.filter(is_monitored=True).order_by("order", "category")


def monitored_category_codes() -> list[str]:
    return list(monitored_categories().values_list("category", flat=True))


def is_monitored_category(category: str) -> bool:
    return monitored_categories().filter(category=category).exists()


def parts_without_supplier(*, user) -> QuerySet[Part]:
    """Active parts nobody can be asked about when they fail (「我的工作」 for the parts clerk)."""
    return part_list(user=user).filter(is_active=True, supplier__isnull=True)
