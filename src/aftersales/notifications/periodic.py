"""Periodic jobs of this app, declared in code; ``aftersales scheduler`` enqueues them."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from aftersales.core.registry import PeriodicJob, register_job_labels, register_periodic

register_job_labels({
    "aftersales.notifications.tasks.deliver_message": _("Send a message"),
    "aftersales.notifications.tasks.deliver_due_messages": _("Send due messages"),
})

register_periodic(PeriodicJob(
    name="notifications.deliver_due",
    task_path="aftersales.notifications.tasks.deliver_due_messages",
    every=timedelta(minutes=1),
    description="Send due outbox messages: retries after backoff, deferred promotions, lost enqueues.",
))
