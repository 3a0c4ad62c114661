"""Import/export pages: list of jobs, new import (with templates per kind), job detail with an htmx
progress bar, the error table and the apply buttons; exports of filtered lists; requests for a
manager's approval of large exports (list, new, detail with the actions the user may take, download)."""

from __future__ import annotations

import io
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from ..exceptions import PermissionDeniedError, ServiceError
from ..files import harden, private_file_response
from ..forms import style_form
from ..paging import checked_page
from ..selectors import timeline_for_object
from . import approval_selectors, approvals, exports, services
from .choices import EXPORT_REQUEST_MACHINE, IMPORT_JOB_MACHINE
from .models import ExportRequest, ImportJob
from .reading import max_upload_bytes
from .registry import get_importer, importers

VIEW_ALL_PERMISSION = "core.view_importjob"


def allowed_importers(user) -> dict:
    return {k: i for k, i in importers().items() if user.has_perm(i.permission)}


EXPORT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _export_type(job: ImportJob) -> str:
    return EXPORT_TYPES.get((job.options or {}).get("format", ""), "application/octet-stream")


def visible_jobs(user):
    """The user's own jobs; with ``core.view_importjob`` also every job in their scope (issue 7
    item 1: a job's file, errors and export belong to the organisation that started it)."""
    own = ImportJob.objects.unscoped(reason="the user's own jobs: they started them").filter(created_by=user)
    if not user.has_perm(VIEW_ALL_PERMISSION):
        return own.select_related("created_by")
    return (own | ImportJob.objects.restrict(user)).select_related("created_by")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Import type"))
    file = forms.FileField(label=gettext_lazy("File (.xlsx or CSV)"))
    match_existing = forms.BooleanField(
        label=gettext_lazy("Update existing records"), required=False,
        help_text=gettext_lazy("Rows that match a record you already have update it instead of being reported as "
                               "duplicates. The check shows which rows will update whom before anything is written."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, str(i.label)) for k, i in allowed_importers(user).items()]
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"


class ImportListView(LoginRequiredMixin, TemplateView):
    template_name = "core/imports/list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(title=_("Imports and exports"), jobs=visible_jobs(user)[:100],
                                        can_import=bool(allowed_importers(user)), **kwargs)


class ImportNewView(LoginRequiredMixin, TemplateView):
    template_name = "core/imports/new.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not allowed_importers(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.context(ImportForm(user=request.user)))

    def context(self, form):
        kinds = [{"kind": k, "label": i.label, "columns": i.columns, "match_help": getattr(i, "match_help", "")}
                 for k, i in allowed_importers(self.request.user).items()]
        return self.get_context_data(title=_("New import"), form=form, kinds=kinds,
                                     max_mb=max_upload_bytes() // 1048576)

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.import_start(actor=request.user, kind=form.cleaned_data["kind"], file=upload,
                                            filename=upload.name,
                                            match_existing=form.cleaned_data.get("match_existing", False))
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                messages.info(request, _("The file is being checked. Nothing is imported until you say so."))
                return HttpResponseRedirect(reverse("imports:detail", args=[job.pk]))
        return self.render_to_response(self.context(form), status=400)


class JobMixin(LoginRequiredMixin):
    def get_job(self) -> ImportJob:
        return get_object_or_404(visible_jobs(self.request.user), pk=self.kwargs["pk"])


class ImportDetailView(JobMixin, TemplateView):
    template_name = "core/imports/detail.html"

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        htmx = getattr(request, "htmx", False)
        if htmx and not job.is_running:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        ctx = self.get_context_data(job=job, title=str(job), **self.flags(job))
        names = [f"{self.template_name}#progress"] if htmx else [self.template_name]
        return self.response_class(request=request, template=names, context=ctx)

    def flags(self, job: ImportJob) -> dict:
        # What the job machine lets this user do now (choices.IMPORT_JOB_MACHINE), plus which rows.
        user = self.request.user
        may = IMPORT_JOB_MACHINE.may_fire(job, "apply", user=user)
        checked = job.status == ImportJob.Status.VALIDATED
        result = job.result or {}
        summary = getattr(get_importer(job.kind), "match_summary", None) if checked else None
        return {
            "errors": result.get("first_errors", []),
            # the "update existing" preview (issue 8 item 9): how many rows update whom, create how many
            "preview": checked and bool((job.options or {}).get("match_existing") or result.get("will_update")),
            "matches": result.get("matches", []),
            "preview_text": summary(result.get("will_update", 0), result.get("will_create", 0)) if summary else "",
            "can_apply_all": may and job.valid_rows > 0 and not job.error_rows,
            "offer_apply_all": may,
            "can_apply_valid": may and job.valid_rows > 0 and job.error_rows > 0,
            "can_cancel": checked and IMPORT_JOB_MACHINE.may_fire(job, "cancel", user=user),
        }


class ImportApplyView(JobMixin, View):
    def post(self, request, *args, **kwargs):
        job = self.get_job()
        try:
            if request.POST.get("mode") == "cancel":
                services.import_cancel(actor=request.user, job=job)
            else:
                services.import_apply(actor=request.user, job=job, mode=request.POST.get("mode", ""))
                messages.info(request, _("Import started."))
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse("imports:detail", args=[job.pk]))


class ErrorReportView(JobMixin, View):
    def get(self, request, *args, **kwargs):
        job = self.get_job()
        try:
            report = services.import_file_download(actor=request.user, job=job, which="errors",
                                                   ip_address=request.META.get("REMOTE_ADDR"))
        except ServiceError as exc:
            raise Http404 from exc
        # "客户导入-errors.csv" beside "客户导入.xlsx" in the user's downloads (issue 8 item 9).
        return private_file_response(report, filename=f"{Path(job.original_filename).stem}-errors.csv",
                                     content_type="text/csv")


class OutputView(JobMixin, View):
    def get(self, request, *args, **kwargs):
        job = self.get_job()
        if not job.output_file or job.status != ImportJob.Status.DONE:
            raise Http404
        if not job.is_export:
            try:
                output = services.import_file_download(actor=request.user, job=job, which="output",
                                                       ip_address=request.META.get("REMOTE_ADDR"))
            except ServiceError as exc:
                raise Http404 from exc
            return private_file_response(output, filename=job.original_filename)
        # Export files hold personal data: only their owner downloads them, and every download is logged.
        try:
            fh = exports.export_download(actor=request.user, job=job, obj=job.export_requests.first(),
                                         ip_address=request.META.get("REMOTE_ADDR"))
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(str(exc.message)) from exc
            raise Http404 from exc
        return private_file_response(fh, filename=job.original_filename, content_type=_export_type(job))


class TemplateDownloadView(LoginRequiredMixin, View):
    """An empty template (headers + one example row) per import kind, as .xlsx or CSV."""

    def get(self, request, kind, fmt):
        importer = allowed_importers(request.user).get(kind)
        if importer is None or fmt not in ("xlsx", "csv"):
            raise Http404
        headers = [c.header + ("*" if c.required else "") for c in importer.columns]
        examples = importer.template_rows()
        if fmt == "csv":
            return HttpResponse(exports.csv_bytes(headers, examples), content_type="text/csv; charset=utf-8",
                                headers={"Content-Disposition": f'attachment; filename="{kind}-template.csv"'})
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = str(importer.label)[:30]
        ws.append(headers)
        for row in examples:
            ws.append(row)
        for col in ws.columns:  # text cells, so Excel keeps leading zeros and long numbers
            for cell in col:
                cell.number_format = "@"
        buf = io.BytesIO()
        wb.save(buf)
        return HttpResponse(buf.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            headers={"Content-Disposition": f'attachment; filename="{kind}-template.xlsx"'})


class ExportView(LoginRequiredMixin, View):
    """``?format=csv|xlsx&<filters>``: small exports stream at once, large ones become a job."""

    def get(self, request, kind):
        params = {k: v for k, v in request.GET.items() if k not in ("format", "page", "per_page", "sort")}
        fmt = request.GET.get("format", "csv")
        try:
            exporter, qs, count = exports.export_prepare(actor=request.user, kind=kind, params=params, fmt=fmt)
            if count > exports.INLINE_EXPORT_ROWS or fmt == "xlsx":
                job = exports.export_start(actor=request.user, kind=kind, params=params, fmt=fmt)
                messages.info(request, _("The export is being prepared; download it from this page when done."))
                return HttpResponseRedirect(reverse("imports:detail", args=[job.pk]))
        except ServiceError as exc:
            if exc.code == "approval_required":
                # Over the threshold: offer to ask a manager, with the same filter and format.
                return HttpResponseRedirect(reverse("imports:export_request_new", args=[kind]) + "?"
                                            + urlencode({**params, "format": fmt}))
            messages.error(request, str(exc.message))
            return HttpResponseRedirect(request.headers.get("referer") or reverse("imports:list"))
        headers, rows = exports.rows_for(exporter, request.user, qs)
        exports.log_export(actor=request.user, exporter=exporter, count=count, params=params, fmt=fmt)
        name = f"{kind}-{timezone.localtime():%Y%m%d-%H%M}.csv"
        return harden(StreamingHttpResponse(exports.csv_stream(headers, rows), content_type="text/csv; charset=utf-8",
                                            headers={"Content-Disposition": f'attachment; filename="{name}"'}))


# --- approval of large exports ---------------------------------------------------------------------

EXPORT_PARAM_SKIP = ("format", "page", "per_page", "sort", "reason", "csrfmiddlewaretoken")


def export_params(query) -> dict:
    return {k: v for k, v in query.items() if k not in EXPORT_PARAM_SKIP}


class ExportRequestForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the data needed?"), max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The approving manager reads this; it is kept in the personal data access log."))


class DecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ExportRequestListView(LoginRequiredMixin, TemplateView):
    """Mine / waiting for my decision / decided by me, with status and type filters."""

    template_name = "core/imports/export_request_list.html"
    per_page = 25

    def get_context_data(self, **kwargs):
        user = self.request.user
        qs = approval_selectors.export_request_list(user=user)
        filterset = approval_selectors.ExportRequestFilterSet(self.request.GET or None, queryset=qs, request=self.request)
        style_form(filterset.form)
        if filterset.is_bound:
            qs = filterset.qs if filterset.is_valid() else qs.none()
        page = checked_page(Paginator(qs, self.per_page), self.request.GET)
        query = self.request.GET.copy()
        query.pop("page", None)
        rows = [{"object": r, "kind_label": approval_selectors.kind_label(r.kind)} for r in page.object_list]
        return super().get_context_data(
            title=_("Export requests"), filterset=filterset, page=page, rows=rows, query=query.urlencode(),
            is_approver=bool(approval_selectors.approvable_kinds(user)),
            to_approve=approval_selectors.export_requests_to_approve(user=user).count(), **kwargs)


class ExportRequestNewView(LoginRequiredMixin, TemplateView):
    """``/imports/export-requests/new/<kind>/?format=…&<filters>``: "needs approval: N rows" and a reason."""

    template_name = "core/imports/export_request_new.html"

    def prepare(self):
        params = export_params(self.request.GET)
        fmt = self.request.GET.get("format", "csv")
        try:
            exporter, _qs, count = exports.export_count(actor=self.request.user, kind=self.kwargs["kind"],
                                                        params=params, fmt=fmt)
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(str(exc.message)) from exc
            raise Http404(str(exc.message)) from exc
        return exporter, params, fmt, count

    def context(self, form, exporter, params, fmt, count):
        kind = self.kwargs["kind"]
        needed = exports.needs_approval(exporter, self.request.user, count)
        return self.get_context_data(
            title=_("Ask for approval of an export"), form=form, kind=kind, kind_label=exporter.label,
            params=params, fmt=fmt, count=count, limit=exporter.approval_threshold, needs_approval=needed,
            tolerance=exports.APPROVAL_TOLERANCE_PERCENT,
            export_url=reverse("imports:export", args=[kind]) + "?" + urlencode({**params, "format": fmt}))

    def get(self, request, *args, **kwargs):
        exporter, params, fmt, count = self.prepare()
        return self.render_to_response(self.context(ExportRequestForm(), exporter, params, fmt, count))

    def post(self, request, *args, **kwargs):
        exporter, params, fmt, count = self.prepare()
        form = ExportRequestForm(request.POST)
        if form.is_valid():
            try:
                export_request = approvals.export_request_create(
                    actor=request.user, kind=self.kwargs["kind"], params=params, fmt=fmt,
                    reason=form.cleaned_data["reason"])
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                messages.success(request, _("Your request was sent to the managers who may approve it."))
                return HttpResponseRedirect(export_request.get_absolute_url())
        return self.render_to_response(self.context(form, exporter, params, fmt, count), status=400)


CLOSED_UNSERVED = (ExportRequest.Status.FAILED, ExportRequest.Status.REJECTED, ExportRequest.Status.EXPIRED,
                   ExportRequest.Status.CANCELLED)


class ExportRequestMixin(LoginRequiredMixin):
    def get_export_request(self) -> ExportRequest:
        return get_object_or_404(approval_selectors.export_request_list(user=self.request.user), pk=self.kwargs["pk"])


class ExportRequestDetailView(ExportRequestMixin, TemplateView):
    """Who, what filter, how many rows, why; the decision; the job; the actions the user may take."""

    template_name = "core/imports/export_request_detail.html"

    def get_context_data(self, **kwargs):
        obj = self.get_export_request()
        actions = approval_selectors.allowed_actions(user=self.request.user, export_request=obj)
        deciding = "approve" in actions
        return super().get_context_data(
            object=obj, title=str(obj), kind_label=approval_selectors.kind_label(obj.kind), actions=actions,
            current_count=approval_selectors.current_row_count(obj) if deciding else None,
            tolerance=exports.APPROVAL_TOLERANCE_PERCENT, decision_form=DecisionForm(),
            timeline=timeline_for_object(obj, user=self.request.user), download_days=approvals.download_days(),
            can_ask_again=obj.requested_by_id == self.request.user.pk and obj.status in CLOSED_UNSERVED,
            again_url=(reverse("imports:export_request_new", args=[obj.kind]) + "?"
                       + urlencode({**obj.params, "format": obj.format})),
            **kwargs)


class ExportRequestActionView(ExportRequestMixin, View):
    """POST approve / reject / cancel.  Deciding without the approval permission is a 403."""

    def post(self, request, pk, action):
        machine = EXPORT_REQUEST_MACHINE
        transition = machine.get(action)  # an unknown action is a 404
        if transition.system:
            raise Http404
        if action in ("approve", "reject") and not approval_selectors.approvable_kinds(request.user):
            raise PermissionDenied
        obj = self.get_export_request()
        form = DecisionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        version = request.POST.get("version") or ""
        try:
            machine.perform(obj, action, actor=request.user, reason=note,
                            expected_version=int(version) if version.isdigit() else None)
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, str(transition.done))
        return HttpResponseRedirect(obj.get_absolute_url())


class ExportRequestDownloadView(ExportRequestMixin, View):
    def get(self, request, pk):
        obj = self.get_export_request()
        try:
            fh, name = approvals.export_request_download(actor=request.user, export_request=obj,
                                                         ip_address=request.META.get("REMOTE_ADDR"))
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except ServiceError as exc:
            raise Http404(str(exc.message)) from exc
        return private_file_response(fh, filename=name, content_type=_export_type(obj.job))
