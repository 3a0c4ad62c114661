from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "aftersales.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from . import checks, nav, signals  # noqa: F401  (system checks, menu, login audit)
        from .calendar import hooks  # noqa: F401  (SLA job, calendar work items)
