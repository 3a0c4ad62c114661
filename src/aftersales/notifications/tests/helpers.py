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
