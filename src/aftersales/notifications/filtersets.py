"""One FilterSet per model: the same filters serve the pages and the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.filtersets import SearchFilterSet, StyledFilterSet

from .choices import (
    Channel,
    ConsentChannel,
    ConsentPurpose,
    MessageCategory,
    MessageStatus,
    SuppressionReason,
)
from .models import ContactConsent, Notification, OutboxMessage, SmsTemplate, Suppression
from .services import SHANGHAI


def _day_start(day: dt.date) -> dt.datetime:
    # Aware bounds (not ``created_at__date``) so the time index is used.
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


class NotificationFilterSet(StyledFilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread only"))

    class Meta:
        model = Notification
        fields = ["unread", "level"]


class OutboxMessageFilterSet(SearchFilterSet):
    search_fields = ("to", "idempotency_key", "provider_message_id", "subject", "template__name")
    status = django_filters.ChoiceFilter(choices=MessageStatus.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    category = django_filters.ChoiceFilter(choices=MessageCategory.choices, label=_("Category"))
    created_from = django_filters.DateFilter(method="created_from_filter", label=_("Created from"),
                                             widget=forms.DateInput())
    created_to = django_filters.DateFilter(method="created_to_filter", label=_("Created until"),
                                           widget=forms.DateInput())

    class Meta:
        model = OutboxMessage
        fields = ["q", "status", "channel", "category", "created_from", "created_to"]

    def created_from_filter(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value)) if value else queryset

    def created_to_filter(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + dt.timedelta(days=1))) if value else queryset


class SmsTemplateFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "text", "provider_template_id")
    category = django_filters.ChoiceFilter(choices=MessageCategory.choices, label=_("Category"))

    class Meta:
        model = SmsTemplate
        fields = ["q", "category", "is_active"]


class ContactConsentFilterSet(SearchFilterSet):
    search_fields = ("contact", "note")
    channel = django_filters.ChoiceFilter(choices=ConsentChannel.choices, label=_("Channel"))
    purpose = django_filters.ChoiceFilter(choices=ConsentPurpose.choices, label=_("Purpose"))

    class Meta:
        model = ContactConsent
        fields = ["q", "channel", "purpose", "granted"]


class SuppressionFilterSet(SearchFilterSet):
    search_fields = ("contact", "note")
    channel = django_filters.ChoiceFilter(choices=ConsentChannel.choices, label=_("Channel"))
    reason = django_filters.ChoiceFilter(choices=SuppressionReason.choices, label=_("Reason"))

    class Meta:
        model = Suppression
        fields = ["q", "channel", "reason", "is_active"]
