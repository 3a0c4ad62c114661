"""The customer and vehicle archive (R-CUS-1..6, R-WS-5 plan data).

A vehicle is the centre: it carries its model (warranty policy and maintenance plan), selling and
servicing dealer, owner with ownership history, mileage readings and key-part lots.  Change history
of customers (address, phone, person in charge, owning dealer) is the audit trail itself: every
service writes events carrying ``customer_id`` so the customer's timeline is one indexed query.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel
from aftersales.core.scoping import ScopeRule
from aftersales.core.validators import PlateKind
from aftersales.core.validators.sanity import validate_not_in_future
from aftersales.parts.choices import PartCategory

from ..choices import CustomerKind, CustomerSource, DocumentKind, EnergyType, Gender, MileageSource, PhoneKind
from ..validation import validate_mileage_km, vehicle_date_errors


class VehicleModel(BaseModel):
    """车型: the warranty policy and maintenance plan hang off it."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    series = models.CharField(_("series"), max_length=40, blank=True)
    energy_type = models.CharField(_("energy type"), max_length=8, choices=EnergyType.choices, default=EnergyType.BEV)
    # 三包 (SAMR Order 43) applies to household passenger vehicles; commercial classes can be excluded.
    household_rules_apply = models.BooleanField(_("household 三包 rules apply"), default=True)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("vehicle model")
        verbose_name_plural = _("vehicle models")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:vehiclemodel_detail", args=[self.pk])


class WarrantyPolicy(BaseModel):
    """Whole-vehicle warranty and 三包 period of a model; per-part terms in ``PartWarrantyTerm``."""

    vehicle_model = models.OneToOneField(VehicleModel, verbose_name=_("vehicle model"), on_delete=models.CASCADE,
                                         related_name="warranty_policy")
    vehicle_months = models.PositiveSmallIntegerField(_("warranty months"), default=36)
    vehicle_km = models.PositiveIntegerField(_("warranty km"), default=60000)
    sanbao_months = models.PositiveSmallIntegerField(_("三包 months"), default=24)
    sanbao_km = models.PositiveIntegerField(_("三包 km"), default=50000)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("warranty policy")
        verbose_name_plural = _("warranty policies")

    def __str__(self) -> str:
        return f"{self.vehicle_model} {self.vehicle_months}/{self.vehicle_km}"


class PartWarrantyTerm(BaseModel):
    """Per-part coverage, e.g. traction battery 8 years / 150,000 km."""

    policy = models.ForeignKey(WarrantyPolicy, verbose_name=_("warranty policy"), on_delete=models.CASCADE,
                               related_name="part_terms")
    category = models.CharField(_("part category"), max_length=24)
    months = models.PositiveSmallIntegerField(_("months"))
    km = models.PositiveIntegerField(_("km"))

    class Meta:
        verbose_name = _("part warranty term")
        verbose_name_plural = _("part warranty terms")
        constraints = [models.UniqueConstraint(fields=["policy", "category"], name="uniq_part_term")]

    def __str__(self) -> str:
        return f"{self.category_label} {self.months}/{self.km}"

    @property
    def category_label(self) -> str:
        from ..warranty import part_category_label

        return part_category_label(self.category)


class MaintenancePlan(BaseModel):
    """首保 and 定保 of a model: whichever of months or km comes first."""

    vehicle_model = models.OneToOneField(VehicleModel, verbose_name=_("vehicle model"), on_delete=models.CASCADE,
                                         related_name="maintenance_plan")
    first_service_months = models.PositiveSmallIntegerField(_("first service after months"), default=3)
    first_service_km = models.PositiveIntegerField(_("first service after km"), default=3000)
    interval_months = models.PositiveSmallIntegerField(_("service interval months"), default=6)
    interval_km = models.PositiveIntegerField(_("service interval km"), default=10000)

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")

    def __str__(self) -> str:
        return f"{self.vehicle_model}: {self.first_service_months}/{self.first_service_km}, {self.interval_months}/{self.interval_km}"


class Customer(BaseModel):
    # Unique through ``Meta.constraints`` (not ``unique=True``, which on PostgreSQL also builds a
    # second, ``varchar_pattern_ops`` index for LIKE that nothing uses).
    code = models.CharField(_("customer no."), max_length=40)
    kind = models.CharField(_("customer type"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    # Pinyin initials of the name ("zs" for 张三) for lookup; kept by the services.  Not indexed
    # here: lookups go through the SearchKey table (customers.lookup), whose "I" keys index them.
    name_initials = models.CharField(_("pinyin initials"), max_length=40, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True, default="")
    resident_id = models.CharField(_("resident ID"), max_length=18, blank=True)
    person_in_charge = models.CharField(_("person in charge"), max_length=40, blank=True,
                                        help_text=_("Contact person of a fleet or company."))
    region = models.ForeignKey("org.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    # Indexed by cust_dealer_created (its leading column), not by a second single-column index.
    owning_dealer = models.ForeignKey("org.Organisation", verbose_name=_("owning dealer"), on_delete=models.PROTECT,
                                      related_name="customers", db_index=False)
    # Mostly empty: indexed only where set (cust_responsible), so bulk imports pay nothing for it.
    responsible = models.ForeignKey("org.StaffProfile", verbose_name=_("responsible staff"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    source = models.CharField(_("source"), max_length=16, choices=CustomerSource.choices, default=CustomerSource.PURCHASE)
    # Denormalised primary contact for lists and exports; the phone rows are the truth.
    primary_phone = models.CharField(_("primary phone"), max_length=32, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    desired_services = models.TextField(_("desired services"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    first_visit_at = models.DateTimeField(_("first visit"), null=True, blank=True, validators=[validate_not_in_future])
    archive_completed_at = models.DateTimeField(_("archive completed"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(paths=("owning_dealer",), grant_via=("self",))
    # What each value is, for masking everywhere (core.masking; keys include the names the services
    # use in audit changes).  The customer no. and a document no. are not personal data.
    personal_data = {"primary_phone": "phone", "phones": "phone", "resident_id": "resident_id",
                     "addresses": "address", "address": "address"}
    # Labels of the names the services use in audit changes besides fields (the change log tab).
    audit_labels = {"phones": _("phones"), "addresses": _("addresses"), "address": _("address")}

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("export_customer", "Can export customer data"),
            ("approve_customer_export", "Can approve exports of more than 1,000 customers"),
        ]
        indexes = [
            models.Index(fields=["owning_dealer", "-created_at"], name="cust_dealer_created"),
            models.Index(fields=["name"], name="cust_name"),
            models.Index(fields=["first_visit_at"], name="cust_first_visit"),  # the list's default sort
            models.Index(fields=["archive_completed_at", "first_visit_at"], name="cust_archive_state"),
            # 档案待完善 in its order, tie-break included: imported customers share a NULL first visit,
            # and without ``id`` in the index the first page sorted the whole archive (8 s at 1 M).
            models.Index(fields=["first_visit_at", "id"], name="cust_incomplete",
                         condition=Q(archive_completed_at__isnull=True, is_active=True)),
            models.Index(fields=["responsible"], condition=Q(responsible__isnull=False), name="cust_responsible"),
        ]
        constraints = [models.UniqueConstraint(fields=["code"], name="cust_code_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:customer_detail", args=[self.pk])

    def audit_subjects(self) -> dict:
        return {"organisation_id": self.owning_dealer_id, "customer_id": self.pk}


class CustomerPhone(BaseModel):
    # Indexed by uniq_customer_phone (customer, number), whose leading column it is.
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="phones", db_index=False)
    number = models.CharField(_("phone"), max_length=32, help_text=_("Stored as E.164, e.g. +8613812345678."))
    # National digits reversed ("87654321831"): the source of the lookup's "last N digits" keys
    # (SearchKey "P" rows, which are indexed); not indexed here.
    digits_reversed = models.CharField(max_length=20, editable=False)
    kind = models.CharField(_("type"), max_length=10, choices=PhoneKind.choices, default=PhoneKind.MOBILE)
    label = models.CharField(_("label"), max_length=20, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    scope_rule = ScopeRule(paths=("customer__owning_dealer",), grant_via=("customer",))
    personal_data = {"number": "phone"}

    class Meta:
        verbose_name = _("customer phone")
        verbose_name_plural = _("customer phones")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="uniq_customer_phone"),
            models.UniqueConstraint(fields=["customer"], condition=Q(is_primary=True), name="one_primary_phone"),
        ]
        indexes = [models.Index(fields=["number"], name="custphone_number")]

    def __str__(self) -> str:
        return self.number

    def audit_subjects(self) -> dict:
        return {"customer_id": self.customer_id}


class CustomerAddress(BaseModel):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=20, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    detail = models.CharField(_("street address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    scope_rule = ScopeRule(paths=("customer__owning_dealer",), grant_via=("customer",))
    personal_data = {"detail": "address", "address": "address"}
    audit_labels = {"address": _("address")}

    class Meta:
        verbose_name = _("customer address")
        verbose_name_plural = _("customer addresses")
        ordering = ["-is_primary", "id"]
        constraints = [models.UniqueConstraint(fields=["customer"], condition=Q(is_primary=True),
                                               name="one_primary_address")]

    def __str__(self) -> str:
        return f"{self.province}{self.city}{self.district}{self.detail}"

    def get_absolute_url(self) -> str:
        # An address has no page of its own: it is shown, and edited from, its customer's page.
        return self.customer.get_absolute_url()

    def audit_subjects(self) -> dict:
        return {"customer_id": self.customer_id}


class Vehicle(BaseModel):
    vin = models.CharField(_("VIN"), max_length=17, unique=True)
    # Legacy / grey-import VINs that fail the check digit are accepted only with an audited reason.
    vin_override_reason = models.CharField(_("VIN check override reason"), max_length=200, blank=True)
    plate = models.CharField(_("plate"), max_length=16, blank=True, db_index=True)
    plate_kind = models.CharField(_("plate type"), max_length=20, choices=PlateKind.choices, blank=True)
    vehicle_model = models.ForeignKey(VehicleModel, verbose_name=_("vehicle model"), on_delete=models.PROTECT,
                                      related_name="vehicles")
    colour = models.CharField(_("colour"), max_length=20, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True, validators=[validate_not_in_future])
    production_batch = models.CharField(_("production batch"), max_length=30, blank=True, db_index=True)
    selling_dealer = models.ForeignKey("org.Organisation", verbose_name=_("selling dealer"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="sold_vehicles")
    servicing_dealer = models.ForeignKey("org.Organisation", verbose_name=_("servicing dealer"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="serviced_vehicles")
    sale_date = models.DateField(_("sale date"), null=True, blank=True, validators=[validate_not_in_future])
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True, validators=[validate_not_in_future])
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True, validators=[validate_not_in_future])
    owner = models.ForeignKey(Customer, verbose_name=_("owner"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="vehicles")
    current_mileage = models.PositiveIntegerField(_("mileage (km)"), default=0, validators=[validate_mileage_km])
    mileage_read_on = models.DateField(_("mileage read on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(paths=("selling_dealer", "servicing_dealer", "owner__owning_dealer"),
                           grant_via=("self", "owner"))
    # The owner's name in audit changes is masked for a user whose scope no longer holds the owner
    # (sold here, now another dealer's customer; issue 7 item 3) — by the row only (core.masking).
    personal_data = {"owner": "name"}

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["vehicle_model", "production_batch"], name="veh_model_batch"),
            models.Index(fields=["selling_dealer", "sale_date"], name="veh_dealer_sale"),
            models.Index(fields=["owner"], name="veh_owner"),
            models.Index(fields=["sale_date"], name="veh_sale_date"),  # list sorts (core.sorting)
            # the default order (Meta.ordering): without it the vehicle list sorted 1.5 million rows (7 s)
            models.Index(fields=["-created_at", "-id"], name="veh_created"),
            models.Index(fields=["current_mileage"], name="veh_mileage"),
        ]

    def __str__(self) -> str:
        return f"{self.plate or '—'} · {self.vin}"

    def get_absolute_url(self) -> str:
        return reverse("customers:vehicle_detail", args=[self.pk])

    def clean(self):
        """Produced, then sold, then delivered (issue 8 item 8): the same rule the import applies."""
        errors = vehicle_date_errors(production_date=self.production_date, sale_date=self.sale_date,
                                     delivery_date=self.delivery_date)
        if errors:
            raise ValidationError(errors)

    def audit_subjects(self) -> dict:
        return {"organisation_id": self.servicing_dealer_id or self.selling_dealer_id, "customer_id": self.owner_id,
                "vehicle_id": self.pk}

    @property
    def warranty_start(self):
        """三包 counts from invoice or delivery, whichever is later (DOMAIN.md) — from valid dates only
        (issue 8 item 8): a date in the future, before the production or (invoice, delivery) before
        the sale, as rows older than the checks may hold, is left out instead of moving the period."""
        today = timezone.localdate()

        def valid(d, *not_before):
            return d is not None and d <= today and all(d >= b for b in not_before if b is not None)

        sale = self.sale_date if valid(self.sale_date, self.production_date) else None
        dates = [d for d in (self.invoice_date, self.delivery_date) if valid(d, self.production_date, sale)]
        return max(dates) if dates else sale


class VehicleOwnership(BaseModel):
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("vehicle"), on_delete=models.CASCADE, related_name="ownerships")
    customer = models.ForeignKey(Customer, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="ownerships")
    started_on = models.DateField(pgettext_lazy("period start", "from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    scope_rule = ScopeRule(paths=("vehicle__selling_dealer", "vehicle__servicing_dealer", "customer__owning_dealer"),
                           grant_via=("vehicle",))
    personal_data = {"customer": "name"}

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownership history")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.vehicle_id} → {self.customer}"

    def audit_subjects(self) -> dict:
        return {"customer_id": self.customer_id, "vehicle_id": self.vehicle_id}


class MileageReading(BaseModel):
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("vehicle"), on_delete=models.CASCADE, related_name="mileage_readings")
    reading_km = models.PositiveIntegerField(_("mileage (km)"), validators=[validate_mileage_km])
    read_on = models.DateField(_("read on"))
    source = models.CharField(_("source"), max_length=12, choices=MileageSource.choices, default=MileageSource.RECEPTION)
    # A reading below the previous one needs a reason (odometer replaced, typing error corrected).
    override_reason = models.CharField(_("reason for lower reading"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL,
                                    related_name="+")

    scope_rule = ScopeRule(paths=("vehicle__selling_dealer", "vehicle__servicing_dealer"), grant_via=("vehicle",))

    class Meta:
        verbose_name = _("mileage reading")
        verbose_name_plural = _("mileage readings")
        ordering = ["-read_on", "-id"]
        indexes = [models.Index(fields=["vehicle", "-read_on"], name="mileage_vehicle_date")]

    def __str__(self) -> str:
        return f"{self.reading_km} km @ {self.read_on}"

    def audit_subjects(self) -> dict:
        return {"vehicle_id": self.vehicle_id}


class KeyPartLot(BaseModel):
    """Which lot of a monitored key part (motor, controller, …) this vehicle carries (R-QLT-3 later)."""

    vehicle = models.ForeignKey(Vehicle, verbose_name=_("vehicle"), on_delete=models.CASCADE, related_name="key_parts")
    category = models.CharField(_("part category"), max_length=24, choices=PartCategory.choices)
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    supplier = models.ForeignKey("parts.Supplier", verbose_name=_("supplier"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    lot_number = models.CharField(_("lot number"), max_length=40)
    serial_number = models.CharField(_("serial number"), max_length=60, blank=True)

    scope_rule = ScopeRule(paths=("vehicle__selling_dealer", "vehicle__servicing_dealer"), grant_via=("vehicle",))

    class Meta:
        verbose_name = _("key-part lot")
        verbose_name_plural = _("key-part lots")
        constraints = [models.UniqueConstraint(fields=["vehicle", "category"], name="uniq_vehicle_keypart")]
        indexes = [models.Index(fields=["category", "supplier", "lot_number"], name="keypart_lot")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.lot_number}"


def document_upload_to(instance, filename: str) -> str:
    """Kept for migration 0001; scans are attachments now (core.Attachment, ADR 0009)."""
    return f"customer-documents/{instance.customer_id}/{filename}"


class CustomerDocument(BaseModel):
    """Receipts and forms returned by customers, entered and searchable (R-CUS-6)."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="documents")
    vehicle = models.ForeignKey(Vehicle, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents",
                                verbose_name=_("vehicle"))
    kind = models.CharField(_("document type"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=100)
    number = models.CharField(_("document no."), max_length=40, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True, validators=[validate_not_in_future])
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    # The scan(s): core attachments of kind "scan", served through the attachment view (ADR 0009).
    attachments = GenericRelation("core.Attachment", verbose_name=_("attachments"), content_type_field="parent_type",
                                  object_id_field="parent_id")
    content_text = models.TextField(_("content / remarks"), blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True, validators=[validate_not_in_future])
    organisation = models.ForeignKey("org.Organisation", verbose_name=_("entered by organisation"),
                                     on_delete=models.PROTECT, related_name="+")

    scope_rule = ScopeRule(paths=("organisation", "customer__owning_dealer"), grant_via=("customer",))

    class Meta:
        verbose_name = _("customer document")
        verbose_name_plural = _("customer documents")
        ordering = ["-document_date", "-id"]
        indexes = [models.Index(fields=["kind", "document_date"], name="custdoc_kind_date"),
                   models.Index(fields=["customer", "kind"], name="custdoc_customer_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or self.title}"

    def get_absolute_url(self) -> str:
        return reverse("customers:document_detail", args=[self.pk])

    def audit_subjects(self) -> dict:
        return {"organisation_id": self.organisation_id, "customer_id": self.customer_id, "vehicle_id": self.vehicle_id}
