"""What the inherited test cases share (``model_cases``): the model description a concrete class
fills in and the helpers every case uses to act as a user."""

from __future__ import annotations

import datetime
import decimal
from typing import Any, ClassVar

from django import forms
from django.db.models import Model
from django.urls import reverse

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# The translated stale-version message the form shows (core/locale/zh_Hans), spelt out here so a
# test does not take its expected text from the code under test.
STALE_MESSAGE_ZH = "已有其他人保存了修改"  # the stale-edit panel (core/views/stale.py)


def form_initial(form) -> dict[str, Any]:
    """What a browser would post back unchanged for ``form``: every field's initial value as text."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue  # a browser never posts a stored file back
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on" if field.widget.__class__.__name__ == "CheckboxInput" else "true"
            elif field.widget.__class__.__name__ != "CheckboxInput":
                data[name] = "false"
        elif isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal, int)):
            data[name] = str(value)
        else:
            data[name] = getattr(value, "pk", value)
    return data


class BaseCase:
    """What every case needs to know about the model; concrete classes set these."""

    model: ClassVar[type[Model]]
    #: URL name prefix of the pages: ``<prefix>_list``, ``_detail``, ``_add``, ``_edit``, ``_deactivate``.
    url_prefix: ClassVar[str]
    #: API collection path, e.g. ``"/api/parts/suppliers/"``.
    api_url: ClassVar[str]
    #: Role of the user who reads the rows (must see rows made at ``world.dealer_a``).
    reader_role: ClassVar[str] = "admin"
    #: Role of the user who writes (create, edit, deactivate).
    writer_role: ClassVar[str] = "admin"
    #: Attribute whose value identifies the row on the pages.
    label_field: ClassVar[str] = "name"
    #: Audit action prefix when the app's services name it differently from ``<app>.<model_name>``.
    audit_prefix: ClassVar[str | None] = None

    def make(self, world, organisation) -> Model:
        """A new valid row belonging to ``organisation`` (ignored by network-wide reference data)."""
        raise NotImplementedError

    # Helpers ----------------------------------------------------------------------------------

    def label(self, obj) -> str:
        return str(getattr(obj, self.label_field))

    def url(self, suffix: str, obj=None) -> str:
        return reverse(f"{self.url_prefix}_{suffix}", args=[obj.pk] if obj is not None else [])

    def api_detail(self, obj) -> str:
        return f"{self.api_url}{obj.pk}/"

    def page_client(self, client, world, role: str):
        client.force_login(world.user(role))
        return client

    def api_as(self, api_client, world, role: str):
        api_client.force_authenticate(world.user(role))
        return api_client

    def reload(self, obj):
        return type(obj)._base_manager.get(pk=obj.pk)

    def list_results(self, client, params=None) -> str:
        """The list's results table only (the htmx partial the filter form loads), so a label that
        also appears in a filter's choices does not count as listed."""
        response = client.get(self.url("list"), params or {}, HTTP_HX_REQUEST="true", **ZH)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="results"' in html and "<html" not in html
        return html

    def api_ids(self, response) -> list[int]:
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        return [row["id"] for row in rows]

    def audit_actions(self, obj) -> list[str]:
        from aftersales.core.models import AuditEvent

        return list(AuditEvent.objects.for_object(obj).order_by("pk").values_list("action", flat=True))

    @property
    def action_prefix(self) -> str:
        return self.audit_prefix or f"{self.model._meta.app_label}.{self.model._meta.model_name}"

