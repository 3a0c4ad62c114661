from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Sales region")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")


class OrganisationKind(models.TextChoices):
    HEAD_OFFICE = "head_office", _("Head office")
    DEALER = "dealer", _("Dealer / 4S store")
    SERVICE_STATION = "service_station", _("Service station")


class OrganisationStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class DepartmentKind(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    QUALITY = "quality", _("Quality")
    SALES = "sales", _("Sales")
    PARTS_WAREHOUSE = "parts_warehouse", _("Parts warehouse")
    WORKSHOP = "workshop", _("Workshop")
    FRONT_DESK = "front_desk", _("Front desk")
    INSURANCE = "insurance", _("Insurance")
    FIELD_SERVICE = "field_service", _("Field service")
    TRAINING = "training", _("Training")
    MANAGEMENT = "management", _("Management")
    IT = "it", _("IT and administration")


class ScopeLevel(models.TextChoices):
    """How far a role reaches when its holder works at head office."""

    ALL = "all", _("All organisations")
    REGION = "region", _("Organisations in the regions covered")
    ORGANISATION = "organisation", _("Own organisation")
