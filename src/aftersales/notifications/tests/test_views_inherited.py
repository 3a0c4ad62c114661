"""The outbox and SMS templates on the inherited test base (issue 6 item 10; R-SYS-2, R-SYS-3, R-SYS-5): list, detail,
out-of-scope 404, the recipient masked per role and the query-count pin.  Messages are written by
the services of other apps, never by a form, so there are no create / edit / deactivate cases.

Only managers and administrators see the outbox in the nine roles, and both see every organisation;
to check scope and masking the dealer user of dealer A and the customer-service agent are given the
outbox's view permission here, as an administrator could."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from aftersales.core.testing.model_cases import (
    DetailCase,
    ListCase,
    MaskedFieldsCase,
    QueryCountCase,
    ReferenceDataCase,
    ScopeCase,
)
from aftersales.notifications.choices import Channel, MessageCategory, MessageStatus
from aftersales.notifications.models import OutboxMessage, SmsTemplate

from .helpers import MOBILE

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


class TestOutboxCase(ListCase, DetailCase, ScopeCase, MaskedFieldsCase, QueryCountCase):
    model = OutboxMessage
    url_prefix = "notifications:outbox"
    api_url = "/api/notifications/outbox/"
    reader_role = "manager"
    label_field = "subject"
    masked_fields = {"to": (MOBILE, "138****5678")}
    masked_roles = ("agent",)
    clear_roles = ("manager", "admin")

    @pytest.fixture(autouse=True)
    def _outbox_viewers(self, world):
        view = Permission.objects.get(content_type__app_label="notifications", codename="view_outboxmessage")
        for role in ("dealer", "agent"):
            world.user(role).user_permissions.add(view)
            world.users[role] = get_user_model().objects.get(pk=world.user(role).pk)  # no stale permission cache

    def make(self, world, organisation):
        n = next(_seq)
        return OutboxMessage.objects.create(
            channel=Channel.SMS, category=MessageCategory.NOTIFICATION, to=MOBILE, subject=f"保养提醒{n}号",
            body="您的爱车该做保养了", idempotency_key=f"inherited:{n}", status=MessageStatus.SENT,
            organisation_id=organisation.pk)


class TestSmsTemplateCase(ReferenceDataCase):
    """SMS templates (短信模板) are shared by the whole network; administrators keep them."""

    model = SmsTemplate
    url_prefix = "notifications:template"
    api_url = "/api/notifications/sms-templates/"
    edit_changes = {"name": "首保提醒（新版）"}

    def make(self, world, organisation):
        n = next(_seq)
        return SmsTemplate.objects.create(code=f"tb_template_{n}", name=f"测试模板{n}号",
                                          category=MessageCategory.NOTIFICATION, provider_template_id=f"SMS_9{n:05d}",
                                          text="尊敬的{name}，您的爱车{plate}该做保养了。")

    def create_data(self, world):
        return {"code": "first_service_due", "name": "首保到期提醒", "category": "notification",
                "provider_template_id": "SMS_100200300", "signature": "售后服务",
                "text": "尊敬的{name}，您的爱车{plate}首保即将到期。"}
