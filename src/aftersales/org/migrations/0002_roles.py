"""The nine roles of REQUIREMENTS.md as data; their permissions are synced after every migrate."""

from django.db import migrations

ROLES = [
    ("admin", "Administrator", "all", "Users, roles and reference data"),
    ("manager", "Department manager", "all", "Escalations, approvals, KPI targets"),
    ("agent", "Customer service agent", "all", "Calls, tickets, return visits, complaints"),
    ("advisor", "Service advisor", "organisation", "Reception, repair orders, delivery"),
    ("technician", "Technician", "organisation", "Works repair-order jobs"),
    ("engineer", "Field service engineer", "region", "On-site repairs, dealer assessment and training in a region"),
    ("parts", "Parts clerk", "all", "Ships parts, reports parts quality"),
    ("quality", "Quality engineer", "all", "Quality reports, early warning, corrective actions"),
    ("dealer", "Dealer staff", "organisation", "Works only their own dealer's data"),
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Role = apps.get_model("org", "Role")
    for code, name, level, description in ROLES:
        group, _ = Group.objects.get_or_create(name=f"role:{code}")
        Role.objects.update_or_create(
            code=code, defaults={"name": name, "scope_level": level, "description": description, "group": group}
        )


def remove_roles(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    Group = apps.get_model("auth", "Group")
    Role.objects.filter(code__in=[r[0] for r in ROLES]).delete()
    Group.objects.filter(name__in=[f"role:{r[0]}" for r in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
