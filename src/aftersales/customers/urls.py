from django.urls import path

from aftersales.core.routing import crud

from . import views
from .lookup.page import urlpatterns_page

app_name = "customers"


urlpatterns = [
    path("", views.CustomerListView.as_view(), name="index"),
    *urlpatterns_page,
    *crud("customers", "customer", views.CustomerListView, views.CustomerDetailView, views.CustomerEditView,
          views.CustomerDeactivateView),
    path("customers/<int:pk>/reveal/", views.CustomerRevealView.as_view(), name="customer_reveal"),
    path("customers/<int:pk>/export/", views.CustomerExportView.as_view(), name="customer_export"),
    path("customers/<int:pk>/archive.pdf", views.CustomerArchivePdfView.as_view(), name="customer_archive_pdf"),
    path("customers/<int:pk>/phones/add/", views.PhoneAddView.as_view(), name="phone_add"),
    path("customers/<int:pk>/phones/<int:phone_pk>/remove/", views.PhoneRemoveView.as_view(), name="phone_remove"),
    path("customers/<int:pk>/phones/<int:phone_pk>/primary/", views.PhoneSetPrimaryView.as_view(),
         name="phone_primary"),
    path("customers/<int:pk>/addresses/add/", views.AddressAddView.as_view(), name="address_add"),
    path("addresses/<int:pk>/edit/", views.AddressEditView.as_view(), name="address_edit"),
    path("incomplete/", views.IncompleteArchiveListView.as_view(), name="incomplete_list"),
    *crud("vehicles", "vehicle", views.VehicleListView, views.VehicleDetailView, views.VehicleEditView,
          views.VehicleDeactivateView),
    path("vehicles/<int:pk>/mileage/", views.VehicleMileageView.as_view(), name="vehicle_mileage"),
    path("vehicles/<int:pk>/owner/", views.VehicleChangeOwnerView.as_view(), name="vehicle_change_owner"),
    path("vehicles/<int:pk>/key-parts/", views.VehicleKeyPartView.as_view(), name="vehicle_keypart"),
    *crud("models", "vehiclemodel", views.VehicleModelListView, views.VehicleModelDetailView,
          views.VehicleModelEditView, views.VehicleModelDeactivateView),
    path("models/<int:pk>/terms/", views.VehicleModelTermsView.as_view(), name="vehiclemodel_terms"),
    *crud("documents", "document", views.DocumentListView, views.DocumentDetailView, views.DocumentEditView),
    path("documents/<int:pk>/file/", views.DocumentFileView.as_view(), name="document_file"),
]
