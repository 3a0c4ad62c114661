"""``POST /api/<app>/<plural>/{id}/<transition>/`` for every user transition of a model's state
machine (core.fsm, ADR 0007), generated from the one declaration.

A viewset sets ``state_machine``; the mixin adds one DRF action per transition the machine offers
users (system transitions get none).  The body is ``{"reason": …, "version": …}`` (``note`` is
accepted as the older name of ``reason``).  The machine refuses in the one error convention:
403 ``permission_denied``, 409 ``transition_not_allowed`` with the translated reason, 409
``stale_version``, 400 ``required`` for a missing reason — and then nothing has changed.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ..fsm import StateMachine, machine_for


class TransitionBodySerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000,
                                 help_text="Older name of `reason`.")
    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text="The version the client read; a newer one is a 409 stale_version.")


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class AvailableTransitionsField(serializers.Field):
    """``actions``: the transitions the requesting user may fire on this row now — the same answer
    as the page's buttons (``StateMachine.available``), so a client offers exactly those."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, obj):
        machine = machine_for(obj)
        request = self.context.get("request")
        if machine is None or request is None:
            return []
        return [t.name for t in machine.available(obj, user=request.user)]


REFUSALS = {
    403: OpenApiResponse(description="permission_denied: the user may not fire this transition"),
    409: OpenApiResponse(description="transition_not_allowed (with the reason) or stale_version"),
}


def _make_action(transition, response_serializer):
    def fire(self, request, pk=None):
        return self.fire_transition(request, transition.name)

    fire.__name__ = transition.name
    fire.__doc__ = f"Fire the “{transition.name}” transition (→ {transition.target})."
    fire = extend_schema(request=TransitionBodySerializer,
                         responses={200: response_serializer, **REFUSALS})(fire)
    return action(detail=True, methods=["post"], url_path=transition.name.replace("_", "-"))(fire)


class TransitionActionsMixin:
    state_machine: StateMachine | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        machine = cls.__dict__.get("state_machine")
        if machine is None:
            return
        for t in machine.user_transitions():
            if t.name not in cls.__dict__:
                setattr(cls, t.name, _make_action(t, getattr(cls, "serializer_class", None)))

    def fire_transition(self, request, name: str):
        obj = self.get_object()
        body = TransitionBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        obj = type(self).state_machine.perform(obj, name, actor=request.user,
                                               reason=data.get("reason") or data.get("note", ""),
                                               expected_version=data.get("version"))
        return Response(self.get_serializer(obj).data)
