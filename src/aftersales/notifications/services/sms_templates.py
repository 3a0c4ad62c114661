"""SMS templates: an approved signature, the provider's template id and its ``{variables}``."""

from __future__ import annotations

from aftersales.core import services as core_services

from ..models import SmsTemplate


def sms_template_create(*, actor, data: dict, m2m: dict | None = None) -> SmsTemplate:
    return core_services.create_object(SmsTemplate, actor=actor, data=data)


def sms_template_update(template: SmsTemplate, *, actor, data: dict, m2m: dict | None = None,
                        expected_version: int | None = None) -> SmsTemplate:
    return core_services.update_object(template, actor=actor, data=data, expected_version=expected_version)
