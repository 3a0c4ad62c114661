"""Reads for notifications, all taking the user; plus the consent and suppression answers every sender asks."""

from __future__ import annotations

from django.db.models import QuerySet

from .choices import ConsentPurpose, MessageStatus
from .models import ContactConsent, Notification, OutboxMessage, SmsReply, SmsTemplate, Suppression

VIEW_OUTBOX = "notifications.view_outboxmessage"
CHANGE_OUTBOX = "notifications.change_outboxmessage"


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# --- in-app inbox ---------------------------------------------------------------------------------

def inbox_for(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first; nobody reads anyone else's inbox."""
    if not _signed_in(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    """One COUNT on the (recipient, read_at, created_at) index; shown on every page."""
    if not _signed_in(user):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- outbox ---------------------------------------------------------------------------------------

def outbox_list(*, user) -> QuerySet[OutboxMessage]:
    if not (_signed_in(user) and user.has_perm(VIEW_OUTBOX)):
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.restrict(user).select_related("template")


def dead_letter_count(user) -> int:
    """Dead-lettered messages the user may re-queue (0 without the permission)."""
    if not (_signed_in(user) and user.has_perm(CHANGE_OUTBOX)):
        return 0
    return outbox_list(user=user).filter(status=MessageStatus.DEAD).count()


def sms_template_list(*, user) -> QuerySet[SmsTemplate]:
    """Templates are reference data, shared by every organisation."""
    if not (_signed_in(user) and user.has_perm("notifications.view_smstemplate")):
        return SmsTemplate.objects.none()
    return SmsTemplate.objects.all()


def consent_list(*, user) -> QuerySet[ContactConsent]:
    if not (_signed_in(user) and user.has_perm("notifications.view_contactconsent")):
        return ContactConsent.objects.none()
    return ContactConsent.objects.restrict(user).select_related("recorded_by")


def suppression_list(*, user) -> QuerySet[Suppression]:
    if not (_signed_in(user) and user.has_perm("notifications.view_suppression")):
        return Suppression.objects.none()
    return Suppression.objects.restrict(user).select_related("created_by")


def sms_reply_list(*, user) -> QuerySet[SmsReply]:
    if not (_signed_in(user) and user.has_perm("notifications.view_smsreply")):
        return SmsReply.objects.none()
    return SmsReply.objects.restrict(user)


# --- consent and suppression (contact points are already normalised) -----------------------------

# A refusal holds for the contact point wherever it was recorded (DOMAIN.md "Personal information"),
# so every sender reads these rows across the whole network; the answer is a yes/no, never a row.
NETWORK_WIDE = "a refusal binds every sender network-wide; the answer is yes/no, no row is shown"


def is_suppressed(contact: str, channel: str) -> bool:
    return Suppression.objects.unscoped(reason=NETWORK_WIDE).filter(contact=contact, channel=channel, is_active=True).exists()


def latest_consent(contact: str, channel: str, purpose: str) -> ContactConsent | None:
    return (ContactConsent.objects.unscoped(reason=NETWORK_WIDE).filter(contact=contact, channel=channel, purpose=purpose)
            .order_by("-recorded_at", "-id").first())


def has_consent(contact: str, channel: str, purpose: str) -> bool:
    """May we contact ``contact`` on ``channel`` for ``purpose``?

    - a suppressed contact point: never;
    - service: the service contract covers it;
    - survey (return visits): part of the service relationship unless the person said no;
    - marketing: only with an explicit grant that is the latest statement ("silence is refusal").
    """
    if is_suppressed(contact, channel):
        return False
    if purpose == ConsentPurpose.SERVICE:
        return True
    latest = latest_consent(contact, channel, purpose)
    if purpose == ConsentPurpose.SURVEY:
        return latest is None or latest.granted
    return bool(latest and latest.granted)
