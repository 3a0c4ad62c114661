from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    name = "aftersales.parts"
    label = "parts"
    verbose_name = _("Parts")

    def ready(self) -> None:
        from aftersales.core.registry import register_timeline_renderer

        from . import nav, pickers, roles, seed, work_items  # noqa: F401  (menu, pickers, roles, demo data, 我的工作)
        from .timeline import render_event

        register_timeline_renderer("parts.", render_event)
