"""The ticket escalation ladder and the SLA policies every installation starts with (ADR 0021).

Administrators change them afterwards (Django admin for now); rows that exist are left alone.
Targets are working minutes on the calendar that applies: the handling organisation's, or the
24×7 ``roadside`` calendar for roadside help.
"""

from decimal import Decimal

from django.db import migrations

LADDER = "tickets"
# fraction of the target, severity, also notify the group of this role
LEVELS = ((Decimal("0.5"), "warning", None), (Decimal("0.8"), "warning", None),
          (Decimal("1"), "breach", "manager"), (Decimal("1.5"), "breach", "admin"))
# name, kind, priority, response, resolve, calendar code
POLICIES = (
    ("一般工单", "", "", 30, 16 * 60, None),
    ("紧急工单", "", "urgent", 15, 8 * 60, None),
    ("道路救援", "roadside", "", 10, 4 * 60, "roadside"),
    ("报修", "repair", "", 30, 15 * 60, None),
    ("投诉", "complaint", "", 60, 3 * 450, None),
    ("咨询", "consultation", "", 30, 450, None),
)


def seed(apps, schema_editor):
    Ladder = apps.get_model("core", "EscalationLadder")
    Level = apps.get_model("core", "EscalationLevel")
    Role = apps.get_model("org", "Role")
    Calendar = apps.get_model("core", "WorkingCalendar")
    Policy = apps.get_model("tickets", "SlaPolicy")
    ladder, created = Ladder.objects.get_or_create(code=LADDER, defaults={"name": "工单升级"})
    if created:
        for fraction, severity, role in LEVELS:
            group_id = Role.objects.filter(code=role).values_list("group_id", flat=True).first() if role else None
            Level.objects.create(ladder=ladder, fraction=fraction, severity=severity, notify_owner=True,
                                 notify_group_id=group_id)
    if Policy.objects.exists():
        return
    for name, kind, priority, response, resolve, calendar in POLICIES:
        Policy.objects.create(name=name, kind=kind, priority=priority, response_minutes=response,
                              resolve_minutes=resolve, ladder=ladder,
                              calendar=Calendar.objects.filter(code=calendar).first() if calendar else None)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
        ("core", "0011_sla_labels"),
        ("org", "0005_verbose_names"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
