from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("vehicles", views.VehicleViewSet, basename="vehicle")
router.register("vehicle-models", views.VehicleModelViewSet, basename="vehiclemodel")
router.register("documents", views.CustomerDocumentViewSet, basename="customerdocument")

urlpatterns = router.urls
