"""Audit action names of the notifications app (``<app>.<model>.<verb>``, ADR 0015)."""

from aftersales.core.events import declare, declare_model_events

from .choices import MessageStatus

# One event per state an outbox message reaches (``notifications.message.<status>``), plus requeue.
MESSAGE_QUEUED = declare("notifications.message.queued")
MESSAGE_REQUEUED = declare("notifications.message.requeued")
MESSAGE_STATES = tuple(declare(f"notifications.message.{status}") for status in MessageStatus.values)
MESSAGE_CANCELLED = declare("notifications.message.cancelled")

CONSENT_GRANTED = declare("notifications.consent.granted")
CONSENT_WITHDRAWN = declare("notifications.consent.withdrawn")
SUPPRESSION_ADDED = declare("notifications.suppression.added")
SUPPRESSION_LIFTED = declare("notifications.suppression.lifted")

SMS_TEMPLATE = declare_model_events("notifications.smstemplate")
NOTIFICATION = declare_model_events("notifications.notification")
CONTACT_CONSENT = declare_model_events("notifications.contactconsent")
SUPPRESSION = declare_model_events("notifications.suppression")
