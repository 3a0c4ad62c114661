"""Returned documents and receipts: list with counts and the by-month chart, detail, scan, edit
(R-CUS-6)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.utils.translation import gettext as _
from django.views import View

from aftersales.core.attachments.views import serve_attachment
from aftersales.core.charts import Chart
from aftersales.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedObjectMixin,
)

from .. import filtersets, forms, selectors, services, tables
from ..models import CustomerDocument


class DocumentListView(ObjectListView):
    model = CustomerDocument
    selector = selectors.document_list
    filterset_class = filtersets.DocumentFilterSet
    table_class = tables.DocumentTable
    add_url_name = "customers:document_add"
    template_name = "customers/document_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = ctx["filterset"]
        qs = self.get_queryset()
        if filterset is not None and filterset.is_bound and filterset.is_valid():
            qs = filterset.qs
        ctx["summary"] = selectors.document_summary(qs)
        from ..choices import DocumentKind

        labels = dict(DocumentKind.choices)
        for row in ctx["summary"]["by_kind"] + ctx["summary"]["by_month"]:
            row["label"] = labels.get(row["kind"], row["kind"])
        ctx["chart"] = documents_by_month_chart(ctx["summary"]["by_month"], labels)
        return ctx


def _month_index(day) -> int:
    return day.year * 12 + day.month - 1


def documents_by_month_chart(by_month: list[dict], labels: dict) -> Chart | None:
    """Returned documents per month, stacked by kind (R-CUS-6): the last 12 months that have
    documents, with the empty months between them shown as empty (a gap is information); None if
    there is nothing to chart."""
    if not by_month:
        return None
    last = max(r["month"] for r in by_month)
    first_index = max(_month_index(min(r["month"] for r in by_month)), _month_index(last) - 11)
    months = [date(i // 12, i % 12 + 1, 1) for i in range(first_index, _month_index(last) + 1)]
    kinds = sorted({r["kind"] for r in by_month if _month_index(r["month"]) >= first_index})
    counts = {(date(r["month"].year, r["month"].month, 1), r["kind"]): r["count"] for r in by_month}
    return Chart("stacked_bar", _("Returned documents by month"), [m.strftime("%Y-%m") for m in months],
                 {str(labels.get(k, k)): [counts.get((m, k), 0) for m in months] for k in kinds},
                 y_label=_("Count"))


class DocumentDetailView(ObjectDetailView):
    model = CustomerDocument
    selector = selectors.document_list
    template_name = "customers/document_detail.html"
    edit_url_name = "customers:document_edit"


class DocumentFileView(ScopedObjectMixin, PermissionRequiredMixin, View):
    """The latest scan of a returned document, only to users who may see the document (never a
    public /media/ URL: customer documents are personal data); served and logged like every
    attachment (``core.attachments.views``)."""

    model = CustomerDocument
    selector = selectors.document_list
    permission_required = "customers.view_customerdocument"

    def get(self, request, pk):
        document = self.get_object()
        scans = list(document.attachments.all())
        if not scans:
            raise Http404
        return serve_attachment(request, scans[-1], document)


class DocumentEditView(ObjectEditView):
    model = CustomerDocument
    selector = selectors.document_list
    form_class = forms.DocumentForm
    create_service = staticmethod(services.document_create)
    update_service = staticmethod(services.document_update)
    template_name = "customers/document_edit.html"

    def get_form(self, instance):
        form = super().get_form(instance)
        customer = self.request.GET.get("customer")
        if instance is None and customer and not form.is_bound:
            form.fields["customer"].initial = customer
        return form
