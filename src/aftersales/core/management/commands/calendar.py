"""``aftersales calendar due --calendar CODE START HOURS``: due time of HOURS working hours (R-SYS-7).

``-`` in place of START HOURS reads ``START,HOURS`` lines from standard input and prints one due
time a line; it stops at the first bad line (non-zero exit, the line named) so every printed line
still answers the input line of the same number.
"""

from __future__ import annotations

import datetime
import sys
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.calendar.worktime import add_working_time, load_spec
from aftersales.core.exceptions import ServiceError

FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def parse_start(raw: str) -> datetime.datetime:
    raw = raw.strip()
    for fmt in FORMATS:
        try:
            return timezone.make_aware(datetime.datetime.strptime(raw, fmt))
        except ValueError:
            continue
    raise CommandError(_("Start %(value)s is not a time like 2025-09-30 16:00.") % {"value": raw})


def parse_hours(raw: str) -> datetime.timedelta:
    try:
        hours = Decimal(raw.strip())
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite() or hours < 0:
        raise CommandError(_("Hours %(value)s is not a number of hours of 0 or more.") % {"value": raw.strip()})
    return datetime.timedelta(seconds=int(hours * 3600))


def format_due(moment: datetime.datetime) -> str:
    """Minutes, rounded up so a printed due time is never earlier than the real one."""
    local = timezone.localtime(moment)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    return local.strftime("%Y-%m-%d %H:%M")


class Command(BaseCommand):
    help = "Working-calendar questions: 'due' prints when HOURS working hours from START end."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="print the due time (YYYY-MM-DD HH:MM, Asia/Shanghai)")
        due.add_argument("--calendar", required=True, help="calendar code, e.g. head-office, store, roadside")
        due.add_argument("start", help="YYYY-MM-DD HH:MM, or - to read START,HOURS lines from standard input")
        due.add_argument("hours", nargs="?", help="working hours (a decimal)")

    def handle(self, *args, action, calendar, start, hours, **options):
        try:
            load_spec(calendar)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        if start == "-":
            if hours is not None:
                raise CommandError(_("With - give no hours: each input line is START,HOURS."))
            self._from_stdin(calendar, sys.stdin)
            return
        if hours is None:
            raise CommandError(_("Give START and HOURS, or - to read them from standard input."))
        self.stdout.write(self._due(calendar, start, hours))

    def _due(self, calendar: str, start: str, hours: str) -> str:
        begin, duration = parse_start(start), parse_hours(hours)
        try:
            return format_due(add_working_time(calendar, begin, duration))
        except ServiceError as exc:
            raise CommandError(exc.message) from None

    def _from_stdin(self, calendar: str, stream) -> None:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            start, sep, hours = line.rpartition(",")
            try:
                if not sep:
                    raise CommandError(_("Expected START,HOURS."))
                self.stdout.write(self._due(calendar, start, hours))
            except CommandError as exc:
                raise CommandError(_("Line %(line)s: %(error)s") % {"line": number, "error": exc}) from None
