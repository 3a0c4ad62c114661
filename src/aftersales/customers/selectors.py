"""Reads for the customer archive, all scoped by ``.restrict(user)`` (DESIGN.md rule 2)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from aftersales.core.calendar.selectors import working_days_overdue_q
from aftersales.core.models import AuditEvent

from .models import (
    Customer,
    CustomerAddress,
    CustomerDocument,
    MileageReading,
    Vehicle,
    VehicleModel,
    VehicleOwnership,
)
from .services import ARCHIVE_WORKING_DAYS
from .warranty import add_months

#: How far ahead 「我的工作」 looks for a 首保 / 定保 falling due, and for how many years 定保 recur.
SERVICE_LOOKAHEAD = timedelta(days=30)
SERVICE_YEARS = 10

# Audit actions and fields that make up a customer's change history (R-CUS-1).
HISTORY_FIELDS = ("primary_phone", "person_in_charge", "owning_dealer", "region", "name", "kind", "address",
                  "number", "detail", "province", "city", "district")
HISTORY_ACTIONS = ("customers.customer.updated", "customers.customer.primary_phone_changed",
                   "customers.phone.added", "customers.phone.removed", "customers.address.added",
                   "customers.address.updated")


def customer_list(*, user) -> QuerySet[Customer]:
    return Customer.objects.restrict(user).select_related("owning_dealer", "region")


def _vehicle_prefetches(prefix: str = "") -> list:
    return [
        Prefetch(f"{prefix}mileage_readings", queryset=MileageReading.objects.order_by("read_on", "id")),
        f"{prefix}vehicle_model__warranty_policy__part_terms",
    ]


def _vehicles_qs() -> QuerySet[Vehicle]:
    return (Vehicle.objects.unscoped(reason="prefetched under customers restricted to the user")
            .select_related("vehicle_model__warranty_policy", "vehicle_model__maintenance_plan",
                                           "selling_dealer", "servicing_dealer")
            .prefetch_related(*_vehicle_prefetches()))


def customer_detail_360(*, user, pk: int) -> Customer:
    """The customer with everything the 360 page shows, in a fixed number of queries."""
    qs = customer_list(user=user).select_related("responsible").prefetch_related(
        "phones", "addresses",
        Prefetch("vehicles", queryset=_vehicles_qs()),
        Prefetch("documents", queryset=CustomerDocument.objects.select_related("vehicle")),
        Prefetch("ownerships", queryset=VehicleOwnership.objects.select_related("vehicle")),
    )
    return get_object_or_404(qs, pk=pk)


def customer_change_history(customer_id: int) -> QuerySet[AuditEvent]:
    """Changes of address, phone, person in charge, owning dealer… (who, when, old → new); the
    caller slices it after ``core.timelines.change_log`` drops what the user may not see."""
    return (AuditEvent.objects.unscoped(reason="the history of a customer the caller fetched through the user's "
                                               "scope; change_log() narrows it by visible_events()")
            .filter(customer_id=customer_id, action__in=HISTORY_ACTIONS)
            .select_related("actor", "actor__staff_profile", "content_type"))


def contact_consents(customer_id: int) -> list:
    from django.apps import apps

    try:
        model = apps.get_model("notifications", "ContactConsent")
    except LookupError:
        return []
    latest: dict = {}
    for c in model.objects.filter(customer_id=customer_id).order_by("-recorded_at", "-id"):
        latest.setdefault((c.contact, c.channel, c.purpose), c)
    return list(latest.values())


def vehicle_list(*, user) -> QuerySet[Vehicle]:
    return Vehicle.objects.restrict(user).select_related("vehicle_model", "owner", "selling_dealer",
                                                         "servicing_dealer")


def vehicle_detail(*, user) -> QuerySet[Vehicle]:
    return (vehicle_list(user=user)
            .select_related("vehicle_model__warranty_policy", "vehicle_model__maintenance_plan")
            .prefetch_related(*_vehicle_prefetches(),
                              Prefetch("ownerships", queryset=VehicleOwnership.objects.select_related("customer")),
                              Prefetch("key_parts", queryset=_key_parts_qs())))


def _key_parts_qs():
    from .models import KeyPartLot

    return (KeyPartLot.objects.unscoped(reason="prefetched under vehicles restricted to the user")
            .select_related("supplier", "part").order_by("category"))


def vehicle_model_list(*, user) -> QuerySet[VehicleModel]:
    """Vehicle models are brand reference data: every signed-in user may read them."""
    if not user.is_authenticated:
        return VehicleModel.objects.none()
    return (VehicleModel.objects.select_related("warranty_policy", "maintenance_plan")
            .prefetch_related("warranty_policy__part_terms").annotate(vehicle_count=Count("vehicles")))


def document_list(*, user) -> QuerySet[CustomerDocument]:
    return (CustomerDocument.objects.restrict(user).select_related("customer", "vehicle", "organisation")
            .prefetch_related("attachments"))


def document_search(qs: QuerySet[CustomerDocument], q: str) -> QuerySet[CustomerDocument]:
    q = (q or "").strip()
    if not q:
        return qs
    return qs.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(content_text__icontains=q)
                     | Q(customer__name__icontains=q))


def document_summary(qs: QuerySet[CustomerDocument]) -> dict:
    """Counts by kind and by month (R-CUS-6 "countable and analysable"), as SQL aggregates."""
    by_kind = list(qs.order_by().values("kind").annotate(count=Count("id")).order_by("-count"))
    by_month = list(qs.filter(document_date__isnull=False).order_by()
                    .annotate(month=TruncMonth("document_date")).values("month", "kind")
                    .annotate(count=Count("id")).order_by("-month", "kind")[:120])
    return {"by_kind": by_kind, "by_month": by_month, "total": sum(r["count"] for r in by_kind)}


def archive_late_q(*, now=None) -> Q:
    """First visit more than ``ARCHIVE_WORKING_DAYS`` working days ago on the owning dealer's calendar
    (R-CUS-3; one cutoff per calendar in use, see ``core.calendar.selectors``)."""
    return working_days_overdue_q(organisation_field="owning_dealer_id", time_field="first_visit_at",
                                  days=ARCHIVE_WORKING_DAYS, now=now)


def incomplete_archives(*, user) -> QuerySet[Customer]:
    """Archives not yet complete (R-CUS-3), with ``is_late`` when the first visit is over 2 working days ago."""
    late = archive_late_q()
    return (customer_list(user=user)
            .filter(is_active=True, archive_completed_at__isnull=True)
            .annotate(has_address=Exists(CustomerAddress.objects.filter(customer=OuterRef("pk"))),
                      has_vehicle=Exists(Vehicle.objects.filter(owner=OuterRef("pk"))),
                      is_late=late)
            .order_by("first_visit_at", "id"))


def incomplete_archive_counts(*, user) -> tuple[int, int]:
    """(incomplete, late) for the work item; two COUNTs."""
    qs = customer_list(user=user).filter(is_active=True, archive_completed_at__isnull=True)
    agg = qs.aggregate(total=Count("id"), late=Count("id", filter=archive_late_q()))
    return agg["total"], agg["late"]




def service_due_q(today: date | None = None, *, first: bool = True) -> Q:
    """Vehicles whose 首保 (``first``) or next 定保 falls due by date within the next 30 days.

    Due dates follow each vehicle model's maintenance plan, counted from the sale date (indexed,
    unlike the later of invoice and delivery the warranty uses; they differ by days): 首保 at
    ``first_service_months``, 定保 every ``interval_months`` after it, for ten years. Until the
    workshop records services this cannot know that a service was done, so it looks ahead only:
    a vehicle past its date leaves the list. One sale-date range per model and due date, OR-ed;
    a model without a plan gets no reminder."""
    from .models import MaintenancePlan

    today = today or timezone.localdate()
    horizon = today + SERVICE_LOOKAHEAD
    q = Q(pk__in=[])
    plans = MaintenancePlan.objects.values_list("vehicle_model_id", "first_service_months", "interval_months")
    for model_id, first_months, interval in plans:
        offsets = [first_months] if first else [
            first_months + k * interval for k in range(1, SERVICE_YEARS * 12 // max(interval, 1) + 1)]
        for months in offsets:
            q |= Q(vehicle_model_id=model_id, sale_date__gte=add_months(today, -months),
                   sale_date__lte=add_months(horizon, -months))
    return q


def service_due(*, user, first: bool = True, today: date | None = None) -> QuerySet[Vehicle]:
    """Active vehicles in the user's scope due for 首保 (``first``) or 定保 soon (「我的工作」)."""
    return vehicle_list(user=user).filter(service_due_q(today, first=first), is_active=True)


def vehicles_without_key_parts(*, user, within: QuerySet[Vehicle] | None = None) -> QuerySet[Vehicle]:
    """Sold, active vehicles missing the lot of a monitored key part (R-QLT-2): a failure of that
    part cannot be traced to a supplier's batch, so quality asks the plant or the store to record
    it. One ``NOT EXISTS`` per monitored category (a handful), OR-ed, so a capped count stops early."""
    from aftersales.parts.selectors import monitored_categories

    from .models import KeyPartLot

    missing = Q(pk__in=[])
    for category in monitored_categories().values_list("category", flat=True):
        missing |= ~Exists(KeyPartLot.objects.filter(vehicle=OuterRef("pk"), category=category))
    base = within if within is not None else vehicle_list(user=user)
    return base.filter(missing, is_active=True, sale_date__isnull=False)
