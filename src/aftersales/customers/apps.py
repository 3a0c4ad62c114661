from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "aftersales.customers"
    label = "customers"
    verbose_name = _("Customer archive")

    def ready(self) -> None:
        # menu, demo data step, "我的工作" items, timeline sentences, role permissions
        from aftersales.core.masking import register_person_resolver

        from . import nav, pickers, presenters, roles, seed, timeline, work_items  # noqa: F401

        # Masking follows the row: personal data shows only for customers inside the user's scope.
        register_person_resolver(presenters.customers_in_scope)
