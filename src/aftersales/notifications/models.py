"""Notifications: the in-app inbox, SMS templates, the outbox, consent and the suppression list.

Consent, suppression and replies are kept *per contact point* (an E.164 number or an e-mail
address), not per customer record: the same number may sit on several customer archives and a
refusal must hold for all of them (DOMAIN.md "Personal information").  ``customer_id`` is a plain
column (this app sits below ``customers``) so rows can appear on a customer's timeline.
"""

from __future__ import annotations

import math
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core import masking as core_masking
from aftersales.core.models import BaseModel
from aftersales.core.scoping import ScopeRule
from aftersales.core.validators import mask_phone

from .choices import (
    OUTBOX_MACHINE,
    Channel,
    ConsentChannel,
    ConsentPurpose,
    ConsentSource,
    MessageCategory,
    MessageStatus,
    NotificationLevel,
    SuppressionReason,
)

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
OPT_OUT_SUFFIX = "拒收请回复R"
# Providers bill 70 characters (signature included) as one message, longer texts in parts of 67.
SMS_SINGLE_LENGTH = 70
SMS_PART_LENGTH = 67


def default_signature() -> str:
    return settings.AFTERSALES_SMS_SIGNATURE


def default_max_attempts() -> int:
    return settings.AFTERSALES_OUTBOX_MAX_ATTEMPTS


# One mask per kind of contact point, shared with every other app (core.masking).
mask_email, mask_contact = core_masking.mask_email, core_masking.mask_contact


def sms_segments(text: str) -> int:
    """How many messages the provider bills for ``text`` (signature included)."""
    n = len(text)
    return 1 if n <= SMS_SINGLE_LENGTH else math.ceil(n / SMS_PART_LENGTH)


class Notification(BaseModel):
    """One line in a user's in-app inbox.  Not organisation-scoped: a user only ever sees their own."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=NotificationLevel.choices,
                             default=NotificationLevel.INFO)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_inbox")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class SmsTemplate(BaseModel):
    """A provider-approved template: signature + template id + ``{variable}`` placeholders, no free text."""

    code = models.SlugField(_("code"), max_length=50, unique=True,
                            help_text=_("Used by the programs that send this message, e.g. maintenance_reminder."))
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=MessageCategory.choices)
    provider_template_id = models.CharField(_("provider template id"), max_length=50,
                                            help_text=_("The template code the SMS provider approved, e.g. SMS_123456789."))
    signature = models.CharField(_("signature"), max_length=20, default=default_signature,
                                 help_text=_("The approved sender signature, shown as 【signature】."))
    text = models.TextField(_("text"), help_text=_("Write variables as {name}. Promotions must end with 拒收请回复R."))
    variables = models.JSONField(_("variables"), default=list, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("notifications:template_detail", args=[self.pk])

    def clean(self):
        errors = {}
        text = (self.text or "").strip()
        self.text = text
        self.signature = (self.signature or "").strip().strip("【】")
        if len(self.signature) < 2:
            errors["signature"] = _("A signature has 2 to 20 characters.")
        stray = re.sub(PLACEHOLDER, "", text)
        if "{" in stray or "}" in stray:
            errors["text"] = _("Write variables as {name} with letters, digits and underscores only.")
        elif self.category == MessageCategory.PROMOTION and not text.endswith(OPT_OUT_SUFFIX):
            errors["text"] = _("A promotion must end with “%(suffix)s”.") % {"suffix": OPT_OUT_SUFFIX}
        if errors:
            raise ValidationError(errors)
        # The declared variables are exactly the placeholders, in order of first use.
        self.variables = list(dict.fromkeys(PLACEHOLDER.findall(text)))

    def missing_params(self, params: dict) -> list[str]:
        return [v for v in self.variables if str(params.get(v, "")).strip() == ""]

    def render(self, params: dict) -> str:
        """The text as the recipient reads it: 【signature】 + text with the variables filled in."""
        body = PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), m.group(0))), self.text)
        return f"【{self.signature}】{body}"

    @property
    def segments(self) -> int:
        return sms_segments(self.render({}))


class OutboxMessage(BaseModel):
    """One message to send, written in the same transaction as the business change that caused it.

    The worker claims a row (conditional UPDATE), sends it through the gateway, and records the
    outcome; ``idempotency_key`` makes a second request for the same message return the first row.
    """

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=MessageCategory.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices,
                               default=ConsentPurpose.SERVICE)
    to = models.CharField(_("recipient"), max_length=254, help_text=_("E.164 mobile number or e-mail address."))
    recipient_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient user"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    template = models.ForeignKey(SmsTemplate, verbose_name=_("SMS template"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="messages")
    signature = models.CharField(_("signature"), max_length=20, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    params = models.JSONField(_("variables"), default=dict, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=150, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices,
                              default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=default_max_attempts)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True, db_index=True)
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    customer_id = models.BigIntegerField(_("customer"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    # Rows without an organisation (system messages) are seen by head-office scopes only.
    scope_rule = ScopeRule(paths=("organisation_id",))
    personal_data = {"to": "contact"}

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["organisation_id", "-created_at"], name="outbox_org_created"),
            models.Index(fields=["-created_at"], name="outbox_created"),
            models.Index(fields=["to", "sent_at"], name="outbox_to_sent"),
            models.Index(fields=["customer_id", "-created_at"], name="outbox_customer_created",
                         condition=Q(customer_id__isnull=False)),
        ]

    def __str__(self) -> str:
        what = self.template.name if self.template_id else self.subject
        return f"{self.get_channel_display()} → {mask_contact(self.to)} · {what}"[:200]

    def get_absolute_url(self) -> str:
        return reverse("notifications:outbox_detail", args=[self.pk])

    def audit_subjects(self) -> dict:
        return {"organisation_id": self.organisation_id, "customer_id": self.customer_id}

    @property
    def masked_to(self) -> str:
        return mask_contact(self.to)

    @property
    def segments(self) -> int:
        return sms_segments(self.body) if self.channel == Channel.SMS else 1

    @property
    def can_requeue(self) -> bool:
        """The state allows a re-queue (who may do it is the machine's question: ``OUTBOX_MACHINE``)."""
        return self.status in OUTBOX_MACHINE.get("requeue").source

    @property
    def can_cancel(self) -> bool:
        """Not yet sent and not in a worker's hands (or dead-lettered)."""
        return self.status in OUTBOX_MACHINE.get("cancel").source


class ContactConsent(BaseModel):
    """One consent statement (granted or withdrawn) for a contact point, channel and purpose.

    Append-only: the latest row per (contact, channel, purpose) wins; no row means no consent for
    marketing ("silence is refusal").
    """

    contact = models.CharField(_("contact"), max_length=254, help_text=_("E.164 phone number or e-mail address."))
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentChannel.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    source = models.CharField(_("source"), max_length=20, choices=ConsentSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    customer_id = models.BigIntegerField(_("customer"), null=True, blank=True)

    # A dealer sees the statements about its own customers (and customers granted to it) and the
    # ones its own staff recorded; rows tied to no customer are head office's (issue 7 item 1).
    # Senders still honour every row network-wide: ``selectors.latest_consent`` reads unscoped on purpose.
    scope_rule = ScopeRule(paths=("recorded_by__staff_profile__organisation",),
                           via_ids=(("customer_id", "customers.Customer"),))
    # What each value is, for masking on pages, API, exports and timelines (core.masking).
    personal_data = {"contact": "contact"}

    class Meta:
        verbose_name = _("contact consent")
        verbose_name_plural = _("contact consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["contact", "channel", "purpose", "-recorded_at"], name="consent_latest"),
            models.Index(fields=["-recorded_at"], name="consent_recorded"),
            models.Index(fields=["customer_id", "-recorded_at"], name="consent_customer",
                         condition=Q(customer_id__isnull=False)),
        ]

    def __str__(self) -> str:
        state = _("granted") if self.granted else _("withdrawn")
        return f"{mask_contact(self.contact)} · {self.get_channel_display()} · {self.get_purpose_display()} · {state}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:consent_list")

    def audit_subjects(self) -> dict:
        return {"customer_id": self.customer_id}


class Suppression(BaseModel):
    """A contact point that must not be sent to on a channel.  Every sender checks it.

    A suppression blocks every message on its channel except verification codes, which the person
    asks for themselves at that moment.  Lifting it (``is_active=False``) keeps the row and its history.
    """

    contact = models.CharField(_("contact"), max_length=254)
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentChannel.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=SuppressionReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    customer_id = models.BigIntegerField(_("customer"), null=True, blank=True)

    # As consents: the dealer's customers' contact points and the ones its staff suppressed; every
    # sender checks every row (``selectors.is_suppressed`` reads unscoped on purpose).
    scope_rule = ScopeRule(paths=("created_by__staff_profile__organisation",),
                           via_ids=(("customer_id", "customers.Customer"),))
    personal_data = {"contact": "contact"}

    class Meta:
        verbose_name = _("suppression")
        verbose_name_plural = _("suppression list")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["contact", "channel"], name="uniq_suppression_contact")]
        indexes = [models.Index(fields=["-created_at"], name="suppression_created")]

    def __str__(self) -> str:
        return f"{mask_contact(self.contact)} · {self.get_channel_display()}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:suppression_list")

    def audit_subjects(self) -> dict:
        return {"customer_id": self.customer_id}


class SmsReply(BaseModel):
    """An inbound SMS (the provider's reply callback).  Opt-out words become suppressions."""

    from_number = models.CharField(_("from"), max_length=32)
    text = models.CharField(_("text"), max_length=500)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    is_opt_out = models.BooleanField(_("opt-out"), default=False)
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    customer_id = models.BigIntegerField(_("customer"), null=True, blank=True)

    # A reply belongs to the customer the number was last sent to; unmatched replies are head office's.
    scope_rule = ScopeRule(paths=(), via_ids=(("customer_id", "customers.Customer"),))
    personal_data = {"from_number": "phone"}

    class Meta:
        verbose_name = _("SMS reply")
        verbose_name_plural = _("SMS replies")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["from_number", "-received_at"], name="smsreply_from"),
            models.Index(fields=["-received_at"], name="smsreply_received"),
        ]

    def __str__(self) -> str:
        return f"{mask_phone(self.from_number)}: {self.text[:30]}"

    def audit_subjects(self) -> dict:
        return {"customer_id": self.customer_id}
