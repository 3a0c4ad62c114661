"""Base form: Bootstrap classes, the optimistic-lock version, and a clean split into service data."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .pickers import swap_pickers, use_pickers
from .validators.sanity import strip_invisible

#: An edit that does not say which version it started from (issue 7 item 10, R-SYS-3).
VERSION_REQUIRED = _("This edit does not say which version of the record it started from. "
                     "Reload the page and save again.")


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that never saves itself: views hand ``service_data()`` to the app's services."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Related fields whose choices are limited to the user's scope (the one scoping method).
    scoped_fields: tuple[str, ...] = ()
    # Foreign keys to a model with a registered picker kind (customers, vehicles, organisations,
    # parts) become search boxes (core/pickers); these stay plain selects.
    plain_selects: tuple[str, ...] = ()

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        swap_pickers(self, keep=self.plain_selects)
        if user is not None:
            for name in self.scoped_fields:
                if name in self.fields:
                    self.fields[name].queryset = self.fields[name].queryset.restrict(user)
        use_pickers(self, user)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                strip_text_input(field)
        if self.instance and self.instance.pk and hasattr(self.instance, "version"):
            self.fields["version"].initial = self.instance.version
        else:
            self.fields.pop("version")
        style_form(self)

    def clean(self):
        cleaned = super().clean()
        # An edit without the version it was loaded at would be last-writer-wins: refuse it.
        if "version" in self.fields and cleaned.get("version") is None and "version" not in self.errors:
            self.add_error(None, VERSION_REQUIRED)
        return cleaned

    def _post_clean(self):
        # Model validation happens in the service (full_clean there), so errors come back once.
        pass

    def service_data(self) -> tuple[dict, dict]:
        data, m2m = {}, {}
        for name in self.Meta.fields:
            if name not in self.cleaned_data:
                continue
            field = self.instance._meta.get_field(name)
            (m2m if field.many_to_many else data)[name] = self.cleaned_data[name]
        return data, m2m


def strip_text_input(field: forms.CharField) -> None:
    """The field drops invisible characters (zero-width spaces, BOM, bidi marks…) before its
    required check (ADR 0017): "​​" is as empty as "" and gets the same "required" error."""
    to_python = field.to_python

    def cleaned(value):
        return strip_invisible(to_python(value))

    field.to_python = cleaned


def style_form(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput,)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
