
from aftersales.core.routing import crud

from . import views

app_name = "parts"


urlpatterns = [
    *crud("suppliers", "supplier", views.SupplierListView, views.SupplierDetailView, views.SupplierEditView,
          views.SupplierDeactivateView),
    *crud("catalogue", "part", views.PartListView, views.PartDetailView, views.PartEditView,
          views.PartDeactivateView),
]
