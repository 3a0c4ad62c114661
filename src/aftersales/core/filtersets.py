"""Filter building blocks every app's FilterSets share (one FilterSet per model serves page and API)."""

import django_filters
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.utils import label_for_filter

from .pickers import PickerField, picker_for_model, use_pickers


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


_lazy_label = lazy(label_for_filter, str)


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap classes on the filter widgets (date pickers for dates), wherever the form is shown.

    A yes / no filter generated from a model's boolean field would start at Django's "未知"
    (unknown); here every one without a widget of its own reads 全部 / 是 / 否 (issue 8 item 1)."""

    @classmethod
    def get_filters(cls):
        # django-filter derives a missing label from the model field once, in the language active
        # at that moment, and keeps it: after an English API request a Chinese page said "Level".
        # A lazy label is worked out again in each request's language.
        filters = super().get_filters()
        model = cls._meta.model
        for f in filters.values():
            if f._label is None and model is not None:
                f._label = _lazy_label(model, f.field_name, f.lookup_expr, f.exclude)
        return filters

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.filters.values():
            if isinstance(f, django_filters.BooleanFilter) and "widget" not in f.extra:
                f.extra["widget"] = AnyYesNoWidget
            elif type(f) is django_filters.ModelChoiceFilter and f.queryset is not None and not callable(f.queryset):
                # A filter over customers, vehicles, organisations or parts is a search box, not a
                # select of every row in scope (core/pickers, issue 8 item 6); the API reads the id.
                kind = picker_for_model(f.queryset.model)
                if kind is not None:
                    f.field_class = PickerField
                    f.extra.update(kind=kind.key, keep_typed=False)

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            from .forms import style_form

            style_form(form)
            use_pickers(form, getattr(self.request, "user", None))
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
