"""Seed the configurable key-part list of R-QLT-2 with the seven key parts the requirement names.

Labels stay empty so the (translated) category name shows; administrators may relabel, reorder or
switch monitoring off later.  Codes are copied here, not imported, so the migration never changes.
"""

from django.db import migrations

KEY_PARTS = ["motor", "controller", "rear_axle", "differential", "frame", "front_shock", "rim"]


def seed(apps, schema_editor):
    MonitoredPartCategory = apps.get_model("parts", "MonitoredPartCategory")
    for i, code in enumerate(KEY_PARTS, start=1):
        MonitoredPartCategory.objects.get_or_create(category=code, defaults={"is_monitored": True, "order": i * 10})


def unseed(apps, schema_editor):
    MonitoredPartCategory = apps.get_model("parts", "MonitoredPartCategory")
    MonitoredPartCategory.objects.filter(category__in=KEY_PARTS).delete()


class Migration(migrations.Migration):
    dependencies = [("parts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
