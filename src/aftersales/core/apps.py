from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "aftersales.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        # system checks, menu, login audit; fast date columns and the signature cache (tables),
        # registered before any app's tables.py builds its columns
        from . import checks, nav, signals, tables  # noqa: F401
        from .calendar import hooks  # noqa: F401  (SLA job, calendar work items)
