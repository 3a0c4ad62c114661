"""API representations; personal data masked per role by ``presenters`` exactly as on the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework import serializers

from aftersales.core.api.serializers import ScopedRelatedMixin
from aftersales.core.validators import PlateKind
from aftersales.org.models import Organisation

from .. import presenters
from ..choices import MileageSource
from ..models import (
    Customer,
    CustomerDocument,
    MaintenancePlan,
    MileageReading,
    PartWarrantyTerm,
    Vehicle,
    VehicleModel,
    WarrantyPolicy,
)
from ..validation import check_phone, check_plate, check_primary_phone_kind, check_resident_id, check_vin


class AddressInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=20, required=False, allow_blank=True)
    province = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=30, required=False, allow_blank=True)
    district = serializers.CharField(max_length=30, required=False, allow_blank=True)
    detail = serializers.CharField(max_length=200)
    postcode = serializers.CharField(max_length=6, required=False, allow_blank=True)


def _checked(check, value):
    try:
        return check(value) if value else value
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None


class CustomerSerializer(ScopedRelatedMixin, serializers.ModelSerializer):
    scoped_fields = ("owning_dealer", "responsible")
    owning_dealer_name = serializers.CharField(source="owning_dealer.__str__", read_only=True)
    phones = serializers.SerializerMethodField()
    addresses = serializers.SerializerMethodField()
    phone_numbers = serializers.ListField(child=serializers.CharField(max_length=40), write_only=True,
                                         required=False, help_text="On create: phone numbers, the first is primary.")
    new_addresses = AddressInputSerializer(many=True, write_only=True, required=False,
                                           help_text="On create: addresses, the first is primary.")

    class Meta:
        model = Customer
        fields = ["id", "code", "kind", "name", "name_initials", "gender", "person_in_charge", "region",
                  "owning_dealer", "owning_dealer_name", "responsible", "source", "primary_phone", "phones",
                  "addresses", "resident_id", "tags", "desired_services", "notes", "first_visit_at",
                  "archive_completed_at", "is_active", "created_at", "updated_at", "version", "phone_numbers",
                  "new_addresses"]
        read_only_fields = ["code", "name_initials", "primary_phone", "archive_completed_at", "is_active",
                            "created_at", "updated_at"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}

    # Field-level, with the form's and the service's checks: every bad field is reported at once, even
    # beside a missing required one (issue 8 item 3).
    def validate_resident_id(self, value):
        return _checked(check_resident_id, value)

    def to_internal_value(self, data):
        """Bad phone numbers are reported under ``phones`` (the service's name for them) together with
        every other field's errors."""
        errors, value = {}, None
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = dict(exc.detail)
        numbers = data.get("phone_numbers") if hasattr(data, "get") else None
        messages, kinds = [], []
        for number in numbers if isinstance(numbers, list) else []:
            try:
                if isinstance(number, str) and number.strip():
                    kinds.append(check_phone(number)["kind"])
            except DjangoValidationError as exc:
                messages.extend(m for m in exc.messages if m not in messages)
        if kinds and not messages and self.instance is None:
            try:  # the first number is the primary: an individual's is a mobile (R-CUS-1)
                check_primary_phone_kind(data.get("kind"), kinds[0])
            except DjangoValidationError as exc:
                messages.extend(exc.messages)
        if messages:
            errors["phones"] = messages
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def get_phones(self, obj) -> list[dict]:
        return self._contact(obj)["phones"]

    def get_addresses(self, obj) -> list[dict]:
        return self._contact(obj)["addresses"]

    def _contact(self, obj) -> dict:
        cache = self.context.setdefault("_contact_cache", {})
        if obj.pk not in cache:
            cache[obj.pk] = presenters.customer_contact(obj, self.context["request"].user)
        return cache[obj.pk]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        contact = self._contact(instance)
        data["primary_phone"] = contact["primary_phone"]
        data["resident_id"] = contact["resident_id"]
        return data


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    fields = serializers.ListField(child=serializers.ChoiceField(choices=["phones", "addresses", "resident_id"]),
                                   required=False)


class RevealResultSerializer(serializers.Serializer):
    primary_phone = serializers.CharField(required=False)
    phones = serializers.ListField(child=serializers.CharField(), required=False)
    addresses = serializers.ListField(child=serializers.CharField(), required=False)
    resident_id = serializers.CharField(required=False)


class VehicleSerializer(ScopedRelatedMixin, serializers.ModelSerializer):
    scoped_fields = ("owner", "selling_dealer", "servicing_dealer")
    allow_other_plate = serializers.BooleanField(write_only=True, required=False, default=False)
    vehicle_model_name = serializers.CharField(source="vehicle_model.name", read_only=True)
    # A car without a plate (not registered yet) has no plate type: "" must be in the documented
    # enum, which a read-only model field loses (issue 7 item 12).
    plate_kind = serializers.ChoiceField(choices=PlateKind.choices, read_only=True, allow_blank=True,
                                         label=Vehicle._meta.get_field("plate_kind").verbose_name)

    class Meta:
        model = Vehicle
        fields = ["id", "vin", "vin_override_reason", "plate", "plate_kind", "allow_other_plate", "vehicle_model",
                  "vehicle_model_name", "colour", "production_date", "production_batch", "selling_dealer",
                  "servicing_dealer", "sale_date", "invoice_date", "delivery_date", "owner", "current_mileage",
                  "mileage_read_on", "is_active", "created_at", "updated_at", "version"]
        read_only_fields = ["plate_kind", "mileage_read_on", "is_active", "created_at", "updated_at"]
        extra_kwargs = {"version": {"read_only": False, "required": False},
                        "vin": {"validators": [], "max_length": 40}}

    def validate_vin(self, value):
        """Field-level, so a bad VIN is reported under ``vin`` even when other fields are missing; the
        same check (and message) as the form and the service (customers/validation.py)."""
        try:
            return check_vin(value, override_reason=self.initial_data.get("vin_override_reason") or "")[0]
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def validate_plate(self, value):
        if not value:
            return value
        try:
            return check_plate(value, allow_other=bool(self.initial_data.get("allow_other_plate")))[0]
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class MileageInputSerializer(serializers.Serializer):
    reading_km = serializers.IntegerField(min_value=0)
    read_on = serializers.DateField(required=False)
    source = serializers.ChoiceField(choices=MileageSource.choices, default=MileageSource.RECEPTION)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MileageReadingSerializer(serializers.ModelSerializer):
    class Meta:
        model = MileageReading
        fields = ["id", "vehicle", "reading_km", "read_on", "source", "override_reason", "created_at"]


class ChangeOwnerSerializer(serializers.Serializer):
    new_owner = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def validate_new_owner(self, value):
        if not Customer.objects.restrict(self.context["request"].user).filter(pk=value.pk).exists():
            raise serializers.ValidationError(
                serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=value.pk))
        return value


class PartWarrantyTermSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartWarrantyTerm
        fields = ["category", "months", "km"]


class WarrantyPolicySerializer(serializers.ModelSerializer):
    part_terms = PartWarrantyTermSerializer(many=True, read_only=True)

    class Meta:
        model = WarrantyPolicy
        fields = ["vehicle_months", "vehicle_km", "sanbao_months", "sanbao_km", "notes", "part_terms"]


class MaintenancePlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaintenancePlan
        fields = ["first_service_months", "first_service_km", "interval_months", "interval_km"]


class VehicleModelSerializer(serializers.ModelSerializer):
    warranty_policy = WarrantyPolicySerializer(read_only=True, allow_null=True)
    maintenance_plan = MaintenancePlanSerializer(read_only=True, allow_null=True)

    class Meta:
        model = VehicleModel
        fields = ["id", "code", "name", "series", "energy_type", "household_rules_apply", "launched_on", "is_active",
                  "warranty_policy", "maintenance_plan", "version"]
        read_only_fields = ["is_active"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}


class CustomerDocumentSerializer(ScopedRelatedMixin, serializers.ModelSerializer):
    scoped_fields = ("customer", "vehicle", "organisation")
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    files = serializers.SerializerMethodField(help_text="The scans: links to the checking file view, never /media/.")

    def get_files(self, document) -> list[dict]:
        return [{"id": a.pk, "title": str(a), "type": a.mime_type, "size": a.size,
                 "url": reverse("core:attachment", args=[a.pk])} for a in document.attachments.all()]

    class Meta:
        model = CustomerDocument
        fields = ["id", "customer", "vehicle", "kind", "title", "number", "document_date", "amount", "files",
                  "content_text", "received_on", "organisation", "created_at", "version"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}
