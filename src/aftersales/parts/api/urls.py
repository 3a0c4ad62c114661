from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("parts", views.PartViewSet, basename="part")
router.register("monitored-categories", views.MonitoredPartCategoryViewSet, basename="monitoredpartcategory")

urlpatterns = router.urls

