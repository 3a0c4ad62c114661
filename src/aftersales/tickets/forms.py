"""Intake, edit and transfer forms (R-TKT-1).  The customer comes from the page that opened the
intake (``?customer=<pk>``: the customer 360 page or the lookup's result), so no form ever lists a
million customers; the vehicle is a select of THAT customer's vehicles only."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import ServiceModelForm, style_form
from aftersales.core.timelines import actor_name
from aftersales.customers.models import Customer, Vehicle
from aftersales.org.models import Organisation

from .choices import TicketKind
from .filtersets import ticket_handlers
from .models import Ticket


class VehicleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, vehicle):
        return f"{vehicle.plate or '—'} · {vehicle.vin} · {vehicle.vehicle_model}"


class InlineRadioSelect(forms.RadioSelect):
    """The seven kinds side by side, one click each (Bootstrap ``form-check-inline``)."""

    template_name = "tickets/widgets/inline_radio.html"


class _TicketFields(ServiceModelForm):
    def _vehicles_of(self, customer_id):
        qs = Vehicle.objects.none()
        if customer_id and self.user is not None:
            qs = Vehicle.objects.restrict(self.user).filter(owner_id=customer_id, is_active=True)
        self.fields["vehicle"].queryset = qs.select_related("vehicle_model").order_by("plate", "id")
        self.fields["vehicle"].empty_label = _("No vehicle / not known")


class TicketIntakeForm(_TicketFields):
    """An agent opens a ticket in under a minute: kind, vehicle, location, description, priority."""

    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), widget=forms.HiddenInput,
                                      label=_("Customer"),
                                      error_messages={"required": _("Find the customer first (customer lookup).")})
    vehicle = VehicleChoiceField(queryset=Vehicle.objects.none(), required=False, label=_("Vehicle"))
    kind = forms.ChoiceField(choices=TicketKind.choices, widget=InlineRadioSelect, label=_("Ticket type"))
    allow_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The customer comes from the page that opened the intake, the vehicle from that customer's
    # own cars: neither is a search over everything in scope (the handling organisation is a picker).
    plain_selects = ("customer", "vehicle")

    class Meta:
        model = Ticket
        fields = ["customer", "kind", "vehicle", "location", "description", "priority", "organisation"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, customer_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None:
            self.fields["customer"].queryset = Customer.objects.restrict(self.user)
            self.fields["organisation"].queryset = Organisation.objects.restrict(self.user).filter(
                is_active=True).order_by("kind", "code")
            home = getattr(getattr(self.user, "staff_profile", None), "organisation_id", None)
            if home:
                self.fields["organisation"].initial = home
        if customer_id and not self.is_bound:
            self.initial["customer"] = customer_id
        raw = self.data.get("customer") if self.is_bound else self.initial.get("customer")
        self._vehicles_of(int(raw) if str(raw or "").isdigit() else None)
        self.fields["description"].widget.attrs.setdefault("placeholder", _("What the customer says, in their words."))

    def full_clean(self):
        super().full_clean()
        # The customer is a hidden field (it comes from the page that opened the intake): its
        # error is shown above the form, where the agent sees it.
        if self._errors and "customer" in self._errors:
            for error in self._errors.pop("customer"):
                self._errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield")).append(error)

    def service_data(self):
        data, m2m = super().service_data()
        data["allow_duplicate"] = bool(self.cleaned_data.get("allow_duplicate"))
        return data, m2m


class TicketEditForm(_TicketFields):
    """The generic edit: never the owner, the customer, the state or the number."""

    vehicle = VehicleChoiceField(queryset=Vehicle.objects.none(), required=False, label=_("Vehicle"))
    plain_selects = ("vehicle",)

    class Meta:
        model = Ticket
        fields = ["kind", "priority", "vehicle", "location", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._vehicles_of(self.instance.customer_id)


class HandlerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return actor_name(user)


class TicketTransferForm(forms.Form):
    to_user = HandlerChoiceField(queryset=get_user_model().objects.none(), label=_("Hand to"))
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.TextInput(
        attrs={"placeholder": _("Why the ticket changes hands")}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = ticket_handlers()
        if ticket is not None:
            qs = qs.exclude(pk=ticket.owner_id)
            self.fields["version"].initial = ticket.version
        self.fields["to_user"].queryset = qs
        style_form(self)
