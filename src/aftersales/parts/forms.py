from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import ServiceModelForm

from .choices import PartCategory
from .models import Part, Supplier, display_phone
from .validators import PART_NUMBER_MAX_LENGTH, normalise_part_number, part_number_validator


class PartNumberField(forms.CharField):
    """Upper-cases and folds full-width input before the pattern check, so "mt-2200-01" is accepted."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PART_NUMBER_MAX_LENGTH)
        kwargs.setdefault("validators", [part_number_validator])
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalise_part_number(super().to_python(value))


class KeyPartSelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("By category")), ("true", _("Yes")), ("false", _("No"))]


class SupplierForm(ServiceModelForm):
    categories = forms.MultipleChoiceField(label=_("Categories supplied"), choices=PartCategory.choices,
                                           required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Supplier
        fields = ["code", "name", "short_name", "categories", "address", "contact_person", "contact_phone",
                  "quality_contact_name", "quality_contact_phone", "quality_contact_email", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].widget.attrs["class"] = "form-check-input"
        for name in ("contact_phone", "quality_contact_phone"):
            self.fields[name].widget.attrs.setdefault("inputmode", "tel")
            self.fields[name].help_text = _("Mobile, landline with area code, or 400/800 number.")
            if self.instance.pk and self.initial.get(name):
                # Show the stored E.164 number the way people type it.
                self.initial[name] = display_phone(self.initial[name])


class PartForm(ServiceModelForm):
    part_number = PartNumberField(label=_("Part number"), help_text=_("Letters, digits and hyphens, e.g. MT-2200-01."))
    is_key_part = forms.NullBooleanField(label=_("Key part"), required=False, widget=KeyPartSelect,
                                         help_text=_("By category: monitored key-part categories are key parts."))

    class Meta:
        model = Part
        fields = ["part_number", "name", "category", "unit", "price", "supplier", "is_key_part", "is_accessory",
                  "warranty_months", "warranty_km", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checked here too (not only in the service) so every error shows at once.
        self.fields["price"].validators.append(MinValueValidator(Decimal("0")))
        self.fields["price"].widget.attrs.update(min="0", step="0.01")
        # Active suppliers, plus the current one of a part being edited even if it was deactivated since.
        current = Q(pk=self.instance.supplier_id) if self.instance.supplier_id else Q(pk__in=[])
        self.fields["supplier"].queryset = Supplier.objects.filter(Q(is_active=True) | current).order_by("code")

