"""Parts master data: suppliers, the parts catalogue and the configurable key-part list.

All three are reference data for the whole network (``scope_rule = None``): a dealer needs the same
catalogue and supplier list as head office; who may read them is a model permission.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel
from aftersales.core.validators import format_phone, phone_validator

from .choices import PartCategory, PartUnit
from .validators import PART_NUMBER_MAX_LENGTH, part_number_validator

display_phone = format_phone  # kept name: parts pages and forms use it


class Supplier(BaseModel):
    """A parts supplier; its quality contact receives the parts-quality feedback of R-PRT-3."""

    code = models.CharField(_("supplier code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True, validators=[phone_validator])
    quality_contact_name = models.CharField(_("quality contact"), max_length=40, blank=True,
                                            help_text=_("Receives parts-quality feedback."))
    quality_contact_phone = models.CharField(_("quality contact phone"), max_length=32, blank=True,
                                             validators=[phone_validator])
    quality_contact_email = models.EmailField(_("quality contact e-mail"), blank=True)
    categories = models.JSONField(_("categories supplied"), default=list, blank=True,
                                  help_text=_("Part categories this supplier delivers."))
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("parts:supplier_detail", args=[self.pk])

    def clean(self):
        if not isinstance(self.categories, list):
            raise ValidationError({"categories": _("Give the categories as a list.")})
        unknown = [c for c in self.categories if c not in PartCategory.values]
        if unknown:
            raise ValidationError({"categories": _("Unknown part category: %(value)s.") % {
                "value": ", ".join(str(c) for c in unknown)}})

    def get_categories_display(self) -> list[str]:
        labels = dict(PartCategory.choices)
        return [str(labels[c]) for c in self.categories if c in labels]

    @property
    def contact_phone_display(self) -> str:
        return display_phone(self.contact_phone)

    @property
    def quality_contact_phone_display(self) -> str:
        return display_phone(self.quality_contact_phone)


class Part(BaseModel):
    """One catalogue entry.  ``warranty_months`` / ``warranty_km`` override the vehicle's terms when set."""

    part_number = models.CharField(_("part number"), max_length=PART_NUMBER_MAX_LENGTH, unique=True,
                                   validators=[part_number_validator])
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=PartCategory.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=PartUnit.choices, default=PartUnit.PIECE)
    price = models.DecimalField(_("unit price (yuan)"), max_digits=10, decimal_places=2, default=Decimal("0.00"),
                                validators=[MinValueValidator(Decimal("0"))])
    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="parts")
    is_key_part = models.BooleanField(_("key part"), default=False,
                                      help_text=_("Quality monitors failures of key parts by batch and supplier."))
    is_accessory = models.BooleanField(_("accessory"), default=False)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), null=True, blank=True,
                                                       help_text=_("Leave empty to use the vehicle's warranty."))
    warranty_km = models.PositiveIntegerField(_("warranty (km)"), null=True, blank=True,
                                              help_text=_("Leave empty to use the vehicle's warranty."))
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["part_number"]
        indexes = [
            models.Index(fields=["category"], name="parts_part_category"),
            models.Index(fields=["supplier"], name="parts_part_supplier"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="parts_part_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part_number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("parts:part_detail", args=[self.pk])

    def clean(self):
        if self.warranty_months == 0:
            raise ValidationError({"warranty_months": _("Leave empty to use the vehicle's warranty, or give at least one month.")})
        if self.warranty_km == 0:
            raise ValidationError({"warranty_km": _("Leave empty to use the vehicle's warranty, or give a distance.")})


class MonitoredPartCategory(BaseModel):
    """The configurable key-part list of R-QLT-2: vehicles record production lots per monitored
    category, and early warning counts failures per category, batch and supplier."""

    category = models.CharField(_("category"), max_length=20, choices=PartCategory.choices, unique=True)
    label = models.CharField(pgettext_lazy("display name", "label"), max_length=40, blank=True,
                             help_text=_("Leave empty to use the category's name."))
    is_monitored = models.BooleanField(_("monitored"), default=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=100)

    class Meta:
        verbose_name = _("monitored part category")
        verbose_name_plural = _("monitored part categories")
        ordering = ["order", "category"]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.label or str(self.get_category_display())
