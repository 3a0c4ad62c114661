from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.fsm import StateMachine, Transition


class Channel(models.TextChoices):
    """Outbox channels.  In-app messages are ``Notification`` rows, not outbox messages."""

    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class MessageCategory(models.TextChoices):
    """The SMS providers' three categories (DOMAIN.md "SMS gateways")."""

    VERIFICATION = "verification", _("Verification code")
    NOTIFICATION = "notification", _("Service notification")
    PROMOTION = "promotion", _("Promotion")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DEFERRED = "deferred", _("Deferred")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Not delivered")
    FAILED = "failed", _("Failed, retry scheduled")
    DEAD = "dead", _("Dead letter (retries stopped)")
    CANCELLED = "cancelled", _("Cancelled")


# The worker picks these up when ``next_attempt_at`` has come.
DUE_STATUSES = (MessageStatus.PENDING, MessageStatus.DEFERRED, MessageStatus.FAILED)
# The provider accepted the message (whatever the receipt said later): counts towards rate limits.
ACCEPTED_STATUSES = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNDELIVERED)

CHANGE_OUTBOX = "notifications.change_outboxmessage"


def _is_due(message, context: dict) -> str | None:
    """A worker claims a message only once its next attempt has come (``context["now"]``)."""
    now = context.get("now")
    if now is not None and message.next_attempt_at is not None and message.next_attempt_at > now:
        return _("This message is not due yet.")
    return None


_S = MessageStatus
# The outbox state machine, in one place (DESIGN.md rule 3, ADR 0007).  The worker's moves are
# ``system``: never offered to users.  Retries (failed) and deferrals are counters and times on the
# row, so they are not audited; every other move writes ``notifications.message.<verb>``.
OUTBOX_MACHINE = StateMachine(
    model="notifications.OutboxMessage", states=MessageStatus, event_prefix="notifications.message",
    url_name="notifications:outbox_transition", services="aftersales.notifications.services",
    transitions=[
        Transition("requeue", source=[_S.DEAD], target=_S.PENDING, label=_("Re-queue"), permission=CHANGE_OUTBOX,
                   event="notifications.message.requeued", confirm=_("Send this message again?"),
                   done=_("The message was re-queued and will be sent shortly.")),
        Transition("cancel", source=[_S.PENDING, _S.DEFERRED, _S.FAILED, _S.DEAD], target=_S.CANCELLED,
                   label=_("Cancel sending"), permission=CHANGE_OUTBOX, reason_required=True, style="outline-danger",
                   event="notifications.message.cancelled", confirm=_("Cancel this message? It will not be sent."),
                   done=_("The message was cancelled.")),
        Transition("claim", source=DUE_STATUSES, target=_S.SENDING, system=True, audited=False, guard=_is_due),
        Transition("sent", source=[_S.SENDING], target=_S.SENT, system=True),
        Transition("retry", source=[_S.SENDING], target=_S.FAILED, system=True, audited=False),
        Transition("dead", source=[_S.SENDING], target=_S.DEAD, system=True),
        Transition("defer", source=[_S.SENDING], target=_S.DEFERRED, system=True, audited=False),
        Transition("block", source=[_S.SENDING], target=_S.CANCELLED, system=True,
                   event="notifications.message.cancelled"),
        Transition("delivered", source=[_S.SENT], target=_S.DELIVERED, system=True),
        Transition("undelivered", source=[_S.SENT], target=_S.UNDELIVERED, system=True),
    ],
)
# The graph {state: (targets…)}, derived from the machine (kept for readers of the old name).
TRANSITIONS: dict[str, tuple[str, ...]] = OUTBOX_MACHINE.graph()


class ConsentPurpose(models.TextChoices):
    SERVICE = "service", _("Service")
    MARKETING = "marketing", _("Marketing")
    SURVEY = "survey", _("Satisfaction survey")


class ConsentChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")


class ConsentSource(models.TextChoices):
    FORM = "form", _("Signed form")
    PHONE_CALL = "phone_call", _("Phone call")
    SMS_REPLY = "sms_reply", _("SMS reply")
    APP = "app", _("App or website")
    IMPORT = "import", _("Imported")
    STAFF = "staff", _("Recorded by staff")


class SuppressionReason(models.TextChoices):
    OPT_OUT = "opt_out", _("Opted out (replied R / TD)")
    COMPLAINT = "complaint", _("Complaint")
    INVALID = "invalid", _("Number or address does not exist")
    MANUAL = "manual", _("Added by staff")


class NotificationLevel(models.TextChoices):
    INFO = "info", _("Information")
    SUCCESS = "success", _("Success")
    WARNING = "warning", _("Warning")
    DANGER = "danger", _("Urgent")
