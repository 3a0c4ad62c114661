"""URL helpers: every app names its object pages the same way (``<name>_list``, ``_add``, ``_detail``,
``_edit``, ``_deactivate``), so templates, nav entries and the scope harness can rely on them."""

from django.urls import path


def crud(prefix: str, name: str, list_view, detail_view, edit_view, deactivate_view=None) -> list:
    urls = [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/new/", edit_view.as_view(), name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
    ]
    if deactivate_view is not None:
        urls.append(path(f"{prefix}/<int:pk>/deactivate/", deactivate_view.as_view(), name=f"{name}_deactivate"))
    return urls
