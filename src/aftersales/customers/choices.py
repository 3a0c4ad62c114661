from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Individual")
    FLEET = "fleet", _("Fleet")
    COMPANY = "company", _("Company")


class CustomerSource(models.TextChoices):
    PURCHASE = "purchase", _("Bought a car")
    WALK_IN = "walk_in", _("Walk-in")
    CALL_CENTRE = "call_centre", _("Call centre")
    REFERRAL = "referral", _("Referral")
    ONLINE = "online", _("Online")
    EVENT = "event", _("Event")
    IMPORT = "import", _("Imported")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    UNKNOWN = "", _("Not given")
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    LANDLINE = "landline", _("Landline")
    SERVICE = "service", _("400/800 number")


class EnergyType(models.TextChoices):
    BEV = "bev", _("Battery electric")
    PHEV = "phev", _("Plug-in hybrid")
    EREV = "erev", _("Range-extended electric")
    ICE = "ice", _("Combustion engine")


class MileageSource(models.TextChoices):
    RECEPTION = "reception", _("Vehicle reception")
    CUSTOMER = "customer", _("Reported by customer")
    TELEMATICS = "telematics", _("Telematics")
    IMPORT = "import", _("Imported")
    SALE = "sale", _("At sale")
    # The first reading of a new odometer (cluster replaced): later readings compare with it.
    ODOMETER_REPLACED = "odometer", _("Odometer replaced")


class DocumentKind(models.TextChoices):
    SERVICE_RECEIPT = "service_receipt", _("After-sales service receipt")
    INVOICE = "invoice", _("Invoice")
    WARRANTY_CARD = "warranty_card", _("Warranty card")
    DELIVERY_FORM = "delivery_form", _("Delivery confirmation")
    SURVEY_FORM = "survey_form", _("Satisfaction survey form")
    ID_COPY = "id_copy", _("Copy of ID")
    INSURANCE = "insurance", _("Insurance policy")
    OTHER = "other", _("Other")


class WarrantyStatus(models.TextChoices):
    IN_WARRANTY = "in", _("In warranty")
    EXPIRED = "expired", _("Warranty expired")
    UNKNOWN = "unknown", _("Warranty start unknown")
