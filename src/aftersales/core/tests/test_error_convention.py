"""One error convention (issue 6 item 11): a service refusal's code decides its HTTP status, and the
API handler and the page middleware render it the same way (translated message, nothing else)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation

from aftersales.core.api.exceptions import exception_handler
from aftersales.core.exceptions import (
    NotFoundError,
    OutOfScopeError,
    PermissionDeniedError,
    ServiceError,
    StaleVersionError,
    TransitionNotAllowed,
)
from aftersales.core.middleware import ServiceErrorMiddleware

# Fixed table (not read from the code under test): code → status clients rely on.
EXPECTED = [
    (ServiceError("bad"), "invalid", 400),
    (ServiceError("bad", code="required", field="reason"), "required", 400),
    (ServiceError("no", code="permission_denied"), "permission_denied", 403),
    (ServiceError("gone", code="not_found"), "not_found", 404),
    (OutOfScopeError("not yours", field="dealer"), "out_of_scope", 400),
    (PermissionDeniedError(), "permission_denied", 403),
    (NotFoundError(), "not_found", 404),
    (StaleVersionError(), "stale_version", 409),
    (TransitionNotAllowed("wrong state"), "transition_not_allowed", 409),
]


@pytest.mark.parametrize(("error", "code", "status"), EXPECTED)
def test_api_renders_code_status_and_fields(error, code, status):
    response = exception_handler(error, {})
    assert response.status_code == status
    assert response.data["code"] == code and response.data["detail"] == str(error.message)
    assert response.data["fields"] == ({error.field: [str(error.message)]} if error.field else {})


@pytest.mark.parametrize(("error", "code", "status"), EXPECTED)
def test_pages_render_the_same_status_and_message(error, code, status):
    request = RequestFactory().post("/somewhere/")
    request.user = AnonymousUser()
    response = ServiceErrorMiddleware(lambda r: None).process_exception(request, error)
    page = response.content.decode()
    assert response.status_code == status
    assert 'data-testid="error-page"' in page and f'data-code="{code}"' in page
    assert str(error.message) in page


def test_the_default_messages_are_translated():
    with translation.override("zh-hans"):
        assert str(StaleVersionError().message) != "Someone else changed this record after you opened it. Reload and try again."
        assert str(PermissionDeniedError().message) != "You do not have permission to do this."


def test_several_fields_travel_together():
    error = ServiceError("bad", fields={"phone": ["x"], "vin": ["y"]})
    assert exception_handler(error, {}).data["fields"] == {"phone": ["x"], "vin": ["y"]}


def test_other_exceptions_are_left_to_django():
    request = RequestFactory().get("/")
    assert ServiceErrorMiddleware(lambda r: None).process_exception(request, ValueError("x")) is None


def test_edit_forms_show_every_field_a_refusal_names():
    from django import forms

    from aftersales.core.views.generic import add_service_error

    class F(forms.Form):
        phone = forms.CharField(required=False)

    form = F(data={})
    form.is_valid()
    add_service_error(form, ServiceError("两处有误", fields={"phone": ["手机号无效"], "vin": ["VIN 无效"]}))
    assert form.errors["phone"] == ["手机号无效"]
    assert form.non_field_errors() == ["VIN 无效"]  # a field this form lacks: shown above it, not lost
    form = F(data={})
    form.is_valid()
    add_service_error(form, ServiceError("整体拒绝"))
    assert form.non_field_errors() == ["整体拒绝"]
