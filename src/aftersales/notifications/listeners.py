"""Hooks from lower layers that end in a user's inbox (core cannot import this app).

- ``core.imports.approvals.export_request_notice``: export approvals (managers asked to decide,
  requesters told of the decision and of the file) → in-app notifications, written in the sender's
  transaction.
- ``core.calendar.clocks.sla_escalated``: a fired SLA escalation level → inbox lines and e-mails
  through the outbox, in the job's transaction.
"""

from django.contrib.auth import get_user_model
from django.dispatch import receiver

from aftersales.core.calendar.clocks import sla_escalated
from aftersales.core.imports.approvals import export_request_notice

from . import services
from .choices import NotificationLevel


@receiver(export_request_notice, dispatch_uid="notifications.export_request_notice")
def notify_about_export_request(sender, *, recipients, title, body="", url="", level="info", **kwargs):
    services.notify_users(recipients=recipients, title=title, body=body or "", url=url,
                          level=level if level in NotificationLevel.values else NotificationLevel.INFO)


@receiver(sla_escalated, dispatch_uid="notifications.sla_escalated")
def notify_about_sla_escalation(sender, *, notices, **kwargs):
    """Each fired SLA level: one inbox line per recipient and an e-mail through the outbox (the
    escalation id in the idempotency key, so a level never mails twice) — all notices of a job
    batch in one bulk INSERT each, however many clocks crossed a level."""
    users = {u.pk: u for u in get_user_model().objects.filter(
        pk__in={uid for n in notices for uid in n["user_ids"]}, is_active=True)}
    inbox, mails = [], []
    for notice in notices:
        level = NotificationLevel.DANGER if notice["severity"] == "breach" else NotificationLevel.WARNING
        for user in (users[uid] for uid in notice["user_ids"] if uid in users):
            inbox.append({"recipient": user, "title": notice["title"], "body": notice["body"], "level": level})
            if user.email:
                mails.append({"to": user.email, "subject": notice["title"], "body": notice["body"],
                              "idempotency_key": f"sla:{notice['escalation_id']}:{user.pk}",
                              "organisation_id": notice["organisation_id"], "recipient_user": user})
    services.notify_many(items=inbox)
    services.queue_emails(actor=None, messages=mails)
