from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("staff", views.StaffProfileViewSet, basename="staffprofile")
router.register("roles", views.RoleViewSet, basename="role")
router.register("skills", views.SkillViewSet, basename="skill")

urlpatterns = router.urls
