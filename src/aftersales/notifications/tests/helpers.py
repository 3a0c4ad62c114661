"""Shared constants and helpers for the notifications tests."""

import datetime as dt

from aftersales.notifications.services import SHANGHAI

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
MOBILE = "+8613812345678"
REMINDER_PARAMS = {"name": "张先生", "plate": "京A12345", "mileage": "15000", "due_date": "6月30日",
                   "dealer": "北京朝阳4S店", "phone": "010-12345678"}
PROMO_PARAMS = {"dealer": "北京朝阳4S店", "end_date": "6月30日", "discount": "8", "phone": "010-12345678"}


def at(day: int, hour: int, minute: int = 0, month: int = 6) -> dt.datetime:
    """An aware time in Asia/Shanghai in 2025 (2025-06-09 is a Monday)."""
    return dt.datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


def ensure_reminder_template():
    """Transactional tests (threads, live server) run after a flush that removed the migration's
    seeded templates: put the one these tests send back, as the migration wrote it."""
    from aftersales.notifications.models import SmsTemplate

    if not SmsTemplate.objects.filter(code="maintenance_reminder").exists():
        template = SmsTemplate(code="maintenance_reminder", name="保养提醒", category="notification",
                               provider_template_id="SMS_000000001",
                               text="尊敬的{name}，您的爱车{plate}已行驶约{mileage}公里，建议于{due_date}前到{dealer}"
                                    "进行定期保养，预约电话{phone}。")
        template.full_clean()
        template.save()
