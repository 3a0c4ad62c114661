"""The nine roles of REQUIREMENTS.md and what each may do.

Roles are rows (created by migration); their permissions are declared here and by every later app
(``grant(role, [...])`` in the app's ``roles.py``), then synced onto each role's auth group after
every migrate.  Patterns like ``"org.view_*"`` keep the declarations short.
"""

from __future__ import annotations

from collections import defaultdict
from fnmatch import fnmatch

from django.utils.translation import gettext_noop

from .choices import ScopeLevel

# code, stored name (translated on display), scope level, description
ROLES: list[tuple[str, str, str, str]] = [
    ("admin", gettext_noop("Administrator"), ScopeLevel.ALL, gettext_noop("Users, roles and reference data")),
    ("manager", gettext_noop("Department manager"), ScopeLevel.ALL, gettext_noop("Escalations, approvals, KPI targets")),
    ("agent", gettext_noop("Customer service agent"), ScopeLevel.ALL, gettext_noop("Calls, tickets, return visits, complaints")),
    ("advisor", gettext_noop("Service advisor"), ScopeLevel.ORGANISATION, gettext_noop("Reception, repair orders, delivery")),
    ("technician", gettext_noop("Technician"), ScopeLevel.ORGANISATION, gettext_noop("Works repair-order jobs")),
    ("engineer", gettext_noop("Field service engineer"), ScopeLevel.REGION, gettext_noop("On-site repairs, dealer assessment and training in a region")),
    ("parts", gettext_noop("Parts clerk"), ScopeLevel.ALL, gettext_noop("Ships parts, reports parts quality")),
    ("quality", gettext_noop("Quality engineer"), ScopeLevel.ALL, gettext_noop("Quality reports, early warning, corrective actions")),
    ("dealer", gettext_noop("Dealer staff"), ScopeLevel.ORGANISATION, gettext_noop("Works only their own dealer's data")),
]
ROLE_CODES = [code for code, *_ in ROLES]

_grants: dict[str, set[str]] = defaultdict(set)


def grant(role: str, patterns: list[str]) -> None:
    if role not in ROLE_CODES:
        raise ValueError(f"unknown role {role!r}")
    _grants[role].update(patterns)


def patterns_for(role: str) -> set[str]:
    return set(_grants[role])


grant("admin", ["*"])
grant("manager", ["org.view_*", "core.view_auditevent", "core.view_personal_data", "core.view_jobs",
                  "core.view_personaldataaccess", "notifications.view_*", "notifications.change_outboxmessage",
                  "notifications.add_contactconsent", "notifications.add_suppression",
                  "notifications.change_suppression"])
grant("agent", ["org.view_organisation", "org.view_department", "org.view_staffprofile", "org.view_region",
                "core.reveal_personal_data", "notifications.view_notification", "notifications.view_contactconsent",
                "notifications.add_contactconsent", "notifications.view_suppression", "notifications.add_suppression"])
grant("advisor", ["org.view_organisation", "org.view_department", "org.view_staffprofile",
                  "core.view_personal_data", "notifications.view_notification", "notifications.view_contactconsent",
                  "notifications.add_contactconsent"])
grant("technician", ["org.view_organisation", "notifications.view_notification"])
grant("engineer", ["org.view_*", "core.reveal_personal_data", "notifications.view_notification"])
grant("parts", ["org.view_organisation", "org.view_department", "org.view_region", "notifications.view_notification"])
grant("quality", ["org.view_organisation", "org.view_department", "org.view_staffprofile", "org.view_region",
                  "notifications.view_notification"])
grant("dealer", ["org.view_organisation", "org.view_department", "org.view_staffprofile",
                 "core.view_personal_data", "notifications.view_notification", "notifications.view_contactconsent",
                 "notifications.add_contactconsent"])

# Apps whose models every role may never touch through a role (Django internals).
_EXCLUDED_APPS = {"sessions", "contenttypes", "admin", "axes", "authtoken"}


def ensure_roles() -> None:
    """Create any missing role (and its group), then sync permissions.

    The 0002 migration creates them; this also restores them after a database flush (which
    re-runs post_migrate but not data migrations), e.g. between transactional tests.
    """
    from django.contrib.auth.models import Group

    from .models import Role

    existing = set(Role.objects.values_list("code", flat=True))
    for code, name, level, description in ROLES:
        if code not in existing:
            group, _ = Group.objects.get_or_create(name=f"role:{code}")
            Role.objects.create(code=code, name=name, scope_level=level, description=description, group=group)
    sync_role_permissions()


def sync_role_permissions() -> None:
    """Make every role's group hold exactly the permissions its patterns match (idempotent)."""
    from django.contrib.auth.models import Permission

    from .models import Role

    perms = list(Permission.objects.select_related("content_type"))
    for role in Role.objects.select_related("group"):
        wanted = patterns_for(role.code)
        matched = [
            p for p in perms
            if p.content_type.app_label not in _EXCLUDED_APPS
            and any(fnmatch(f"{p.content_type.app_label}.{p.codename}", pat) for pat in wanted)
        ]
        role.group.permissions.set(matched)
