"""Pages: the inbox (every user), the outbox with dead letters, SMS templates, consent and suppression."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from aftersales.core import audit
from aftersales.core.exceptions import ServiceError
from aftersales.core.masking import can_see_personal_data
from aftersales.core.paging import CappedPaginator, checked_page
from aftersales.core.views.generic import (
    ObjectDeactivateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedObjectMixin,
)
from aftersales.core.views.transitions import ObjectTransitionView

from . import filtersets, forms, selectors, services, tables
from .models import ContactConsent, OutboxMessage, SmsTemplate, Suppression

# --- inbox -----------------------------------------------------------------------------------------


class InboxView(LoginRequiredMixin, TemplateView):
    """The signed-in user's notifications; unread first in the badge, newest first in the list."""

    template_name = "notifications/inbox.html"
    per_page = 25

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        unread_only = self.request.GET.get("unread") == "1"
        qs = selectors.inbox_for(user=user)
        if unread_only:
            qs = qs.filter(read_at__isnull=True)
        page = checked_page(CappedPaginator(qs, self.per_page), self.request.GET)
        ctx.update(title=_("Notifications"), page=page, unread_only=unread_only,
                   unread_total=selectors.unread_count(user))
        return ctx

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [f"{self.template_name}#inbox"]
        return [self.template_name]


def _safe_next(request, url: str) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return None


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one notification read; with ``open=1`` go on to its link."""

    def post(self, request, pk):
        notification = get_object_or_404(selectors.inbox_for(user=request.user), pk=pk)
        services.mark_read(user=request.user, notification=notification)
        if request.POST.get("open") == "1":
            return HttpResponseRedirect(_safe_next(request, notification.url) or reverse("notifications:inbox"))
        if getattr(request, "htmx", False):
            return TemplateResponse(request, "notifications/inbox.html#item", {
                "n": notification, "unread_total": selectors.unread_count(request.user), "oob_count": True,
            })
        return HttpResponseRedirect(reverse("notifications:inbox"))


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        count = services.mark_all_read(user=request.user)
        if getattr(request, "htmx", False):
            page = CappedPaginator(selectors.inbox_for(user=request.user), InboxView.per_page).get_page(1)
            return TemplateResponse(request, "notifications/inbox.html#inbox", {
                "page": page, "unread_only": False, "unread_total": 0,
            })
        messages.success(request, gettext("Marked %(count)d notifications as read.") % {"count": count})
        return HttpResponseRedirect(reverse("notifications:inbox"))


# --- outbox ----------------------------------------------------------------------------------------


class OutboxListView(ObjectListView):
    model = OutboxMessage
    selector = selectors.outbox_list
    filterset_class = filtersets.OutboxMessageFilterSet
    table_class = tables.OutboxMessageTable
    title = _("Outbox")
    empty_hint = _("Messages appear here when the system sends an SMS or an e-mail.")


class OutboxDetailView(ObjectDetailView):
    model = OutboxMessage
    selector = selectors.outbox_list
    template_name = "notifications/outbox_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        message = ctx["object"]
        user = self.request.user
        show_contact = can_see_personal_data(user)
        if show_contact:
            audit.log_personal_data_access(
                actor=user, action="view", reason=gettext("Viewed an outbox message"), obj=message,
                customer_id=message.customer_id, fields=["to", "body"], ip_address=self.request.META.get("REMOTE_ADDR"),
            )
        ctx.update(
            recipient=message.to if show_contact else message.masked_to,
        )
        return ctx


class OutboxTransitionView(ObjectTransitionView):
    """Re-queue and cancel (the outbox machine's user transitions, ``choices.OUTBOX_MACHINE``)."""

    model = OutboxMessage
    selector = selectors.outbox_list


# --- SMS templates ---------------------------------------------------------------------------------


class SmsTemplateListView(ObjectListView):
    model = SmsTemplate
    selector = selectors.sms_template_list
    filterset_class = filtersets.SmsTemplateFilterSet
    table_class = tables.SmsTemplateTable
    add_url_name = "notifications:template_add"
    empty_hint = _("Add each template exactly as the SMS provider approved it.")


class SmsTemplateDetailView(ObjectDetailView):
    model = SmsTemplate
    selector = selectors.sms_template_list
    template_name = "notifications/template_detail.html"
    edit_url_name = "notifications:template_edit"
    deactivate_url_name = "notifications:template_deactivate"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        template = ctx["object"]
        ctx["preview"] = template.render({v: f"{{{v}}}" for v in template.variables})
        return ctx


class SmsTemplateEditView(ObjectEditView):
    model = SmsTemplate
    selector = selectors.sms_template_list
    form_class = forms.SmsTemplateForm
    create_service = services.sms_template_create
    update_service = services.sms_template_update


class SmsTemplateDeactivateView(ObjectDeactivateView):
    model = SmsTemplate
    selector = selectors.sms_template_list


# --- consent and suppression -----------------------------------------------------------------------


class ContactConsentListView(ObjectListView):
    model = ContactConsent
    selector = selectors.consent_list
    filterset_class = filtersets.ContactConsentFilterSet
    table_class = tables.ContactConsentTable
    add_url_name = "notifications:consent_add"
    empty_hint = _("Record here when a customer grants or withdraws consent to marketing contact.")


def _record_consent(*, actor, data: dict, m2m=None):
    return services.record_consent(actor=actor, **data)


class ContactConsentCreateView(ObjectEditView):
    model = ContactConsent
    selector = selectors.consent_list
    form_class = forms.ContactConsentForm
    create_service = staticmethod(_record_consent)


class SuppressionListView(ObjectListView):
    model = Suppression
    selector = selectors.suppression_list
    filterset_class = filtersets.SuppressionFilterSet
    table_class = tables.SuppressionTable
    add_url_name = "notifications:suppression_add"
    empty_hint = _("Numbers and addresses that asked not to be contacted appear here; every sender checks them.")


def _suppress(*, actor, data: dict, m2m=None):
    return services.suppress(actor=actor, **data)


class SuppressionCreateView(ObjectEditView):
    model = Suppression
    selector = selectors.suppression_list
    form_class = forms.SuppressionForm
    create_service = staticmethod(_suppress)


class SuppressionLiftView(ScopedObjectMixin, PermissionRequiredMixin, TemplateView):
    """GET: ask why; POST: take the contact point off the list (audited)."""

    model = Suppression
    selector = selectors.suppression_list
    permission_required = "notifications.change_suppression"
    template_name = "notifications/suppression_lift.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", forms.LiftSuppressionForm())
        ctx.update(object=self.get_object(), title=_("Remove from the suppression list"))
        return ctx

    def post(self, request, pk):
        suppression = self.get_object()
        form = forms.LiftSuppressionForm(request.POST)
        if form.is_valid():
            try:
                services.lift_suppression(actor=request.user, suppression=suppression, note=form.cleaned_data["note"])
                messages.success(request, gettext("Removed %(object)s from the suppression list.") % {"object": suppression})
                return HttpResponseRedirect(reverse("notifications:suppression_list"))
            except ServiceError as exc:
                form.add_error(None, str(exc.message))
        return self.render_to_response(self.get_context_data(form=form), status=400)
