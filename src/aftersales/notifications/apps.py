from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "aftersales.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # menu, work items, badge, periodic delivery, demo step; core hooks (export approvals → inbox)
        from . import listeners, nav, periodic, seed  # noqa: F401
