from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "aftersales.customers"
    label = "customers"
    verbose_name = _("Customer archive")

    def ready(self) -> None:
        import importlib

        # Each optional module registers menu entries, work items, timeline renderers, seed steps.
        for module in ("nav", "seed", "work_items", "timeline", "roles"):
            try:
                importlib.import_module(f"{self.name}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{self.name}.{module}":
                    raise
