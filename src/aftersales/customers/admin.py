from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin

from .models import (
    Customer,
    CustomerAddress,
    CustomerDocument,
    CustomerPhone,
    KeyPartLot,
    MaintenancePlan,
    MileageReading,
    PartWarrantyTerm,
    Vehicle,
    VehicleModel,
    WarrantyPolicy,
)


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "owning_dealer", "first_visit_at", "archive_completed_at")
    search_fields = ("code", "name", "name_initials")
    list_select_related = ("owning_dealer",)


@admin.register(Vehicle)
class VehicleAdmin(ReadOnlyAdmin):
    list_display = ("vin", "plate", "vehicle_model", "owner", "selling_dealer", "sale_date")
    search_fields = ("vin", "plate")
    list_select_related = ("vehicle_model", "owner", "selling_dealer")


@admin.register(VehicleModel)
class VehicleModelAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "series", "energy_type", "is_active")


for _model in (CustomerPhone, CustomerAddress, CustomerDocument, KeyPartLot, MaintenancePlan, MileageReading,
               PartWarrantyTerm, WarrantyPolicy):
    admin.site.register(_model, ReadOnlyAdmin)
