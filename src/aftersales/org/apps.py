from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "aftersales.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from aftersales.core.scoping import register_scope_resolver

        from . import nav, pickers, seed  # noqa: F401  (menu, form pickers, demo data step)
        from .selectors import resolve_scope

        register_scope_resolver(resolve_scope)
        post_migrate.connect(_sync_roles, dispatch_uid="aftersales.org.sync_roles")


def _sync_roles(sender, **kwargs):
    # After every app's migrate, so permissions of later apps exist before they are assigned.
    from django.apps import apps

    if sender.name != list(apps.get_app_configs())[-1].name:
        return
    from .roles import ensure_roles

    ensure_roles()
