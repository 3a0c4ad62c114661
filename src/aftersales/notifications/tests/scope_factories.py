"""Scope-harness factory: an outbox message belonging to a given organisation."""

import itertools

from aftersales.notifications.choices import Channel, MessageCategory, MessageStatus
from aftersales.notifications.models import OutboxMessage

_seq = itertools.count(1)


def outbox_message(org):
    n = next(_seq)
    return OutboxMessage.objects.create(
        channel=Channel.EMAIL, category=MessageCategory.NOTIFICATION, to=f"harness{n}@example.cn",
        subject="通知", body="测试", idempotency_key=f"harness:{n}", status=MessageStatus.SENT,
        organisation_id=org.pk,
    )


FACTORIES = {OutboxMessage: outbox_message}
