"""Tables for the list pages.  Contact points are always masked in lists; the detail page shows them
to users allowed to see personal data (and logs that view)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aftersales.core.tables import DateTimeColumn

from .choices import MessageStatus
from .models import ContactConsent, OutboxMessage, SmsTemplate, Suppression, mask_contact

STATUS_BADGES = {
    MessageStatus.PENDING: "secondary",
    MessageStatus.DEFERRED: "info",
    MessageStatus.SENDING: "primary",
    MessageStatus.SENT: "success",
    MessageStatus.DELIVERED: "success",
    MessageStatus.UNDELIVERED: "warning",
    MessageStatus.FAILED: "warning",
    MessageStatus.DEAD: "danger",
    MessageStatus.CANCELLED: "light",
}


def status_badge(record) -> str:
    colour = STATUS_BADGES.get(record.status, "secondary")
    text_class = " text-dark border" if colour in ("light", "warning", "info") else ""
    return format_html('<span class="badge bg-{}{}" data-status="{}">{}</span>', colour, text_class, record.status,
                       record.get_status_display())


class MaskedContactColumn(tables.Column):
    def render(self, value):
        return mask_contact(value)


class OutboxMessageTable(tables.Table):
    created_at = DateTimeColumn(verbose_name=_("Created"), format="Y-m-d H:i", linkify=True)
    to = MaskedContactColumn(verbose_name=_("Recipient"))
    what = tables.Column(verbose_name=_("Template / subject"), accessor="subject", empty_values=(), orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    next_attempt_at = DateTimeColumn(format="Y-m-d H:i", orderable=False)
    sent_at = DateTimeColumn(format="Y-m-d H:i", orderable=False)
    # the outbox grows with every message sent: sorts only where an index serves them (core.sorting)
    channel = tables.Column(orderable=False)
    category = tables.Column(orderable=False)
    attempts = tables.Column(orderable=False)

    class Meta:
        model = OutboxMessage
        fields = ("created_at", "channel", "category", "to", "what", "status", "attempts", "next_attempt_at",
                  "sent_at")
        order_by = ("-created_at",)
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "outbox-table"}

    def render_what(self, record):
        return record.template.name if record.template_id else record.subject

    def render_status(self, record):
        return status_badge(record)


class SmsTemplateTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)

    class Meta:
        model = SmsTemplate
        fields = ("code", "name", "category", "signature", "provider_template_id", "is_active")
        order_by = ("code",)


class ContactConsentTable(tables.Table):
    recorded_at = DateTimeColumn(format="Y-m-d H:i")
    contact = MaskedContactColumn()
    granted = tables.BooleanColumn()

    class Meta:
        model = ContactConsent
        fields = ("recorded_at", "contact", "channel", "purpose", "granted", "source", "recorded_by", "note")
        order_by = ("-recorded_at",)


class SuppressionTable(tables.Table):
    created_at = DateTimeColumn(verbose_name=_("Added"), format="Y-m-d H:i")
    contact = MaskedContactColumn()
    actions = tables.TemplateColumn(
        template_name="notifications/_suppression_actions.html", verbose_name="", orderable=False,
    )

    class Meta:
        model = Suppression
        fields = ("created_at", "contact", "channel", "reason", "note", "is_active", "actions")
        order_by = ("-created_at",)
