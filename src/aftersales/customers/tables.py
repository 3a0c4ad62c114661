import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aftersales.core.masking import person_name, persons_in_scope
from aftersales.core.validators import format_phone

from . import presenters
from .models import Customer, CustomerDocument, Vehicle, VehicleModel


class CustomerTable(tables.Table):
    """Sorts only on indexed columns (``core.sorting``): a million customers cannot be sorted by
    type, dealer, region or source on every page view."""

    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    kind = tables.Column(orderable=False)
    primary_phone = tables.Column(verbose_name=_("Primary phone"), orderable=False)
    owning_dealer = tables.Column(orderable=False)
    region = tables.Column(orderable=False)
    source = tables.Column(orderable=False)

    class Meta:
        model = Customer
        fields = ("code", "name", "kind", "primary_phone", "owning_dealer", "region", "source",
                  "first_visit_at", "archive_completed_at")
        order_by = ("-first_visit_at",)
        attrs = {"class": "table table-sm table-hover"}

    def render_primary_phone(self, value):
        return format_phone(presenters.phone(value, self.request.user))


class IncompleteArchiveTable(tables.Table):
    """Sorts only on indexed columns (``core.sorting``): after a large import every archive is
    incomplete, and a sort by type or dealer was a full sort of the archive (2–3 s at 1,000,000)."""

    name = tables.Column(linkify=True)
    kind = tables.Column(orderable=False)
    owning_dealer = tables.Column(orderable=False)
    missing = tables.Column(verbose_name=_("Missing"), empty_values=(), orderable=False)
    is_late = tables.BooleanColumn(verbose_name=_("Overdue"), orderable=False)

    class Meta:
        model = Customer
        fields = ("code", "name", "kind", "owning_dealer", "first_visit_at", "missing", "is_late")
        attrs = {"class": "table table-sm table-hover"}
        row_attrs = {"class": lambda record: "table-danger" if record.is_late else "",
                     "data-late": lambda record: "1" if record.is_late else "0"}

    def render_missing(self, record):
        from .services import missing_archive_fields

        labels = {"name": _("name"), "primary_phone": _("primary phone"), "address": _("address"),
                  "region": _("region"), "owning_dealer": _("owning dealer"), "vehicle": _("vehicle"),
                  "person_in_charge": _("person in charge")}
        missing = missing_archive_fields(record, has_address=record.has_address, has_vehicle=record.has_vehicle)
        return "、".join(str(labels[m]) for m in missing)


class VehicleTable(tables.Table):
    """Sorts only on indexed columns (``core.sorting``): owner, model and dealers sort by a related
    row's name, a join and a full sort of 1.5 million vehicles (2–5 s measured)."""

    vin = tables.Column(linkify=True)
    plate = tables.Column(linkify=True)
    owner = tables.Column(orderable=False)
    vehicle_model = tables.Column(orderable=False)
    selling_dealer = tables.Column(orderable=False)
    servicing_dealer = tables.Column(orderable=False)

    class Meta:
        model = Vehicle
        fields = ("vin", "plate", "vehicle_model", "production_batch", "owner", "selling_dealer",
                  "servicing_dealer", "sale_date", "current_mileage")
        attrs = {"class": "table table-sm table-hover"}

    def render_owner(self, value, record):
        """Masking follows the row (issue 7 item 3): an owner who is now another dealer's customer is
        shown masked (欧***) and without a link to a page that would be a 404."""
        held = self._owners_in_scope(record)
        name = person_name(value.name, self.request.user, record.owner_id, in_scope=held)
        if record.owner_id in held:
            return format_html('<a href="{}">{}</a>', value.get_absolute_url(), name)
        return name

    def _owners_in_scope(self, record) -> set[int]:
        """One query for the page's owners, not one per row (DESIGN.md rule 9)."""
        if getattr(self, "_held", None) is None:
            page = getattr(self, "page", None)
            records = [row.record for row in page.object_list] if page is not None else [record]
            self._held = persons_in_scope(self.request.user, {r.owner_id for r in records} | {record.owner_id})
        return self._held


class VehicleModelTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    vehicle_count = tables.Column(verbose_name=_("Vehicles"))
    warranty = tables.Column(verbose_name=_("Warranty"), empty_values=(), orderable=False)

    class Meta:
        model = VehicleModel
        fields = ("code", "name", "series", "energy_type", "warranty", "vehicle_count", "is_active")
        order_by = ("code",)
        attrs = {"class": "table table-sm table-hover"}

    def render_warranty(self, record):
        try:
            policy = record.warranty_policy
        except VehicleModel.warranty_policy.RelatedObjectDoesNotExist:
            policy = None
        if policy is None:
            return "—"
        return format_html("{} / {} km", _("%(n)s months") % {"n": policy.vehicle_months}, policy.vehicle_km)


class DocumentTable(tables.Table):
    title = tables.Column(linkify=True)
    customer = tables.Column(linkify=True)

    class Meta:
        model = CustomerDocument
        fields = ("kind", "title", "number", "customer", "vehicle", "document_date", "amount", "received_on",
                  "organisation")
        attrs = {"class": "table table-sm table-hover"}
