"""Vehicle pages: list, detail with mileage / owner / key-part forms, edit (R-CUS-2).  Thin: reads
via selectors (scoped), writes via services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.masking import person_name, persons_in_scope
from aftersales.core.selectors import timeline_for_vehicle
from aftersales.core.views.generic import (
    ObjectDeactivateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    add_errors,
)

from .. import filtersets, forms, presenters, selectors, services, tables
from ..models import Vehicle
from ..warranty import coverage


class VehicleListView(ObjectListView):
    model = Vehicle
    selector = selectors.vehicle_list
    filterset_class = filtersets.VehicleFilterSet
    table_class = tables.VehicleTable
    add_url_name = "customers:vehicle_add"
    export_kind = "vehicles"


class VehicleDetailView(ObjectDetailView):
    model = Vehicle
    selector = selectors.vehicle_detail
    template_name = "customers/vehicle_detail.html"
    edit_url_name = "customers:vehicle_edit"
    deactivate_url_name = "customers:vehicle_deactivate"
    forms_override: dict = {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        vehicle = ctx["object"]
        user = self.request.user
        # Masking follows the row (issue 7 item 3): the owner, or an earlier one, who is now another
        # dealer's customer is masked here — name and phone, and no link to a page that is a 404.
        ownerships = list(vehicle.ownerships.all())
        held = persons_in_scope(user, [vehicle.owner_id, *(o.customer_id for o in ownerships)])
        for o in ownerships:
            o.in_scope = o.customer_id in held
            o.shown_name = person_name(o.customer.name, user, o.customer_id, in_scope=held)
        owner_in_scope = vehicle.owner_id in held
        ctx.update(
            coverage=coverage(vehicle, timezone.localdate()),
            readings=sorted(vehicle.mileage_readings.all(), key=lambda r: (r.read_on, r.pk), reverse=True),
            ownerships=ownerships,
            owner_in_scope=owner_in_scope,
            owner_name=person_name(vehicle.owner.name, user, vehicle.owner_id, in_scope=held) if vehicle.owner_id else "",
            owner_phone=presenters.phone(vehicle.owner.primary_phone, user, unmasked=owner_in_scope)
            if vehicle.owner_id else "",
            can_change=user.has_perm("customers.change_vehicle"),
            mileage_form=kwargs.get("mileage_form") or forms.MileageForm(),
            owner_form=kwargs.get("owner_form") or forms.ChangeOwnerForm(user=user),
            keypart_form=kwargs.get("keypart_form") or forms.KeyPartLotForm(),
            timeline=timeline_for_vehicle(vehicle, user=user),
        )
        return ctx


class _VehicleActionView(VehicleDetailView):
    """POST one small form of the vehicle page; errors re-render the page beside the field (400)."""

    form_name = ""

    def get_permission_required(self):
        return ["customers.change_vehicle"]

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.get_object().get_absolute_url())

    def post(self, request, *args, **kwargs):
        vehicle = self.get_object()
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                self.apply(vehicle, form.cleaned_data)
                return HttpResponseRedirect(vehicle.get_absolute_url())
            except ValidationError as exc:
                add_errors(form, exc)
        return self.render_to_response(self.get_context_data(**{self.form_name: form}), status=400)


class VehicleMileageView(_VehicleActionView):
    form_name = "mileage_form"

    def make_form(self, data):
        return forms.MileageForm(data)

    def apply(self, vehicle, cd):
        services.record_mileage(actor=self.request.user, vehicle=vehicle, reading_km=cd["reading_km"],
                                read_on=cd.get("read_on"), source=cd["source"], reason=cd.get("reason", ""))
        messages.success(self.request, _("Mileage recorded."))


class VehicleChangeOwnerView(_VehicleActionView):
    form_name = "owner_form"

    def make_form(self, data):
        return forms.ChangeOwnerForm(data, user=self.request.user)

    def apply(self, vehicle, cd):
        services.change_owner(actor=self.request.user, vehicle=vehicle, new_owner=cd["new_owner"], on=cd.get("on"),
                              reason=cd.get("reason", ""))
        messages.success(self.request, _("Owner changed."))


class VehicleKeyPartView(_VehicleActionView):
    form_name = "keypart_form"

    def make_form(self, data):
        return forms.KeyPartLotForm(data)

    def apply(self, vehicle, cd):
        services.set_key_part_lot(actor=self.request.user, vehicle=vehicle, **cd)


class VehicleEditView(ObjectEditView):
    model = Vehicle
    selector = selectors.vehicle_list
    form_class = forms.VehicleForm
    create_service = staticmethod(services.vehicle_create)
    update_service = staticmethod(services.vehicle_update)

    def get_form(self, instance):
        form = super().get_form(instance)
        owner = self.request.GET.get("owner")
        if instance is None and owner and not form.is_bound:
            form.fields["owner"].initial = owner
        return form


class VehicleDeactivateView(ObjectDeactivateView):
    model = Vehicle
    selector = selectors.vehicle_list
