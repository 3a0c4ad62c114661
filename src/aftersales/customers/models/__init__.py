from .archive import (  # noqa: F401
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
    VehicleOwnership,
    WarrantyPolicy,
)
from .search import SearchKey  # noqa: F401
