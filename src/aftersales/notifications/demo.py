"""Demo data for ``aftersales demo`` (the command lives elsewhere and calls ``seed_demo``).

Idempotent: fixed idempotency keys, and inbox messages only for users whose inbox is empty.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from . import services
from .choices import ConsentChannel, ConsentPurpose, ConsentSource, MessageStatus, NotificationLevel
from .models import Notification, OutboxMessage
from .services import delivery

# Only what the demo really has: the store's name and phone come from the seeded organisation, and
# no notice speaks of a capability that is not built yet (issue 8 item 11).
REMINDER = {"name": "张伟", "plate": "京A12345", "mileage": "15000", "due_date": "下周五"}
PROMO = {"end_date": "月底", "discount": "8"}


@transaction.atomic
def seed_demo(*, users, actor=None, organisation_id: int | None = None, dealer_name: str = "朝阳汇通4S店",
              dealer_phone: str = "010-65001234") -> None:
    """Inbox messages for ``users``; a sent reminder, a deferred promotion, a dead letter and an opt-out.

    ``dealer_name`` / ``dealer_phone`` are the store the messages are sent for, as the demo's
    organisation list names it.
    """
    for user in users:
        if Notification.objects.filter(recipient=user).exists():
            continue
        services.notify_user(recipient=user, title="欢迎使用售后服务平台", body="待办事项会显示在“我的工作”中。")
        if user.has_perm("notifications.change_outboxmessage"):
            services.notify_user(recipient=user, title="有 1 条短信发送失败", level=NotificationLevel.WARNING,
                                 body="短信网关连接超时，请在发件箱中重新发送或取消。",
                                 url="/notifications/outbox/?status=dead")
    if OutboxMessage.objects.filter(idempotency_key__startswith="demo:").exists():
        return
    store = {"dealer": dealer_name, "phone": dealer_phone}
    now = timezone.now()
    sent = services.queue_sms(actor=actor, to="13800000001", template_code="maintenance_reminder", params={**REMINDER, **store},
                              idempotency_key="demo:reminder:1", organisation_id=organisation_id)
    delivery._claim(sent.pk, timezone.now())
    delivery.finish(sent, now, MessageStatus.SENT, sent_at=now, provider_message_id="demo-1", next_attempt_at=None)

    services.record_consent(actor=actor, contact="13800000002", channel=ConsentChannel.SMS,
                            purpose=ConsentPurpose.MARKETING, granted=True, source=ConsentSource.FORM,
                            note="到店签署营销授权书")
    services.queue_sms(actor=actor, to="13800000002", template_code="promotion_campaign", params={**PROMO, **store},
                       idempotency_key="demo:promo:2", organisation_id=organisation_id)

    dead = services.queue_sms(actor=actor, to="13800000003", template_code="maintenance_reminder", params={**REMINDER, **store},
                              idempotency_key="demo:reminder:3", organisation_id=organisation_id)
    delivery._claim(dead.pk, timezone.now())
    delivery.finish(dead, now, MessageStatus.DEAD, attempts=dead.max_attempts, next_attempt_at=None,
                     last_error="短信网关连接超时", note="短信网关连接超时")

    services.handle_sms_reply(from_number="13800000004", text="TD")
