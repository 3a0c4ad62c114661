import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Part, Supplier, display_phone


class SupplierTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    contact_phone = tables.Column()
    categories = tables.Column(verbose_name=_("Categories supplied"), orderable=False)
    part_count = tables.Column(verbose_name=_("Parts"), orderable=True)

    class Meta:
        model = Supplier
        fields = ("code", "name", "short_name", "categories", "contact_person", "contact_phone",
                  "quality_contact_name", "part_count", "is_active")
        order_by = ("code",)

    def render_contact_phone(self, value):
        return display_phone(value)

    def render_categories(self, record):
        return "、".join(record.get_categories_display()) or "—"


class PartTable(tables.Table):
    part_number = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    supplier = tables.Column(linkify=True, order_by=("supplier__code",))
    price = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})

    class Meta:
        model = Part
        fields = ("part_number", "name", "category", "unit", "price", "supplier", "is_key_part", "is_accessory",
                  "is_active")
        order_by = ("part_number",)

    def render_price(self, value):
        return f"¥{value:,.2f}"
