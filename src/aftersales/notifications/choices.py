from django.db import models
from django.utils.translation import gettext_lazy as _


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

# Allowed transitions, in one place (DESIGN.md rule 3).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    MessageStatus.PENDING: (MessageStatus.SENDING, MessageStatus.CANCELLED),
    MessageStatus.DEFERRED: (MessageStatus.SENDING, MessageStatus.CANCELLED),
    MessageStatus.FAILED: (MessageStatus.SENDING, MessageStatus.CANCELLED),
    MessageStatus.SENDING: (
        MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.DEAD, MessageStatus.DEFERRED, MessageStatus.CANCELLED,
    ),
    MessageStatus.SENT: (MessageStatus.DELIVERED, MessageStatus.UNDELIVERED),
    MessageStatus.DELIVERED: (),
    MessageStatus.UNDELIVERED: (),
    MessageStatus.DEAD: (MessageStatus.PENDING, MessageStatus.CANCELLED),  # re-queued or discarded by an administrator
    MessageStatus.CANCELLED: (),
}


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
