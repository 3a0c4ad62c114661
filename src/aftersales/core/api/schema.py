"""The OpenAPI schema documents the error answers too (issue 7 item 12, ADR 0020).

Every refusal of the API has one body, ``{"code", "detail", "fields"}`` (``core.api.exceptions``),
and the status follows the code (``core.exceptions.STATUS_BY_CODE``).  drf-spectacular only documents
the success answer, so a client generated from the schema — and Schemathesis — would take a 404 for a
row outside the user's scope or a 409 for a stale version as a broken server.  This AutoSchema adds
the statuses every operation can answer, all with the one ``Error`` body:

- 400 bad input (a body field, ``?page=``, ``?ordering=``…), 401 no or a bad/expired token,
  403 not allowed, 404 not found or outside the scope (or a page past the last), 503 the database is
  unreachable (ADR 0013), for every operation;
- 409 (stale version, a transition the state machine refuses, a repeated idempotency key) for writes.

An operation that already documents a status (e.g. the token endpoint's 429) keeps its own.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

READ_ERRORS = {
    "400": "Bad input: the body, a query parameter or the page is invalid; `fields` names each field.",
    "401": "No credentials, or a token that is unknown, revoked or expired.",
    "403": "The user may not do this.",
    "404": "Not found, or outside the user's scope; also a page past the last one.",
    "503": "The database cannot be reached; retry after the `Retry-After` seconds.",
}
WRITE_ERRORS = {
    "409": "Someone else saved the row since it was read (`stale_version`), or the state machine "
           "refuses the transition (`transition_not_allowed`).",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API (DESIGN.md, ``core.api.exceptions``)."""

    code = serializers.CharField(help_text="machine-readable reason, e.g. invalid, not_found, stale_version")
    detail = serializers.CharField(help_text="the first message, translated")
    fields = serializers.DictField(
        child=serializers.JSONField(), help_text="messages per field (lists of texts, nested for nested input)")

    class Meta:
        ref_name = "Error"


class ErrorDocumentingAutoSchema(AutoSchema):
    """``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``: the success answers as drf-spectacular builds them,
    plus the shared error answers (module docstring)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(READ_ERRORS)
        if self.method in WRITE_METHODS:
            errors.update(WRITE_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), code, direction=direction)
        return dict(sorted(responses.items()))
