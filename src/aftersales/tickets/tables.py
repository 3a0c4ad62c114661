"""The ticket list: sorts only on indexed columns (``core.sorting``)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from aftersales.core.timelines import actor_name

from .models import Ticket


class TicketTable(tables.Table):
    number = tables.Column(linkify=True)
    kind = tables.Column()
    priority = tables.Column(orderable=False)
    status = tables.Column()
    customer = tables.Column(linkify=True, orderable=False)
    vehicle = tables.Column(verbose_name=_("Plate"), orderable=False, accessor="vehicle__plate")
    organisation = tables.Column(orderable=False)
    owner = tables.Column(orderable=False)

    class Meta:
        model = Ticket
        fields = ("number", "kind", "priority", "status", "customer", "vehicle", "organisation", "owner", "created_at")
        order_by = ("-created_at",)
        attrs = {"class": "table table-sm table-hover"}
        row_attrs = {"data-priority": lambda record: record.priority}

    def render_owner(self, value):
        return actor_name(value)

    def render_priority(self, record, value):
        return value
