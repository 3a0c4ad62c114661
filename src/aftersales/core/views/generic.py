"""Generic pages every app reuses (NetBox's shape): list with filters/sort/paging, detail with
timeline, create/edit through services, deactivate.  Views stay thin: reads via the app's selector,
writes via its services, errors shown beside their fields."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from .. import services
from ..exceptions import ServiceError, StaleVersionError
from ..forms import style_form
from ..paging import CappedPaginator, page_number, page_size
from ..selectors import timeline_for_object
from .stale import recover_stale_edit

MAX_PER_PAGE = 200


def perm(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ScopedObjectMixin(LoginRequiredMixin):
    model = None
    selector: Callable = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class ObjectListView(ScopedObjectMixin, PermissionRequiredMixin, TemplateView):
    template_name = "core/object_list.html"
    filterset_class = None
    table_class = None
    title = ""
    add_url_name: str | None = None
    empty_hint = ""
    per_page = 25
    # Registered exporter kind (core.imports.registry); the page then offers CSV / Excel export of
    # exactly the filtered rows to users with the exporter's permission.
    export_kind: str | None = None

    def get_permission_required(self):
        return [perm(self.model, "view")]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = self.get_queryset()
        filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request) if self.filterset_class else None
        if filterset is not None:
            style_form(filterset.form)
            qs = filterset.qs if filterset.is_bound and filterset.is_valid() else (qs.none() if filterset.is_bound else qs)
        # A malformed page or page size is a 400 page saying so (BadPageParameter → BadRequest),
        # checked before django-tables2 reads them.
        page_number(self.request.GET)
        per_page = page_size(self.request.GET, "per_page", default=self.per_page, maximum=MAX_PER_PAGE)
        # No ``request=`` here: django-tables2 would then paginate at once with Django's own
        # Paginator, an exact COUNT(*) of the whole table (190 ms on a million customers), before
        # the capped paginator below runs.  ``configure`` sets ``table.request``.
        table = self.table_class(qs)
        RequestConfig(self.request, paginate={"per_page": per_page, "paginator_class": CappedPaginator}).configure(table)
        user = self.request.user
        ctx.update(
            title=self.title or self.model._meta.verbose_name_plural,
            table=table,
            filterset=filterset,
            filters_active=bool(filterset and filterset.is_bound and any(v for k, v in self.request.GET.items() if k not in {"page", "sort", "per_page"})),
            add_url_name=self.add_url_name if self.add_url_name and user.has_perm(perm(self.model, "add")) else None,
            empty_hint=self.empty_hint,
            model_meta=self.model._meta,
            export_kind=self.export_kind if self._may_export(user) else None,
            export_query=self.request.GET.urlencode(),
        )
        return ctx

    def _may_export(self, user) -> bool:
        if not self.export_kind:
            return False
        from ..imports.registry import get_exporter

        exporter = get_exporter(self.export_kind)
        return exporter is not None and user.has_perm(exporter.permission)

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            # A page template that extends the generic list without redefining the partial (the
            # documents list) answers filter requests with the generic one instead of a 500.
            return [f"{self.template_name}#results", f"{ObjectListView.template_name}#results"]
        return [self.template_name]


class ObjectDetailView(ScopedObjectMixin, PermissionRequiredMixin, TemplateView):
    template_name = "core/object_detail.html"
    edit_url_name: str | None = None
    deactivate_url_name: str | None = None
    timeline_limit = 50

    def get_permission_required(self):
        return [perm(self.model, "view")]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.get_object()
        can_change = self.request.user.has_perm(perm(self.model, "change"))
        ctx.update(
            object=obj,
            title=str(obj),
            model_meta=self.model._meta,
            timeline=timeline_for_object(obj, user=self.request.user, limit=self.timeline_limit),
            edit_url_name=self.edit_url_name if can_change else None,
            deactivate_url_name=self.deactivate_url_name if can_change else None,
        )
        return ctx


class ObjectEditView(ScopedObjectMixin, PermissionRequiredMixin, TemplateView):
    """Create (no pk) or edit (pk) through the app's services; a stale version is refused."""

    template_name = "core/object_edit.html"
    form_class = None
    create_service: Callable | None = None
    update_service: Callable | None = None
    success_url_name: str | None = None

    def get_permission_required(self):
        return [perm(self.model, "change" if "pk" in self.kwargs else "add")]

    def get_form_kwargs(self, instance):
        kwargs = {"instance": instance, "user": self.request.user}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
            kwargs["files"] = self.request.FILES
        return kwargs

    def get_form(self, instance):
        return self.form_class(**self.get_form_kwargs(instance))

    def get_instance(self):
        return self.get_object() if "pk" in self.kwargs else None

    def get(self, request, *args, **kwargs):
        instance = self.get_instance()
        return self.render_to_response(self.context(self.get_form(instance), instance))

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        form = self.get_form(instance)
        if form.is_valid():
            data, m2m = form.service_data()
            try:
                if instance is None:
                    create = type(self).create_service
                    obj = (create(actor=request.user, data=data, m2m=m2m) if create
                           else services.create_object(self.model, actor=request.user, data=data, m2m=m2m))
                    messages.success(request, _("Created %(object)s.") % {"object": obj})
                else:
                    update = type(self).update_service
                    expected = form.cleaned_data.get("version")
                    obj = (update(instance, actor=request.user, data=data, m2m=m2m, expected_version=expected) if update
                           else services.update_object(instance, actor=request.user, data=data, m2m=m2m,
                                                       expected_version=expected))
                    messages.success(request, _("Saved %(object)s.") % {"object": obj})
                return HttpResponseRedirect(obj.get_absolute_url())
            except ValidationError as exc:
                add_errors(form, exc)
            except StaleVersionError:
                current = self.get_instance()  # as it is now, through the scoped selector
                form, stale = recover_stale_edit(self, form, current)
                return self.render_to_response(self.context(form, current, stale=stale), status=409)
            except ServiceError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.context(form, instance), status=400 if form.errors else 200)

    def context(self, form, instance, *, stale=None):
        meta = self.model._meta
        return self.get_context_data(
            form=form, object=instance, model_meta=meta, stale=stale,
            title=(_("Edit %(object)s") % {"object": instance}) if instance else (_("New %(model)s") % {"model": meta.verbose_name}),
        )


def add_service_error(form, exc: ServiceError) -> None:
    """A service refusal beside the fields it names (``fields``), else above the form (one convention,
    core.exceptions): the message is never lost because its field is not on this form."""
    shown = False
    for field, msgs in exc.fields.items():
        target = field if field in form.fields else None
        for m in msgs:
            form.add_error(target, m)
            shown = True
    if not shown:
        form.add_error(None, str(exc.message))


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, exc)


class ObjectDeactivateView(ScopedObjectMixin, PermissionRequiredMixin, View):
    """POST only: deactivate (or reactivate) with a reason; history stays."""

    deactivate_service: Callable | None = None

    def get_permission_required(self):
        return [perm(self.model, "change")]

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        active = request.POST.get("active") == "1"
        set_active = type(self).deactivate_service or services.set_active
        set_active(obj, actor=request.user, active=active, reason=request.POST.get("reason", "")[:300])
        messages.success(request, (_("Reactivated %(object)s.") if active else _("Deactivated %(object)s.")) % {"object": obj})
        return HttpResponseRedirect(obj.get_absolute_url())
