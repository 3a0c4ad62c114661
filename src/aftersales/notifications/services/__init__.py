"""Writes for notifications (DESIGN.md rules 1, 4 and 5), one module per job: ``inbox`` (in-app
notifications), ``outbox`` (queueing SMS and e-mail, re-queue and cancel), ``delivery`` (the
worker's side), ``policy`` (consent, suppression, quiet hours, daily limit), ``consent`` (consent
and the suppression list), ``callbacks`` (SMS replies, delivery receipts), ``sms_templates``.
This package is the app's write API: callers import from here (and the outbox machine's
``@performs`` transitions are registered by importing it).

Queueing (``queue_sms``, ``queue_email``) writes an ``OutboxMessage`` in the *caller's* transaction
and enqueues delivery with ``transaction.on_commit``: if the business change rolls back, so does the
message, and no task is enqueued.  If enqueueing fails after the commit, the periodic
``deliver_due_messages`` job still finds the pending row, so a queue or gateway outage loses nothing.

Delivery (``deliver``) is idempotent: it claims the row with a conditional UPDATE (only one worker
wins), sends outside any transaction, then records the outcome.  A ``sent`` message is never sent
again.  ``attempts`` counts *failed* attempts; the n-th failure schedules the next try after
``AFTERSALES_OUTBOX_BACKOFF_SECONDS × 2^(n-1)`` (+ up to 10 % jitter), and after
``max_attempts`` failures the message is dead-lettered for an administrator to re-queue or cancel.

Policy decisions:
- Bad input (phone, template, missing variables, duplicate key for a different message) is refused
  with a ``ServiceError`` and nothing is written.
- A suppressed contact point or a missing consent is refused at queue time with ``MessageRefused``
  (codes ``suppressed``, ``no_consent``); callers that send as a side effect of a business change
  catch it, so the change itself still commits.  Both are checked again at send time; a message
  blocked then is *cancelled* (not dead-lettered: there is nothing an administrator should retry).
- Verification codes skip suppression and consent: the person asked for the code a moment ago.
- Promotions by SMS go out only 08:00–20:00 Asia/Shanghai; outside that window they are deferred
  to the next 08:00 (never dropped).  The per-number daily limit (same signature + template) defers
  to the next day's 08:00; a verification code over the limit is cancelled (it would be useless).
- Audited transitions: queued, sent, delivered / not delivered, dead, cancelled, re-queued.  Retries and
  deferrals are counters and times on the row itself.
"""

from ..selectors import has_consent, is_suppressed
from .callbacks import OPT_OUT_WORDS, handle_delivery_receipt, handle_sms_reply
from .consent import lift_suppression, record_consent, suppress
from .delivery import MAX_BACKOFF, backoff_delay, deliver, deliver_due, release_stale_claims
from .inbox import mark_all_read, mark_read, notify_many, notify_user, notify_users
from .outbox import IdempotencyConflict, cancel_message, queue_email, queue_emails, queue_sms, requeue
from .policy import (
    SHANGHAI,
    WINDOW_CLOSES,
    WINDOW_OPENS,
    MessageRefused,
    in_quiet_hours,
    next_window_opens,
    sent_today,
)
from .sms_templates import sms_template_create, sms_template_update

__all__ = [
    "MAX_BACKOFF", "OPT_OUT_WORDS", "SHANGHAI", "WINDOW_CLOSES", "WINDOW_OPENS", "IdempotencyConflict",
    "MessageRefused", "backoff_delay", "cancel_message", "deliver", "deliver_due", "handle_delivery_receipt",
    "handle_sms_reply", "has_consent", "in_quiet_hours", "is_suppressed", "lift_suppression", "mark_all_read",
    "mark_read", "next_window_opens", "notify_many", "notify_user", "notify_users", "queue_email", "queue_emails",
    "queue_sms",
    "record_consent", "release_stale_claims", "requeue", "sent_today", "sms_template_create",
    "sms_template_update", "suppress",
]
