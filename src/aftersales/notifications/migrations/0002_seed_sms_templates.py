"""A few realistic SMS templates so a fresh installation can send maintenance reminders, surveys,
promotions and verification codes.  Provider template ids are placeholders until the provider
approves the real ones."""

import re

from django.conf import settings
from django.db import migrations

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

TEMPLATES = [
    ("maintenance_reminder", "保养提醒", "notification", "SMS_000000001",
     "尊敬的{name}，您的爱车{plate}已行驶约{mileage}公里，建议于{due_date}前到{dealer}进行定期保养，预约电话{phone}。"),
    ("repair_ready", "维修完工取车通知", "notification", "SMS_000000002",
     "尊敬的{name}，您的爱车{plate}已维修完工，请凭工单号{ro_number}到{dealer}取车，如有疑问请致电{phone}。"),
    ("return_visit_survey", "维修保养回访调查", "notification", "SMS_000000003",
     "尊敬的{name}，感谢您于{visit_date}到{dealer}维修保养，请点击{link}为本次服务评价，您的意见对我们很重要。"),
    ("promotion_campaign", "促销活动通知", "promotion", "SMS_000000004",
     "{dealer}客户关怀月：{end_date}前到店保养享工时费{discount}折优惠，详询{phone}。拒收请回复R"),
    ("verification_code", "验证码", "verification", "SMS_000000005",
     "您的验证码为{code}，{minutes}分钟内有效，请勿泄露给他人。"),
]


def seed(apps, schema_editor):
    SmsTemplate = apps.get_model("notifications", "SmsTemplate")
    signature = getattr(settings, "AFTERSALES_SMS_SIGNATURE", "售后服务")
    for code, name, category, provider_id, text in TEMPLATES:
        SmsTemplate.objects.get_or_create(code=code, defaults={
            "name": name, "category": category, "provider_template_id": provider_id, "signature": signature,
            "text": text, "variables": list(dict.fromkeys(PLACEHOLDER.findall(text))), "is_active": True,
        })


def unseed(apps, schema_editor):
    SmsTemplate = apps.get_model("notifications", "SmsTemplate")
    SmsTemplate.objects.filter(code__in=[t[0] for t in TEMPLATES], messages__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
