from rest_framework.routers import DefaultRouter

from . import views
from .lookup import urlpatterns_api

router = DefaultRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("vehicles", views.VehicleViewSet, basename="vehicle")
router.register("vehicle-models", views.VehicleModelViewSet, basename="vehiclemodel")
router.register("documents", views.CustomerDocumentViewSet, basename="customerdocument")

urlpatterns = urlpatterns_api + router.urls
