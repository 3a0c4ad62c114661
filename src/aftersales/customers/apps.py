from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "aftersales.customers"
    label = "customers"
    verbose_name = _("Customer archive")

    def ready(self) -> None:
        # menu, demo data step, "我的工作" items, timeline sentences, role permissions
        from . import nav, roles, seed, timeline, work_items  # noqa: F401
