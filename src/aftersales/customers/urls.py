from django.urls import path

from aftersales.core.routing import crud

from .lookup.page import urlpatterns_page
from .views import catalogue, customers, documents, vehicles

app_name = "customers"


urlpatterns = [
    path("", customers.CustomerListView.as_view(), name="index"),
    *urlpatterns_page,
    *crud("customers", "customer", customers.CustomerListView, customers.CustomerDetailView,
          customers.CustomerEditView, customers.CustomerDeactivateView),
    path("customers/<int:pk>/reveal/", customers.CustomerRevealView.as_view(), name="customer_reveal"),
    path("customers/<int:pk>/export/", customers.CustomerExportView.as_view(), name="customer_export"),
    path("customers/<int:pk>/archive.pdf", customers.CustomerArchivePdfView.as_view(), name="customer_archive_pdf"),
    path("customers/<int:pk>/phones/add/", customers.PhoneAddView.as_view(), name="phone_add"),
    path("customers/<int:pk>/phones/<int:phone_pk>/remove/", customers.PhoneRemoveView.as_view(),
         name="phone_remove"),
    path("customers/<int:pk>/phones/<int:phone_pk>/primary/", customers.PhoneSetPrimaryView.as_view(),
         name="phone_primary"),
    path("customers/<int:pk>/addresses/add/", customers.AddressAddView.as_view(), name="address_add"),
    path("addresses/<int:pk>/edit/", customers.AddressEditView.as_view(), name="address_edit"),
    path("incomplete/", customers.IncompleteArchiveListView.as_view(), name="incomplete_list"),
    *crud("vehicles", "vehicle", vehicles.VehicleListView, vehicles.VehicleDetailView, vehicles.VehicleEditView,
          vehicles.VehicleDeactivateView),
    path("vehicles/<int:pk>/mileage/", vehicles.VehicleMileageView.as_view(), name="vehicle_mileage"),
    path("vehicles/<int:pk>/owner/", vehicles.VehicleChangeOwnerView.as_view(), name="vehicle_change_owner"),
    path("vehicles/<int:pk>/key-parts/", vehicles.VehicleKeyPartView.as_view(), name="vehicle_keypart"),
    *crud("models", "vehiclemodel", catalogue.VehicleModelListView, catalogue.VehicleModelDetailView,
          catalogue.VehicleModelEditView, catalogue.VehicleModelDeactivateView),
    path("models/<int:pk>/terms/", catalogue.VehicleModelTermsView.as_view(), name="vehiclemodel_terms"),
    *crud("documents", "document", documents.DocumentListView, documents.DocumentDetailView,
          documents.DocumentEditView),
    path("documents/<int:pk>/file/", documents.DocumentFileView.as_view(), name="document_file"),
]
