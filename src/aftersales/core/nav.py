"""Core's contributions to the shell: the system menu and administrators' work items."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import (
    NavItem,
    PeriodicJob,
    WorkItem,
    register_job_labels,
    register_nav,
    register_periodic,
    register_work_items,
)


def may_import_or_export(user) -> bool:
    from .imports.registry import exporters, importers

    perms = [i.permission for i in importers().values()] + [e.permission for e in exporters().values()]
    return any(user.has_perm(p) for p in perms)


def uses_api(user) -> bool:
    return bool(user.is_staff or user.has_perm("auth.change_user"))


register_nav("system", _("System"), 900, [
    NavItem(_("Background jobs"), "core:job_list", permission="core.view_jobs", order=10),
    NavItem(_("Imports and exports"), "imports:list", order=15, visible=lambda user: may_import_or_export(user)),
    NavItem(_("Personal data access log"), "core:access_log", permission="core.view_personaldataaccess", order=20),
    # The API serves integrations (telephony, SMS gateway, the maker's systems); the people who wire
    # them up are administrators, who also create the service accounts those systems log in with --
    # not a store's or the call centre's users (issue 8 item 12).
    NavItem(_("API documentation"), "api-docs", order=80, visible=lambda user: uses_api(user)),
])


@register_work_items
def failed_jobs(user):
    if not user.has_perm("core.view_jobs"):
        return []
    from django_tasks_db.models import DBTaskResult

    since = timezone.now() - timedelta(days=7)
    count = DBTaskResult.objects.failed().filter(finished_at__gte=since).count()
    return [WorkItem("core.failed_jobs", _("Failed background jobs (last 7 days)"), count,
                     reverse("core:job_list") + "?status=FAILED", severity="danger")]


register_job_labels({
    "aftersales.core.tasks.heartbeat": _("Worker heartbeat"),
    "aftersales.core.tasks.sla_escalate": _("Service time limit escalation"),
})
register_periodic(PeriodicJob(name="core.heartbeat", task_path="aftersales.core.tasks.heartbeat",
                              every=timedelta(minutes=15), description="worker and scheduler liveness"))
