"""This app's contributions to the shell: menu, "我的工作" items, the unread badge, timeline sentences."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.core.registry import (
    NavItem,
    WorkItem,
    register_nav,
    register_shell_context,
    register_timeline_renderer,
    register_work_items,
)

from . import selectors
from .choices import MessageStatus

register_nav("notifications", _("Notifications"), 850, [
    NavItem(_("Inbox"), "notifications:inbox", order=10),
    NavItem(_("Outbox"), "notifications:outbox_list", permission="notifications.view_outboxmessage", order=20),
    NavItem(_("SMS templates"), "notifications:template_list", permission="notifications.view_smstemplate", order=30),
    NavItem(_("Contact consents"), "notifications:consent_list", permission="notifications.view_contactconsent",
            order=40),
    NavItem(_("Suppression list"), "notifications:suppression_list", permission="notifications.view_suppression",
            order=50),
])


@register_work_items
def notification_work_items(user):
    items = [WorkItem("notifications.unread", gettext("Unread notifications"), selectors.unread_count(user),
                      reverse("notifications:inbox") + "?unread=1")]
    if user.has_perm(selectors.CHANGE_OUTBOX):
        items.append(WorkItem(
            "notifications.dead", gettext("Dead-lettered messages"), selectors.dead_letter_count(user),
            reverse("notifications:outbox_list") + f"?status={MessageStatus.DEAD}", severity="danger",
            hint=gettext("Sending stopped after repeated failures: re-queue or cancel them."),
        ))
    return items


def unread_badge(request) -> dict:
    return {"unread_notifications": selectors.unread_count(getattr(request, "user", None))}


register_shell_context(unread_badge)

_SENTENCES = {
    "notifications.message.queued": _("Message queued: %(object)s"),
    "notifications.message.sent": _("Message sent: %(object)s"),
    "notifications.message.delivered": _("Message delivered: %(object)s"),
    "notifications.message.undelivered": _("Message not delivered: %(object)s"),
    "notifications.message.dead": _("Message failed, retries stopped: %(object)s"),
    "notifications.message.cancelled": _("Message cancelled: %(object)s"),
    "notifications.message.requeued": _("Message re-queued: %(object)s"),
    "notifications.consent.granted": _("Consent granted: %(object)s"),
    "notifications.consent.withdrawn": _("Consent withdrawn: %(object)s"),
    "notifications.suppression.added": _("Added to the suppression list: %(object)s"),
    "notifications.suppression.lifted": _("Removed from the suppression list: %(object)s"),
}


def render_event(event) -> str:
    sentence = _SENTENCES.get(event.action)
    return str(sentence) % {"object": event.object_repr} if sentence else ""


register_timeline_renderer("notifications.", render_event)
