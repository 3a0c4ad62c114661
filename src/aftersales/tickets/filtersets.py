"""One FilterSet for the ticket list, used by the page and the API (R-TKT-1)."""

import django_filters
import django_filters.fields
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.filtersets import ScopedChoicesMixin, SearchFilterSet
from aftersales.core.timelines import actor_name
from aftersales.org.models import Organisation

from . import selectors
from .choices import OPEN_STATUSES, TicketKind, TicketPriority, TicketStatus
from .models import Ticket

QUEUE_CHOICES = [
    ("open", _("Open")),
    ("about_to_breach", _("About to breach")),
    ("breached", _("Breached")),
    ("waiting", pgettext_lazy("ticket queue", "Waiting")),
]


def ticket_handlers():
    """Who may own a ticket: active users holding the change permission through their role."""
    return (get_user_model().objects.filter(is_active=True, groups__permissions__codename="change_ticket",
                                            groups__permissions__content_type__app_label="tickets")
            .select_related("staff_profile").distinct().order_by("staff_profile__display_name", "username"))


class HandlerField(django_filters.fields.ModelChoiceField):
    """A person by the name colleagues know them by (the staff name), never the login name."""

    def label_from_instance(self, user):
        return actor_name(user)


class HandlerFilter(django_filters.ModelChoiceFilter):
    field_class = HandlerField


class TicketFilterSet(ScopedChoicesMixin, SearchFilterSet):
    scoped_filters = ("organisation",)
    search_fields = ("number", "customer__name", "vehicle__plate", "location")
    status = django_filters.ChoiceFilter(choices=TicketStatus.choices, label=_("Status"))
    state = django_filters.ChoiceFilter(choices=QUEUE_CHOICES, method="in_state", label=_("Queue"))
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices, label=_("Ticket type"))
    priority = django_filters.ChoiceFilter(choices=TicketPriority.choices, label=_("Priority"))
    owner = HandlerFilter(queryset=get_user_model().objects.none(), label=_("Ticket owner"))
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(),
                                                    label=_("Handling organisation"))

    class Meta:
        model = Ticket
        fields = ["q", "state", "status", "kind", "priority", "owner", "organisation"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["owner"].queryset = ticket_handlers()
        self.filters["organisation"].queryset = self.filters["organisation"].queryset.order_by("code")

    def in_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "about_to_breach":
            return queryset.filter(selectors.about_to_breach_q(), status__in=OPEN_STATUSES)
        if value == "breached":
            return queryset.filter(selectors.breached_q(), status__in=OPEN_STATUSES)
        if value == "waiting":
            return queryset.filter(selectors.waiting_q())
        return queryset
