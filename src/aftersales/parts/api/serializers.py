from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from ..choices import PartCategory
from ..models import MonitoredPartCategory, Part, Supplier
from ..validators import PART_NUMBER_MAX_LENGTH, normalise_part_number, part_number_validator


class PartNumberField(serializers.CharField):
    """Upper-cases and folds full-width input before the pattern and uniqueness checks."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PART_NUMBER_MAX_LENGTH)
        super().__init__(**kwargs)
        self.validators.append(part_number_validator)

    def to_internal_value(self, data):
        return normalise_part_number(super().to_internal_value(data))


class SupplierSerializer(serializers.ModelSerializer):
    categories = serializers.ListField(child=serializers.ChoiceField(choices=PartCategory.choices), required=False,
                                       help_text="Part category codes this supplier delivers.")

    class Meta:
        model = Supplier
        fields = ["id", "code", "name", "short_name", "address", "contact_person", "contact_phone",
                  "quality_contact_name", "quality_contact_phone", "quality_contact_email", "categories", "notes",
                  "is_active", "created_at", "updated_at", "version"]
        read_only_fields = ["is_active", "created_at", "updated_at"]
        extra_kwargs = {
            "version": {"read_only": False, "required": False},
            "contact_phone": {"help_text": "Any common Chinese form; stored and returned as E.164 (+86…)."},
            "quality_contact_phone": {"help_text": "Any common Chinese form; stored and returned as E.164 (+86…)."},
        }


class PartSerializer(serializers.ModelSerializer):
    part_number = PartNumberField()
    supplier_name = serializers.CharField(source="supplier.name", read_only=True, allow_null=True, default=None)
    is_key_part = serializers.BooleanField(
        required=False, allow_null=True,
        help_text="Omit (create) or send null to follow the category: monitored key-part categories are key parts.",
    )
    is_accessory = serializers.BooleanField(required=False, allow_null=True,
                                            help_text="Omit (create) or send null to follow the category.")

    class Meta:
        model = Part
        fields = ["id", "part_number", "name", "category", "unit", "price", "supplier", "supplier_name",
                  "is_key_part", "is_accessory", "warranty_months", "warranty_km", "notes", "is_active",
                  "created_at", "updated_at", "version"]
        read_only_fields = ["is_active", "created_at", "updated_at"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ModelSerializer does not add the unique check to a declared field; add it back.
        self.fields["part_number"].validators.append(
            UniqueValidator(queryset=Part.objects.all(), message=_("A part with this part number already exists.")))


class MonitoredPartCategorySerializer(serializers.ModelSerializer):
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    display_label = serializers.CharField(read_only=True)

    class Meta:
        model = MonitoredPartCategory
        fields = ["id", "category", "category_display", "label", "display_label", "is_monitored", "order"]
