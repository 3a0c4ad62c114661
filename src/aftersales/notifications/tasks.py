"""Background work (DESIGN.md rule 4): thin tasks taking ids; the services make them idempotent."""

from __future__ import annotations

from django.tasks import task

from . import services


@task
def deliver_message(message_id: int) -> str:
    """Send one outbox message if it is due; running it twice sends it once."""
    message = services.deliver(message_id)
    return message.status if message is not None else "missing"


@task
def deliver_due_messages(limit: int = 200) -> int:
    """Every minute: retries whose backoff has passed, deferred promotions, messages whose enqueue was lost."""
    return services.deliver_due(limit=limit)
