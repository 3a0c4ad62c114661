"""Base API viewset: reads through the app's selector (scoped by user), writes through its services."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.http import QueryDict
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from .. import services
from ..forms import VERSION_REQUIRED
from ..validators.sanity import strip_invisible


def split_m2m(model: type[models.Model], data: dict) -> tuple[dict, dict]:
    m2m_names = {f.name for f in model._meta.many_to_many}
    plain = {k: v for k, v in data.items() if k not in m2m_names}
    m2m = {k: v for k, v in data.items() if k in m2m_names}
    return plain, m2m


def without_invisible(data):
    """A copy of a request body with :func:`strip_invisible` applied to every text in it (nested
    lists and objects too; the parser bounds their depth); files and numbers are left alone."""
    if isinstance(data, QueryDict):
        copy = data.copy()
        for key in copy:
            copy.setlist(key, [without_invisible(v) for v in data.getlist(key)])
        return copy
    if isinstance(data, dict):
        return {key: without_invisible(value) for key, value in data.items()}
    if isinstance(data, list):
        return [without_invisible(value) for value in data]
    return strip_invisible(data)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ScopedViewSetMixin:
    """``selector(user=…)`` gives the rows the user may see; outside them an object is a 404.

    Subclasses set ``selector`` and optionally ``create_service`` / ``update_service`` with the
    signature ``(*, actor, data, m2m)`` / ``(instance, *, actor, data, m2m, expected_version)``.
    Deletion is not offered: records are deactivated, so history stays whole.
    """

    selector: Callable = None
    create_service: Callable | None = None
    update_service: Callable | None = None
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # Schema generation (drf-spectacular) needs the model, not rows — and no database.
            return self.get_serializer_class().Meta.model.objects.none()
        return type(self).selector(user=self.request.user)

    def get_serializer(self, *args, **kwargs):
        """Every text of the body loses its invisible characters before it is checked (ADR 0017),
        as in the forms and the import: a name of only zero-width spaces is a blank name."""
        if "data" in kwargs:
            kwargs["data"] = without_invisible(kwargs["data"])
        return super().get_serializer(*args, **kwargs)

    def update(self, request, *args, **kwargs):
        """PUT and PATCH must carry the ``version`` the client read (issue 7 item 10): without it an
        edit would silently overwrite someone else's, so it is refused with a field error — together
        with every other field error of the body, never one at a time."""
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        errors = {} if serializer.is_valid() else dict(serializer.errors)
        if hasattr(instance, "version") and _missing_version(request.data):
            errors.setdefault("version", [str(VERSION_REQUIRED)])
        if errors:
            raise ValidationError(errors)
        self.perform_update(serializer)
        return Response(serializer.data)

    def perform_create(self, serializer):
        model = serializer.Meta.model
        plain, m2m = split_m2m(model, serializer.validated_data)
        plain.pop("version", None)
        create = type(self).create_service
        if create is None:
            serializer.instance = services.create_object(model, actor=self.request.user, data=plain, m2m=m2m)
        else:
            serializer.instance = create(actor=self.request.user, data=plain, m2m=m2m)

    def perform_update(self, serializer):
        model = serializer.Meta.model
        plain, m2m = split_m2m(model, serializer.validated_data)
        expected = plain.pop("version", None)
        update = type(self).update_service
        if update is None:
            serializer.instance = services.update_object(serializer.instance, actor=self.request.user, data=plain,
                                                         m2m=m2m, expected_version=expected)
        else:
            serializer.instance = update(serializer.instance, actor=self.request.user, data=plain, m2m=m2m,
                                         expected_version=expected)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """List, create, read and edit the rows of the user's scope (:class:`ScopedViewSetMixin`)."""


class ScopedReadEditViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """List, read and edit only, for rows created elsewhere (e.g. staff, who need a login made on the
    page): without a create action the schema does not offer a POST that would always answer 405
    (issue 7 item 12)."""


def _missing_version(data) -> bool:
    value = data.get("version") if hasattr(data, "get") else None
    return value is None or value == ""


class DeactivatableMixin:
    """``POST …/{id}/deactivate/`` and ``…/activate/`` instead of DELETE."""

    deactivate_service: Callable | None = None

    def _set_active(self, request, active: bool):
        obj = self.get_object()
        perm = f"{obj._meta.app_label}.change_{obj._meta.model_name}"
        if not request.user.has_perm(perm):
            raise PermissionDenied()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        set_active = type(self).deactivate_service or services.set_active
        obj = set_active(obj, actor=request.user, active=active, reason=body.validated_data.get("reason", ""))
        return Response(self.get_serializer(obj).data)

    @extend_schema(request=ReasonSerializer, responses={200: OpenApiResponse(description="the updated object")})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._set_active(request, False)

    @extend_schema(request=ReasonSerializer, responses={200: OpenApiResponse(description="the updated object")})
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._set_active(request, True)


__all__ = ["ScopedViewSetMixin", "ScopedModelViewSet", "ScopedReadEditViewSet", "DeactivatableMixin", "inline_serializer"]
