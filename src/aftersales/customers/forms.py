"""Forms never save: views hand ``service_data()`` to the services; errors come back beside fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.forms import ServiceModelForm, style_form
from aftersales.core.pickers import PickerField, use_pickers

from .choices import MileageSource
from .models import (
    Customer,
    CustomerAddress,
    CustomerDocument,
    MaintenancePlan,
    PartWarrantyTerm,
    Vehicle,
    VehicleModel,
    WarrantyPolicy,
)
from .validation import check_phone, check_plate, check_primary_phone_kind, check_resident_id, check_vin


class CustomerForm(ServiceModelForm):
    """On create also asks for the primary phone (+ one more) and the first address."""

    phone = forms.CharField(label=_("Primary phone"), max_length=32, help_text=_(
        "A mobile for an individual; a fleet or company may give a landline with area code, or 400/800."))
    phone2 = forms.CharField(label=_("Other phone"), max_length=32, required=False)
    address_province = forms.CharField(label=pgettext_lazy("address", "Province"), max_length=20, required=False)
    address_city = forms.CharField(label=pgettext_lazy("address", "City"), max_length=30, required=False)
    address_district = forms.CharField(label=_("District"), max_length=30, required=False)
    address_detail = forms.CharField(label=_("Street address"), max_length=200)

    create_only = ("phone", "phone2", "address_province", "address_city", "address_district", "address_detail")

    scoped_fields = ("owning_dealer", "responsible")

    class Meta:
        model = Customer
        fields = ["kind", "name", "gender", "person_in_charge", "region", "owning_dealer", "responsible", "source",
                  "resident_id", "first_visit_at", "desired_services", "notes"]
        widgets = {"first_visit_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "desired_services": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in self.create_only:
                self.fields.pop(name)
        elif not self.is_bound:
            self.fields["first_visit_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        if self.user is not None:
            profile = getattr(self.user, "staff_profile", None)
            if profile is not None and not self.instance.pk and not self.is_bound:
                self.fields["owning_dealer"].initial = profile.organisation_id
                self.fields["region"].initial = profile.organisation.region_id

    # Format checks per field, so a missing required field never hides them (issue 8 item 3); the
    # service runs the same checks again for the API and the import.
    def clean_phone(self):
        return _checked(check_phone, self.cleaned_data.get("phone"))

    def clean_phone2(self):
        return _checked(check_phone, self.cleaned_data.get("phone2"))

    def clean_resident_id(self):
        return _checked(check_resident_id, self.cleaned_data.get("resident_id"))

    def clean(self):
        cleaned = super().clean()
        phone = cleaned.get("phone")
        if phone and "phone" not in self.errors:  # an individual's primary phone is a mobile (R-CUS-1)
            try:
                check_primary_phone_kind(cleaned.get("kind"), check_phone(phone)["kind"])
            except ValidationError as exc:
                self.add_error("phone", exc)
        return cleaned

    def service_data(self):
        data, m2m = super().service_data()
        if not self.instance.pk:
            data["phones"] = [p for p in (self.cleaned_data.get("phone"), self.cleaned_data.get("phone2")) if p]
            data["addresses"] = [{"province": self.cleaned_data.get("address_province", ""),
                                  "city": self.cleaned_data.get("address_city", ""),
                                  "district": self.cleaned_data.get("address_district", ""),
                                  "detail": self.cleaned_data["address_detail"]}]
        return data, m2m


def _checked(check, value):
    """Run one identifier check on a typed value; the value goes on to the service as typed."""
    if value:
        check(value)
    return value


class PhoneForm(forms.Form):
    number = forms.CharField(label=_("Phone"), max_length=32)
    label = forms.CharField(label=_("Label"), max_length=20, required=False)
    make_primary = forms.BooleanField(label=_("Make primary"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class AddressForm(ServiceModelForm):
    make_primary = forms.BooleanField(label=_("Make primary"), required=False)

    class Meta:
        model = CustomerAddress
        fields = ["label", "province", "city", "district", "detail", "postcode"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("make_primary")


class VehicleForm(ServiceModelForm):
    allow_other_plate = forms.BooleanField(
        label=_("Special plate"), required=False,
        help_text=_("Emergency, test, military or embassy plates are stored as they are."))

    scoped_fields = ("selling_dealer", "servicing_dealer", "owner")

    class Meta:
        model = Vehicle
        fields = ["vin", "vin_override_reason", "plate", "vehicle_model", "colour", "production_date",
                  "production_batch", "selling_dealer", "servicing_dealer", "owner", "sale_date", "invoice_date",
                  "delivery_date", "current_mileage"]
        widgets = {"production_date": forms.DateInput(), "sale_date": forms.DateInput(),
                   "invoice_date": forms.DateInput(), "delivery_date": forms.DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vin_override_reason"].help_text = _(
            "Only for a legacy or grey-import VIN whose check digit or model-year code fails; the override is "
            "audited.")
        if self.instance.pk:
            self.fields.pop("current_mileage")
            self.fields["owner"].help_text = _("Changing the owner ends the current ownership and starts a new one.")
        self.fields["vehicle_model"].queryset = VehicleModel.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        vin, plate = cleaned.get("vin"), cleaned.get("plate")
        if vin and "vin" not in self.errors:
            try:
                check_vin(vin, override_reason=cleaned.get("vin_override_reason") or "")
            except ValidationError as exc:
                self.add_error("vin", exc)
        if plate and "plate" not in self.errors:
            try:
                check_plate(plate, allow_other=bool(cleaned.get("allow_other_plate")))
            except ValidationError as exc:
                self.add_error("plate", exc)
        return cleaned

    def service_data(self):
        data, m2m = super().service_data()
        data["allow_other_plate"] = self.cleaned_data.get("allow_other_plate", False)
        return data, m2m


class MileageForm(forms.Form):
    reading_km = forms.IntegerField(label=_("Mileage (km)"), min_value=0)
    read_on = forms.DateField(label=_("Read on"), required=False, widget=forms.DateInput())
    source = forms.ChoiceField(label=_("Source"), choices=MileageSource.choices, initial=MileageSource.RECEPTION)
    reason = forms.CharField(label=_("Reason for a lower reading"), max_length=200, required=False,
                             help_text=_("Needed for a lower reading and when the odometer was replaced "
                                         "(choose “Odometer replaced” as the source)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class ChangeOwnerForm(forms.Form):
    # A search box over the user's customers, never a select of all of them (issue 8 item 6).
    new_owner = PickerField(Customer.objects.none(), kind="customers", label=_("New owner"))
    on = forms.DateField(label=_("Changed on"), required=False, widget=forms.DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].queryset = Customer.objects.restrict(user)
        use_pickers(self, user)
        style_form(self)


class KeyPartLotForm(forms.Form):
    category = forms.CharField(label=_("Part category"), max_length=24)
    lot_number = forms.CharField(label=_("Lot number"), max_length=40)
    serial_number = forms.CharField(label=_("Serial number"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             help_text=_("Why you need the unmasked data; the access is logged."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)
        self.fields["reason"].widget.attrs["placeholder"] = _("Reason for viewing, e.g. customer called back")


class VehicleModelForm(ServiceModelForm):
    class Meta:
        model = VehicleModel
        fields = ["code", "name", "series", "energy_type", "household_rules_apply", "launched_on"]
        widgets = {"launched_on": forms.DateInput()}


class WarrantyPolicyForm(ServiceModelForm):
    class Meta:
        model = WarrantyPolicy
        fields = ["vehicle_months", "vehicle_km", "sanbao_months", "sanbao_km", "notes"]


class MaintenancePlanForm(ServiceModelForm):
    class Meta:
        model = MaintenancePlan
        fields = ["first_service_months", "first_service_km", "interval_months", "interval_km"]


class PartWarrantyTermForm(ServiceModelForm):
    class Meta:
        model = PartWarrantyTerm
        fields = ["category", "months", "km"]


class DocumentForm(ServiceModelForm):
    scoped_fields = ("customer", "vehicle")

    class Meta:
        model = CustomerDocument
        fields = ["customer", "vehicle", "kind", "title", "number", "document_date", "amount", "received_on",
                  "content_text"]
        widgets = {"document_date": forms.DateInput(), "received_on": forms.DateInput(),
                   "content_text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The scan becomes a core attachment; its type is checked by content in the service.
        self.fields["file"] = forms.FileField(label=_("Scan"), required=False,
                                              help_text=_("Photo (JPG, PNG, GIF, WebP) or PDF."))
        style_form(self)

    def service_data(self) -> tuple[dict, dict]:
        data, m2m = super().service_data()
        if self.cleaned_data.get("file"):
            data["file"] = self.cleaned_data["file"]
        return data, m2m
