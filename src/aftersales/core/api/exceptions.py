"""JSON errors as DESIGN.md says: ``{"code", "detail", "fields"}``; 400 bad input, 403/404 scope,
409 stale version; a malformed request never becomes a 500."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from ..exceptions import ServiceError
from ..faults import RETRY_AFTER_SECONDS, is_database_fault
from ..paging import BadPageParameter


def _flatten(detail):
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(i, (dict, list)) for i in detail):
            return [str(i) for i in detail]
        return [_flatten(i) for i in detail]
    return [str(detail)]


def exception_handler(exc, context):
    if is_database_fault(exc):
        # The database is down or locked: temporary, so 503 with Retry-After, never 500 (ADR 0013).
        from ..views.errors import service_unavailable_payload

        set_rollback()
        return Response(service_unavailable_payload(), status=status.HTTP_503_SERVICE_UNAVAILABLE,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {k if k != "__all__" else "non_field_errors": [str(m) for e in v for m in e.messages]
                      for k, v in exc.error_dict.items()}
        else:
            fields = {"non_field_errors": exc.messages}
        first = next(iter(fields.values()))[0] if fields else _("Invalid input.")
        return Response({"code": "invalid", "detail": first, "fields": fields}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, BadPageParameter):
        return Response({"code": "invalid", "detail": exc.message, "fields": {exc.field: [exc.message]}},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ServiceError):
        # The one error convention (core.exceptions): the code decides the status, here and on pages.
        return Response({"code": exc.code, "detail": str(exc.message), "fields": exc.fields}, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": _flatten(exc.detail)}
        first = next((v[0] for v in fields.values() if isinstance(v, list) and v and isinstance(v[0], str)), None)
        response.data = {"code": "invalid", "detail": first or _("Invalid input."), "fields": fields}
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"code": code, "detail": str(detail), "fields": {}}
    return response
