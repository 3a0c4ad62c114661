"""Warranty, 三包 and maintenance-due calculations (R-CUS-2, R-WS-5).

Pure functions over plain dates and numbers; ``coverage(vehicle, today)`` is the one adapter that
reads a ``Vehicle`` (with its model's policy, part terms, plan and mileage readings prefetched).

- Whole-vehicle warranty and per-part terms: whichever of months or km runs out first.
- 三包 period (SAMR Order 43): at least 2 years / 50,000 km from the later of invoice and delivery.
- Maintenance: first service (首保) until it is due, then periodic services (定保) every interval
  from the last service.  Until repair orders record services, the schedule is assumed kept, so
  periodic slots are counted from the first-service point.  The km threshold becomes a date by the
  owner's driving rate (km/day between the first and latest readings, 40 km/day without data);
  whichever of date and km comes first is the due date.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from .choices import WarrantyStatus

FALLBACK_KM_PER_DAY = 40.0
SANBAO_MIN_MONTHS = 24
SANBAO_MIN_KM = 50_000
FIRST_SERVICE = "first"
PERIODIC_SERVICE = "periodic"


def add_months(d: date, months: int) -> date:
    """``d`` plus whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Term:
    """A coverage term: ``months`` / ``km`` from ``start``; ends when either is reached."""

    months: int
    km: int

    def end_date(self, start: date) -> date:
        return add_months(start, self.months)

    def covers(self, start: date | None, today: date, mileage: int) -> bool | None:
        if start is None:
            return None
        return today <= self.end_date(start) and mileage <= self.km


@dataclass(frozen=True)
class PartCoverage:
    category: str
    months: int
    km: int
    end_date: date | None
    in_warranty: bool | None

    @property
    def category_label(self) -> str:
        """The category as a person reads it (电机控制器), never its code (issue 8 item 1)."""
        return part_category_label(self.category)


def part_category_label(code: str) -> str:
    from aftersales.parts.choices import PartCategory

    try:
        return str(PartCategory(code).label)
    except ValueError:
        return code


@dataclass(frozen=True)
class NextService:
    kind: str  # FIRST_SERVICE | PERIODIC_SERVICE
    due_date: date  # by the calendar
    due_km: int
    km_reached_on: date  # when the km threshold is expected, at the driving rate
    due_on: date  # whichever comes first
    km_per_day: float
    overdue: bool

    @property
    def is_first(self) -> bool:
        return self.kind == FIRST_SERVICE

    @property
    def due_by_km(self) -> bool:
        return self.km_reached_on < self.due_date


@dataclass(frozen=True)
class Coverage:
    start: date | None
    mileage: int
    status: str
    end_date: date | None
    end_km: int | None
    sanbao_applies: bool
    sanbao_end_date: date | None
    sanbao_end_km: int | None
    in_sanbao: bool | None
    parts: list[PartCoverage] = field(default_factory=list)
    next_service: NextService | None = None

    @property
    def status_label(self) -> str:
        return str(WarrantyStatus(self.status).label)


def driving_rate(readings: list[tuple[date, int]], *, fallback: float = FALLBACK_KM_PER_DAY) -> float:
    """km/day between the earliest and the latest reading; ``fallback`` without two distinct days."""
    if len(readings) < 2:
        return fallback
    ordered = sorted(readings)
    (d0, km0), (d1, km1) = ordered[0], ordered[-1]
    days = (d1 - d0).days
    if days <= 0 or km1 <= km0:
        return fallback
    return (km1 - km0) / days


def date_km_reached(*, target_km: int, current_km: int, today: date, km_per_day: float) -> date:
    if target_km <= current_km:
        return today
    return today + timedelta(days=math.ceil((target_km - current_km) / max(km_per_day, 0.1)))


def next_service(*, start: date, first: Term, interval: Term, current_km: int, today: date, km_per_day: float,
                 last_service: tuple[date, int] | None = None) -> NextService:
    """The next 首保 / 定保 due, whichever of date and km comes first."""

    def make(kind: str, due_date: date, due_km: int) -> NextService:
        reached = date_km_reached(target_km=due_km, current_km=current_km, today=today, km_per_day=km_per_day)
        due_on = min(due_date, reached)
        return NextService(kind, due_date, due_km, reached, due_on, km_per_day,
                           overdue=today > due_date or current_km >= due_km)

    if last_service is not None:
        last_date, last_km = last_service
        return make(PERIODIC_SERVICE, add_months(last_date, interval.months), last_km + interval.km)
    first_date = add_months(start, first.months)
    if today <= first_date and current_km < first.km:
        return make(FIRST_SERVICE, first_date, first.km)
    # No service history yet (repair orders come later): assume the schedule was kept and take
    # the first periodic slot after the first service that is not yet passed.
    k = 1
    while k < 600:
        due_date, due_km = add_months(first_date, k * interval.months), first.km + k * interval.km
        if today <= due_date and current_km < due_km:
            break
        k += 1
    return make(PERIODIC_SERVICE, due_date, due_km)


def compute(*, start: date | None, today: date, mileage: int, vehicle_term: Term | None, sanbao_term: Term | None,
            part_terms: dict[str, Term], first: Term | None, interval: Term | None,
            readings: list[tuple[date, int]], household: bool = True,
            last_service: tuple[date, int] | None = None) -> Coverage:
    """Everything about one vehicle's coverage and next service on ``today``; pure."""
    if start is None or vehicle_term is None:
        status, end_date, end_km = WarrantyStatus.UNKNOWN, None, vehicle_term.km if vehicle_term else None
    else:
        end_date, end_km = vehicle_term.end_date(start), vehicle_term.km
        status = WarrantyStatus.IN_WARRANTY if vehicle_term.covers(start, today, mileage) else WarrantyStatus.EXPIRED

    sanbao_applies = household and sanbao_term is not None
    if sanbao_applies:
        # The statute sets a floor: a policy can only be more generous.
        sanbao = Term(max(sanbao_term.months, SANBAO_MIN_MONTHS), max(sanbao_term.km, SANBAO_MIN_KM))
        sanbao_end = sanbao.end_date(start) if start else None
        sanbao_km, in_sanbao = sanbao.km, sanbao.covers(start, today, mileage)
    else:
        sanbao_end = sanbao_km = in_sanbao = None

    parts = [PartCoverage(cat, t.months, t.km, t.end_date(start) if start else None, t.covers(start, today, mileage))
             for cat, t in sorted(part_terms.items())]

    nxt = None
    if start is not None and first is not None and interval is not None:
        nxt = next_service(start=start, first=first, interval=interval, current_km=mileage, today=today,
                           km_per_day=driving_rate(readings), last_service=last_service)
    return Coverage(start, mileage, status, end_date, end_km, sanbao_applies, sanbao_end, sanbao_km, in_sanbao,
                    parts, nxt)


def coverage(vehicle, today: date, *, last_service: tuple[date, int] | None = None) -> Coverage:
    """Adapter for a ``Vehicle``; uses prefetched relations (see ``selectors``) so it adds no queries."""
    model = vehicle.vehicle_model
    policy = getattr(model, "warranty_policy", None) if _has_related(model, "warranty_policy") else None
    plan = getattr(model, "maintenance_plan", None) if _has_related(model, "maintenance_plan") else None
    readings = [(r.read_on, r.reading_km) for r in vehicle.mileage_readings.all()]
    return compute(
        start=vehicle.warranty_start,
        today=today,
        mileage=vehicle.current_mileage or 0,
        vehicle_term=Term(policy.vehicle_months, policy.vehicle_km) if policy else None,
        sanbao_term=Term(policy.sanbao_months, policy.sanbao_km) if policy else None,
        part_terms={t.category: Term(t.months, t.km) for t in policy.part_terms.all()} if policy else {},
        first=Term(plan.first_service_months, plan.first_service_km) if plan else None,
        interval=Term(plan.interval_months, plan.interval_km) if plan else None,
        readings=readings,
        household=model.household_rules_apply,
        last_service=last_service,
    )


def _has_related(obj, name: str) -> bool:
    try:
        getattr(obj, name)
    except Exception:  # RelatedObjectDoesNotExist
        return False
    return True
