"""R-CUS-2 / R-WS-5: warranty, 三包 and next maintenance, on plain dates (no database)."""

from datetime import date

from aftersales.customers.choices import WarrantyStatus
from aftersales.customers.warranty import (
    FIRST_SERVICE,
    PERIODIC_SERVICE,
    Term,
    add_months,
    compute,
    driving_rate,
    next_service,
)

START = date(2024, 1, 31)


def _compute(today, mileage, readings=(), **kw):
    args = {"start": START, "today": today, "mileage": mileage, "vehicle_term": Term(36, 60000),
            "sanbao_term": Term(24, 50000), "part_terms": {"battery": Term(96, 150000), "motor": Term(96, 150000)},
            "first": Term(3, 3000), "interval": Term(6, 10000), "readings": list(readings)}
    args.update(kw)
    return compute(**args)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)
    assert add_months(date(2024, 5, 1), 36) == date(2027, 5, 1)


def test_whole_vehicle_warranty_whichever_comes_first():
    assert _compute(date(2026, 1, 1), 20000).status == WarrantyStatus.IN_WARRANTY
    assert _compute(date(2026, 1, 1), 60001).status == WarrantyStatus.EXPIRED  # km first
    assert _compute(date(2027, 2, 1), 10000).status == WarrantyStatus.EXPIRED  # date first
    c = _compute(date(2026, 1, 1), 0)
    assert (c.end_date, c.end_km) == (date(2027, 1, 31), 60000)


def test_unknown_start_gives_unknown_status():
    c = _compute(date(2026, 1, 1), 100, start=None)
    assert c.status == WarrantyStatus.UNKNOWN
    assert c.next_service is None and c.in_sanbao is None


def test_part_terms_outlast_vehicle_warranty():
    c = _compute(date(2028, 1, 1), 80000)
    assert c.status == WarrantyStatus.EXPIRED
    battery = next(p for p in c.parts if p.category == "battery")
    assert battery.in_warranty is True and battery.end_date == date(2032, 1, 31)
    assert next(p for p in _compute(date(2028, 1, 1), 150001).parts if p.category == "motor").in_warranty is False


def test_sanbao_period_two_years_50000_km_with_statutory_floor():
    c = _compute(date(2025, 6, 1), 49000)
    assert (c.sanbao_end_date, c.sanbao_end_km, c.in_sanbao) == (date(2026, 1, 31), 50000, True)
    assert _compute(date(2025, 6, 1), 50001).in_sanbao is False
    assert _compute(date(2026, 2, 1), 100).in_sanbao is False
    # A policy below the statute is lifted to 2 years / 50,000 km.
    stingy = _compute(date(2025, 6, 1), 100, sanbao_term=Term(12, 20000))
    assert (stingy.sanbao_end_date, stingy.sanbao_end_km) == (date(2026, 1, 31), 50000)
    assert _compute(date(2025, 6, 1), 100, household=False).sanbao_applies is False


def test_driving_rate_from_first_and_latest_readings_with_fallback():
    assert driving_rate([]) == 40.0
    assert driving_rate([(date(2024, 1, 1), 100)]) == 40.0
    assert driving_rate([(date(2024, 1, 11), 1100), (date(2024, 1, 1), 100), (date(2024, 1, 6), 300)]) == 100.0
    assert driving_rate([(date(2024, 1, 1), 100), (date(2024, 1, 1), 500)]) == 40.0


def test_first_service_due_by_date_when_driving_slowly():
    n = next_service(start=START, first=Term(3, 3000), interval=Term(6, 10000), current_km=500, today=date(2024, 2, 10),
                     km_per_day=10)
    assert n.kind == FIRST_SERVICE
    assert n.due_date == date(2024, 4, 30) and n.due_km == 3000
    assert n.due_on == date(2024, 4, 30) and not n.due_by_km and not n.overdue


def test_first_service_due_by_km_when_driving_a_lot():
    n = next_service(start=START, first=Term(3, 3000), interval=Term(6, 10000), current_km=1000, today=date(2024, 2, 10),
                     km_per_day=200)
    assert n.kind == FIRST_SERVICE
    assert n.km_reached_on == date(2024, 2, 20)  # 2000 km at 200 km/day
    assert n.due_on == date(2024, 2, 20) and n.due_by_km


def test_periodic_service_after_first_point_assuming_schedule_kept():
    n = next_service(start=START, first=Term(3, 3000), interval=Term(6, 10000), current_km=5000,
                     today=date(2024, 6, 1), km_per_day=40)
    assert n.kind == PERIODIC_SERVICE
    assert (n.due_date, n.due_km) == (date(2024, 10, 30), 13000)
    # km already past the first periodic slot: the next slot
    n = next_service(start=START, first=Term(3, 3000), interval=Term(6, 10000), current_km=14000,
                     today=date(2024, 6, 1), km_per_day=40)
    assert (n.due_date, n.due_km) == (date(2025, 4, 30), 23000)


def test_periodic_service_from_last_service_can_be_overdue():
    n = next_service(start=START, first=Term(3, 3000), interval=Term(6, 10000), current_km=16000,
                     today=date(2025, 1, 1), km_per_day=40, last_service=(date(2024, 5, 1), 5000))
    assert n.kind == PERIODIC_SERVICE
    assert (n.due_date, n.due_km) == (date(2024, 11, 1), 15000)
    assert n.overdue and n.due_on == date(2024, 11, 1)


def test_compute_uses_readings_for_the_km_prediction():
    readings = [(date(2024, 2, 1), 0), (date(2024, 2, 11), 1000)]  # 100 km/day
    c = _compute(date(2024, 2, 11), 1000, readings=readings)
    assert c.next_service.kind == FIRST_SERVICE
    assert c.next_service.km_per_day == 100
    assert c.next_service.due_on == date(2024, 3, 2)
