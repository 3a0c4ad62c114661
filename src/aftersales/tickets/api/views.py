from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.core.api.transitions import TransitionActionsMixin
from aftersales.core.api.views import ScopedModelViewSet

from .. import filtersets, selectors, services
from ..choices import TICKET_MACHINE
from . import serializers


class TicketViewSet(TransitionActionsMixin, ScopedModelViewSet):
    """Tickets (R-TKT-1): list with the page's filters, create (409 ``duplicate_ticket`` while the
    customer has an open ticket, unless ``allow_duplicate``), edit with ``version``, one action per
    transition of the ticket machine, and ``transfer``."""

    state_machine = TICKET_MACHINE
    serializer_class = serializers.TicketSerializer
    filterset_class = filtersets.TicketFilterSet
    selector = selectors.ticket_list
    create_service = services.ticket_create
    update_service = services.ticket_update
    ordering_fields = ["created_at", "number", "status", "kind"]

    @extend_schema(request=serializers.TransferSerializer, responses=serializers.TicketSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        ticket = self.get_object()
        body = serializers.TransferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        to_user = get_user_model().objects.filter(pk=data["to_user"], is_active=True).first()
        ticket = services.ticket_transfer(actor=request.user, ticket=ticket, to_user=to_user, reason=data["reason"],
                                          expected_version=data.get("version"))
        return Response(self.get_serializer(ticket).data)
