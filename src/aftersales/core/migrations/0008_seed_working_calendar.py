"""Seed the national calendar table from chinese-calendar and the standard calendars (ADR 0008)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from aftersales.core.calendar.seed import seed_national, seed_standard_calendars

    seed_national(apps.get_model("core", "CalendarDay"), apps.get_model("core", "CalendarYear"))
    seed_standard_calendars(apps.get_model("core", "WorkingCalendar"), apps.get_model("core", "CalendarWindow"))


class Migration(migrations.Migration):
    dependencies = [("core", "0007_working_calendar")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
