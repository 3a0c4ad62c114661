from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import ServiceModelForm

from .models import Department, Organisation, Region, StaffProfile


class RegionForm(ServiceModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "kind", "parent"]


class OrganisationForm(ServiceModelForm):
    class Meta:
        model = Organisation
        fields = ["code", "name", "short_name", "kind", "region", "group", "address", "phone", "contact_person",
                  "contract_start", "contract_end", "status", "opens_weekends"]
        widgets = {"contract_start": forms.DateInput(), "contract_end": forms.DateInput()}


class DepartmentForm(ServiceModelForm):
    class Meta:
        model = Department
        fields = ["organisation", "kind", "name", "manager", "parent", "email"]

    scoped_fields = ("organisation", "manager", "parent")


class StaffForm(ServiceModelForm):
    username = forms.CharField(label=_("Username"), max_length=150, required=False,
                               help_text=_("Login name; defaults to the staff code."))
    password = forms.CharField(label=_("Initial password"), required=False, widget=forms.PasswordInput,
                               help_text=_("Leave empty to let the user set one later."))

    scoped_fields = ("organisation", "department", "team_lead")

    class Meta:
        model = StaffProfile
        fields = ["organisation", "department", "team_lead", "employee_code", "display_name", "title", "mobile",
                  "email", "roles", "regions_covered", "skills", "available"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("username")
            self.fields.pop("password")

    def service_data(self):
        data, m2m = super().service_data()
        for extra in ("username", "password"):
            if extra in self.cleaned_data:
                data[extra] = self.cleaned_data[extra]
        return data, m2m
