from django.urls import path

from . import views

app_name = "parts"


def crud(prefix: str, name: str, list_view, detail_view, edit_view, deactivate_view):
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/new/", edit_view.as_view(), name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
        path(f"{prefix}/<int:pk>/deactivate/", deactivate_view.as_view(), name=f"{name}_deactivate"),
    ]


urlpatterns = [
    *crud("suppliers", "supplier", views.SupplierListView, views.SupplierDetailView, views.SupplierEditView,
          views.SupplierDeactivateView),
    *crud("catalogue", "part", views.PartListView, views.PartDetailView, views.PartEditView,
          views.PartDeactivateView),
]
