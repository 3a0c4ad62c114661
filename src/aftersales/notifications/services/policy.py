"""Sending policy (R-RET-3, PIPL): who may be sent what and when — suppression list and consent
at queue time and again at send time, promotions only 08:00–20:00 Asia/Shanghai (deferred, never
dropped), the per-number daily limit.  Verification codes skip consent: the person just asked.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.exceptions import ServiceError

from ..choices import (
    ACCEPTED_STATUSES,
    Channel,
    ConsentChannel,
    ConsentPurpose,
    MessageCategory,
)
from ..models import OutboxMessage, Suppression
from ..selectors import NETWORK_WIDE, has_consent, is_suppressed

SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOW_OPENS = dt.time(8, 0)
WINDOW_CLOSES = dt.time(20, 0)


class MessageRefused(ServiceError):
    """Consent or the suppression list forbids this message; nothing was written."""

    code = "refused"


def current_time(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def check_policy(*, to: str, channel: str, category: str, purpose: str) -> None:
    if category == MessageCategory.VERIFICATION:
        return
    if is_suppressed(to, channel):
        raise MessageRefused(_("This recipient is on the suppression list; nothing was sent."), code="suppressed",
                             field="to")
    if not has_consent(to, channel, purpose):
        raise MessageRefused(_("The recipient has not consented to messages for this purpose."), code="no_consent",
                             field="to")


def allowed_contacts(contacts: set[str], *, channel: str, category: str, purpose: str) -> set[str]:
    """The contact points of ``contacts`` that ``check_policy`` would let through, for many at once:
    one query for the suppression list; the service purpose needs no further consent (the service
    contract covers it), other purposes ask per contact."""
    if category == MessageCategory.VERIFICATION or not contacts:
        return set(contacts)
    suppressed: set[str] = set()
    listed = list(contacts)
    for i in range(0, len(listed), 5000):
        suppressed.update(Suppression.objects.unscoped(reason=NETWORK_WIDE).filter(
            contact__in=listed[i:i + 5000], channel=channel, is_active=True).values_list("contact", flat=True))
    left = set(contacts) - suppressed
    if purpose == ConsentPurpose.SERVICE:
        return left
    return {c for c in left if has_consent(c, channel, purpose)}


def purpose_for(category: str, purpose: str | None) -> str:
    if category == MessageCategory.PROMOTION:
        if purpose not in (None, ConsentPurpose.MARKETING):
            raise ServiceError(_("A promotion is always marketing."), field="purpose")
        return ConsentPurpose.MARKETING
    if purpose is None:
        return ConsentPurpose.SERVICE
    if purpose not in ConsentPurpose.values:
        raise ServiceError(_("Unknown purpose."), field="purpose")
    return purpose


def in_quiet_hours(now: dt.datetime) -> bool:
    """Outside 08:00–20:00 Asia/Shanghai, when promotions must not go out."""
    t = timezone.localtime(now, SHANGHAI).time()
    return t < WINDOW_OPENS or t >= WINDOW_CLOSES


def next_window_opens(now: dt.datetime, *, next_day: bool = False) -> dt.datetime:
    """The next 08:00 Asia/Shanghai (today's if it is still before 08:00, unless ``next_day``)."""
    local = timezone.localtime(now, SHANGHAI)
    day = local.date()
    if next_day or local.time() >= WINDOW_OPENS:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, WINDOW_OPENS, tzinfo=SHANGHAI)


def sent_today(message: OutboxMessage, now: dt.datetime) -> int:
    """Messages accepted today (Asia/Shanghai) for the same number, signature and template."""
    local = timezone.localtime(now, SHANGHAI)
    start = dt.datetime.combine(local.date(), dt.time.min, tzinfo=SHANGHAI)
    return (OutboxMessage.objects
            .filter(channel=Channel.SMS, to=message.to, signature=message.signature, template_id=message.template_id,
                    status__in=ACCEPTED_STATUSES, sent_at__gte=start, sent_at__lt=start + dt.timedelta(days=1))
            .exclude(pk=message.pk).count())


def block_reason(message: OutboxMessage, now: dt.datetime) -> tuple[str, object] | None:
    """Why the message must not go out right now: ("cancel", reason) or ("defer", until)."""
    if message.category != MessageCategory.VERIFICATION:
        channel = ConsentChannel.SMS if message.channel == Channel.SMS else ConsentChannel.EMAIL
        if is_suppressed(message.to, channel):
            return "cancel", _("The recipient is on the suppression list.")
        if not has_consent(message.to, channel, message.purpose):
            return "cancel", _("The recipient's consent was withdrawn.")
    if message.channel != Channel.SMS:
        return None
    if message.category == MessageCategory.PROMOTION and in_quiet_hours(now):
        return "defer", next_window_opens(now)
    if sent_today(message, now) >= settings.AFTERSALES_SMS_DAILY_LIMIT:
        if message.category == MessageCategory.VERIFICATION:
            return "cancel", _("The daily limit of messages to this number is reached.")
        return "defer", next_window_opens(now, next_day=True)
    return None
