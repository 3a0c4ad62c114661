"""Working calendar and SLA clocks (issue 6 item 2, ADR 0008).

- ``models``: the national calendar-day table, named calendars with time windows per weekday,
  per-organisation assignment;
- ``worktime``: ``add_working_time`` / ``working_time_between`` on cached per-year intervals;
- ``services`` / ``selectors``: edits and CSV import of a year's State Council schedule, reads;
- ``national``: the seed from ``chinese-calendar``.

Import the submodules directly (this package is loaded while Django's app registry is still filling).
"""
