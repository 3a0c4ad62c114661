"""Filter building blocks every app's FilterSets share (one FilterSet per model serves page and API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AnyYesNoWidget(django_filters.widgets.BooleanWidget):
    """Yes / no filter whose empty choice reads "Any" rather than "Unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


def yes_no_filter(label, **kwargs):
    return django_filters.BooleanFilter(label=label, widget=AnyYesNoWidget, **kwargs)


def active_filter():
    """The "in use / deactivated" filter every list has (a context keeps it apart from statuses
    such as an organisation's "Active" = 正常)."""
    return yes_no_filter(pgettext_lazy("record in use", "Active"), field_name="is_active")


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap classes on the filter widgets (date pickers for dates), wherever the form is shown."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            from .forms import style_form

            style_form(form)
            form._styled = True
        return form


class ScopedChoicesMixin:
    """Choice filters whose options are limited to what the user may see (``scoped_filters``)."""

    scoped_filters: tuple[str, ...] = ()

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            for name in self.scoped_filters:
                choices = self.filters[name].queryset
                self.filters[name].queryset = choices.model.objects.restrict(request.user)


class SearchFilterSet(StyledFilterSet):
    """Adds ``q``: a case-insensitive search over ``search_fields``."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for f in self.search_fields:
            q |= Q(**{f"{f}__icontains": value})
        return queryset.filter(q)
