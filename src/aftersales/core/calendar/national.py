"""The national schedule from ``chinese-calendar`` (statutory holidays and make-up working days).

Only days that differ from the plain week are returned, with the holiday's Chinese name; the
library knows 2004 up to its last year and raises ``NotImplementedError`` beyond, so later years
must be entered by administrators (see ``services.import_schedule``).
"""

from __future__ import annotations

import datetime

from .choices import DayKind


def library_years() -> range:
    from chinese_calendar import constants

    return range(min(constants.holidays).year, max(constants.holidays).year + 1)


def _chinese(name) -> str:
    from chinese_calendar import constants

    for holiday in constants.Holiday:
        if holiday.value == name or holiday == name:
            return holiday.chinese
    return str(name)


def library_days(year: int) -> list[tuple[datetime.date, str, str]]:
    """(date, kind, name) for one year, sorted by date."""
    from chinese_calendar import constants

    rows = [(d, DayKind.HOLIDAY.value, _chinese(n)) for d, n in constants.holidays.items() if d.year == year]
    rows += [(d, DayKind.MAKEUP.value, _chinese(n)) for d, n in constants.workdays.items() if d.year == year]
    return sorted(rows)
