from rest_framework import serializers

from aftersales.core.api.transitions import AvailableTransitionsField
from aftersales.core.timelines import actor_name
from aftersales.customers.models import Customer, Vehicle
from aftersales.org.models import Organisation

from .. import sla
from ..models import Ticket


class ClockSerializer(serializers.Serializer):
    name = serializers.CharField()
    state = serializers.CharField()
    target_seconds = serializers.IntegerField(source="clock.target_seconds")
    due_at = serializers.DateTimeField(allow_null=True)
    remaining_seconds = serializers.SerializerMethodField()
    reached = serializers.CharField(allow_blank=True)

    def get_remaining_seconds(self, row) -> int:
        from aftersales.core.calendar import clocks

        return int(clocks.remaining(row["clock"]).total_seconds())


class TicketSerializer(serializers.ModelSerializer):
    owner_name = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()
    actions = AvailableTransitionsField()
    allow_duplicate = serializers.BooleanField(write_only=True, required=False, default=False,
                                               help_text="Create even though the customer has an open ticket "
                                                         "(otherwise 409 duplicate_ticket).")
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none())
    vehicle = serializers.PrimaryKeyRelatedField(queryset=Vehicle.objects.none(), required=False, allow_null=True)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none(), required=False,
                                                      help_text="Handling organisation; the creator's own when omitted.")

    class Meta:
        model = Ticket
        fields = ["id", "number", "kind", "priority", "status", "customer", "vehicle", "location", "description",
                  "organisation", "owner", "owner_name", "resolution", "accepted_at", "resolved_at",
                  "customer_confirmed_at", "closed_at", "clocks", "actions", "allow_duplicate",
                  "created_at", "updated_at", "version"]
        read_only_fields = ["number", "status", "owner", "resolution", "accepted_at", "resolved_at",
                            "customer_confirmed_at", "closed_at", "created_at", "updated_at"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.fields["customer"].queryset = Customer.objects.restrict(user)
            self.fields["vehicle"].queryset = Vehicle.objects.restrict(user)
            self.fields["organisation"].queryset = Organisation.objects.restrict(user)
        if isinstance(self.instance, Ticket):
            # The generic edit never moves the customer or the handling organisation.
            for name in ("customer", "organisation", "allow_duplicate"):
                self.fields[name].read_only = True

    def get_owner_name(self, ticket) -> str:
        return actor_name(ticket.owner)

    def get_clocks(self, ticket) -> list[dict]:
        if self.context.get("view") is not None and getattr(self.context["view"], "action", "") == "list":
            return []
        return ClockSerializer(sla.clock_rows(ticket), many=True).data


class TransferSerializer(serializers.Serializer):
    to_user = serializers.IntegerField(help_text="User id of the new owner.")
    reason = serializers.CharField(max_length=1000)
    version = serializers.IntegerField(required=False, min_value=1)
