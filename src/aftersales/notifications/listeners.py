"""Hooks from lower layers that end in a user's inbox (core cannot import this app).

- ``core.imports.approvals.export_request_notice``: export approvals (managers asked to decide,
  requesters told of the decision and of the file) → in-app notifications, written in the sender's
  transaction.
- ``core.calendar.clocks.sla_escalated``: a fired SLA escalation level → inbox lines and e-mails
  through the outbox, in the job's transaction.
"""

from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.utils.translation import gettext as _

from aftersales.core.calendar.clocks import sla_escalated
from aftersales.core.imports.approvals import export_request_notice

from . import services
from .choices import NotificationLevel


@receiver(export_request_notice, dispatch_uid="notifications.export_request_notice")
def notify_about_export_request(sender, *, recipients, title, body="", url="", level="info", **kwargs):
    services.notify_users(recipients=recipients, title=title, body=body or "", url=url,
                          level=level if level in NotificationLevel.values else NotificationLevel.INFO)


#: A recipient with more fired levels than this in one job batch gets one digest (one inbox line,
#: one e-mail) instead of a line per level: after an outage or a holiday thousands of clocks cross a
#: level in the same run, and nobody reads 900 identical e-mails (ADR 0008, "Digest").
DIGEST_AFTER = 3
#: How many clock titles a digest lists before "…以及另外 N 项".
DIGEST_LISTS = 20


@receiver(sla_escalated, dispatch_uid="notifications.sla_escalated")
def notify_about_sla_escalation(sender, *, notices, **kwargs):
    """Each fired SLA level: one inbox line per recipient and an e-mail through the outbox (the
    escalation id in the idempotency key, so a level never mails twice) — or, for a recipient with
    more than ``DIGEST_AFTER`` levels in this batch, one digest of them. All notices of a job batch
    go in one bulk INSERT each, however many clocks crossed a level."""
    users = {u.pk: u for u in get_user_model().objects.filter(
        pk__in={uid for n in notices for uid in n["user_ids"]}, is_active=True)}
    per_user: dict[int, list[dict]] = {}
    for notice in notices:
        for uid in notice["user_ids"]:
            if uid in users:
                per_user.setdefault(uid, []).append(notice)
    inbox, mails = [], []
    for uid, theirs in per_user.items():
        user = users[uid]
        if len(theirs) > DIGEST_AFTER:
            inbox_item, mail = _digest(user, theirs)
            inbox.append(inbox_item)
            if mail:
                mails.append(mail)
            continue
        for notice in theirs:
            inbox.append({"recipient": user, "title": notice["title"], "body": notice["body"],
                          "level": _level(notice["severity"])})
            if user.email:
                mails.append({"to": user.email, "subject": notice["title"], "body": notice["body"],
                              "idempotency_key": f"sla:{notice['escalation_id']}:{user.pk}",
                              "organisation_id": notice["organisation_id"], "recipient_user": user})
    services.notify_many(items=inbox)
    services.queue_emails(actor=None, messages=mails)


def _level(severity: str) -> str:
    return NotificationLevel.DANGER if severity == "breach" else NotificationLevel.WARNING


def _digest(user, notices: list[dict]) -> tuple[dict, dict | None]:
    """One inbox line and one e-mail for many fired levels; breaches are listed first. The e-mail's
    key names the batch's first escalation for this user, so a re-run never mails it again."""
    notices = sorted(notices, key=lambda n: (n["severity"] != "breach", n["escalation_id"]))
    breaches = sum(1 for n in notices if n["severity"] == "breach")
    title = _("Service time limits: %(count)s items need attention (%(breaches)s overdue, %(warnings)s warnings)") % {
        "count": len(notices), "breaches": breaches, "warnings": len(notices) - breaches}
    lines = [f"· {n['title']}" for n in notices[:DIGEST_LISTS]]
    if len(notices) > DIGEST_LISTS:
        lines.append(_("… and %(count)s more") % {"count": len(notices) - DIGEST_LISTS})
    body = "\n".join(lines)
    item = {"recipient": user, "title": title, "body": body, "level": _level("breach" if breaches else "warning")}
    mail = None
    if user.email:
        first = min(n["escalation_id"] for n in notices)
        orgs = {n["organisation_id"] for n in notices}
        mail = {"to": user.email, "subject": title, "body": body, "idempotency_key": f"sla:digest:{first}:{user.pk}",
                "organisation_id": orgs.pop() if len(orgs) == 1 else None, "recipient_user": user}
    return item, mail
