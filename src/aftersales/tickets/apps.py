from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "aftersales.tickets"
    label = "tickets"
    verbose_name = _("Service tickets")

    def ready(self) -> None:
        from aftersales.org.workload import register_open_work_counter

        from . import events, nav, page_actions, roles, seed, timeline, work_items  # noqa: F401  (each registers on import)
        from .workload import open_tickets_per_owner

        register_open_work_counter("tickets.open", open_tickets_per_owner)
