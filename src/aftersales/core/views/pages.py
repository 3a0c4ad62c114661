from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ..faults import FAULT_PATHS
from ..paging import BadPageParameter, CappedPaginator, checked_page
from ..reaper import WORKER_LOST, has_own_recovery
from ..registry import job_label, work_items_for
from ..selectors import job_results, personal_data_access_list

#: django-tasks' result states as the jobs page says them (issue 8 item 1: never "SUCCESSFUL").
JOB_STATUSES = {"READY": _("Waiting"), "RUNNING": _("Running"), "SUCCESSFUL": _("Succeeded"), "FAILED": _("Failed")}


def field_label(model, name: str) -> str:
    """A field's (or a reverse relation's) name as people read it; the raw name when unknown."""
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001  (a field removed since the access was logged)
        return name
    if hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    return str(field.related_model._meta.verbose_name_plural)  # a reverse relation such as ``phones``


class HomeView(LoginRequiredMixin, TemplateView):
    """"我的工作": each app contributes the signed-in user's due work items."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(title=_("My work"), work_items=work_items_for(user), staff=getattr(user, "staff_profile", None))
        return ctx


class JobListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Background job runs (status, duration, error) for administrators."""

    template_name = "core/jobs.html"
    permission_required = "core.view_jobs"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = job_results(user=self.request.user)
        status = self.request.GET.get("status")
        if status:
            qs = qs.filter(status=status)
        page = checked_page(CappedPaginator(qs, 50), self.request.GET)
        ctx.update(title=_("Background jobs"), page=page, status=status or "",
                   statuses=list(JOB_STATUSES.items()))
        for r in page.object_list:
            r.status_label = JOB_STATUSES.get(r.status, r.status)
            r.label = job_label(r.task_path)
            if r.exception_class_path == WORKER_LOST:
                r.error_label = (_("The worker running this job stopped (killed or crashed) %(n)d times; "
                                   "the job was given up.") % {"n": len(r.worker_ids)}
                                 if not has_own_recovery(r.task_path) else
                                 _("The worker running this job stopped; the job was resumed."))
            elif r.exception_class_path:
                r.error_label = (_("Database fault") if r.exception_class_path in FAULT_PATHS
                                 else _("The job stopped with an error"))
        return ctx


class PersonalDataAccessListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    template_name = "core/access_log.html"
    permission_required = "core.view_personaldataaccess"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = checked_page(CappedPaginator(personal_data_access_list(user=self.request.user), 50),
                            self.request.GET)
        for a in page.object_list:
            model = a.content_type.model_class() if a.content_type_id else None
            a.field_labels = [field_label(model, f) for f in a.fields or []]
        ctx.update(title=_("Personal data access log"), page=page)
        return ctx


def healthz(request):
    """Database reachable and queue depth; 503 when the database is not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        from django_tasks_db.models import DBTaskResult

        depth = DBTaskResult.objects.ready().count()
        failed = DBTaskResult.objects.failed().count()
    except Exception as exc:  # any database failure is "unhealthy", never a 500 page
        return JsonResponse({"status": "error", "database": "unreachable", "error": exc.__class__.__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "queue_depth": depth, "failed_jobs": failed})


def favicon(request):
    """``/favicon.ico`` → our own drawn SVG icon (static, so WhiteNoise serves and caches it)."""
    return redirect(static("aftersales/favicon.svg"))


def bad_request(request, exception=None):
    """The branded 400 page; a refusal that carries a translated reason (a malformed page number,
    ADR 0017) says it, anything else keeps the generic text (no internal detail leaks)."""
    reason = getattr(exception, "message", "") if isinstance(exception, BadPageParameter) else ""
    return HttpResponseBadRequest(loader.get_template("400.html").render({"reason": reason}, request))
