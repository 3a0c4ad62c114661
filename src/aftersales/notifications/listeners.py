"""Hooks from lower layers that end in a user's inbox (core cannot import this app).

- ``core.imports.approvals.export_request_notice``: export approvals (managers asked to decide,
  requesters told of the decision and of the file) → in-app notifications, written in the sender's
  transaction.
"""

from django.dispatch import receiver

from aftersales.core.imports.approvals import export_request_notice

from . import services
from .choices import NotificationLevel


@receiver(export_request_notice, dispatch_uid="notifications.export_request_notice")
def notify_about_export_request(sender, *, recipients, title, body="", url="", level="info", **kwargs):
    services.notify_users(recipients=recipients, title=title, body=body or "", url=url,
                          level=level if level in NotificationLevel.values else NotificationLevel.INFO)
