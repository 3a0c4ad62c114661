"""The outbox runs on the kernel's state machine (issue 6 item 1, ADR 0007): allowed moves, refused
ones (409 with the translated reason, state unchanged, no audit event), the audit content, stale
versions, and buttons / API actions offered only to users who may fire them."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.core.exceptions import PermissionDeniedError, StaleVersionError, TransitionNotAllowed
from aftersales.core.models import AuditEvent
from aftersales.notifications import services
from aftersales.notifications.choices import OUTBOX_MACHINE, TRANSITIONS, MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import delivery

from .helpers import MOBILE, REMINDER_PARAMS, ensure_reminder_template

pytestmark = pytest.mark.django_db
BASE = "/api/notifications/outbox"


def queue(key="k"):
    return services.queue_sms(actor=None, to=MOBILE, template_code="maintenance_reminder", params=REMINDER_PARAMS,
                              idempotency_key=key)


def dead_letter(key="d"):
    message = queue(key)
    OutboxMessage.objects.filter(pk=message.pk).update(status=MessageStatus.DEAD, attempts=6, last_error="timeout")
    message.refresh_from_db()
    return message


def events(message):
    return list(AuditEvent.objects.for_object(message).order_by("id").values_list("action", flat=True))


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_graph_is_the_one_written_before():
    # Written out by hand (not derived from the machine): the moves the outbox allowed before the kernel.
    S = MessageStatus
    assert {k: set(v) for k, v in TRANSITIONS.items()} == {
        S.PENDING: {S.SENDING, S.CANCELLED}, S.DEFERRED: {S.SENDING, S.CANCELLED}, S.FAILED: {S.SENDING, S.CANCELLED},
        S.SENDING: {S.SENT, S.FAILED, S.DEAD, S.DEFERRED, S.CANCELLED}, S.SENT: {S.DELIVERED, S.UNDELIVERED},
        S.DELIVERED: set(), S.UNDELIVERED: set(), S.DEAD: {S.PENDING, S.CANCELLED}, S.CANCELLED: set(),
    }


def test_requeue_writes_old_and_new_state_actor_and_reason(admin_user):
    message = dead_letter()
    services.requeue(actor=admin_user, message=message, note="网关已恢复")
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.PENDING, 0, "")
    event = AuditEvent.objects.for_object(message).get(action="notifications.message.requeued")
    assert event.actor == admin_user
    assert event.changes == {"status": ["dead", "pending"], "attempts": [6, 0]}
    assert event.note == "网关已恢复"


def test_a_move_from_the_wrong_state_is_refused_and_changes_nothing(admin_user):
    message = queue()
    version, before = message.version, events(message)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.requeue(actor=admin_user, message=message)
    assert "待发送" in str(refused.value.message)  # the translated state name says why
    assert refused.value.status == 409
    message.refresh_from_db()
    assert (message.status, message.version) == (MessageStatus.PENDING, version)
    assert events(message) == before


def test_a_stale_version_is_refused_and_changes_nothing(admin_user):
    message = dead_letter()
    with pytest.raises(StaleVersionError):
        services.cancel_message(actor=admin_user, message=message, reason="重复", expected_version=message.version + 1)
    message.refresh_from_db()
    assert message.status == MessageStatus.DEAD and "notifications.message.cancelled" not in events(message)


def test_a_user_without_the_permission_may_not_fire(make_user):
    message = dead_letter()
    viewer = make_user("vera", "notifications.view_outboxmessage")
    with pytest.raises(PermissionDeniedError):
        services.requeue(actor=viewer, message=message)
    message.refresh_from_db()
    assert message.status == MessageStatus.DEAD
    assert OUTBOX_MACHINE.available(message, user=viewer) == []


def test_cancel_needs_a_reason_and_a_missing_one_changes_nothing(admin_user):
    message = queue()
    with pytest.raises(Exception) as refused:
        services.cancel_message(actor=admin_user, message=message, reason="  ")
    assert refused.value.code == "required" and "reason" in refused.value.fields
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING


def test_only_one_worker_claims_a_message():
    message = queue()
    assert delivery._claim(message.pk, message.next_attempt_at)
    assert not delivery._claim(message.pk, message.next_attempt_at)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING


def test_system_moves_are_never_offered_to_users(admin_user):
    offered = {t.name for t in OUTBOX_MACHINE.available(dead_letter(), user=admin_user)}
    assert offered == {"requeue", "cancel"}
    offered = {t.name for t in OUTBOX_MACHINE.available(queue("p"), user=admin_user)}
    assert offered == {"cancel"}


def _buttons(user, message):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load aftersales %}{% transition_buttons object %}").render(
        Context({"request": request, "object": message}))


def test_buttons_only_for_users_who_may_fire(admin_user, make_user):
    message = dead_letter()
    page = _buttons(admin_user, message)
    assert 'data-testid="requeue"' in page and 'data-testid="cancel"' in page
    assert f'name="version" value="{message.version}"' in page
    assert reverse("notifications:outbox_transition", args=[message.pk, "requeue"]) in page
    assert "data-testid" not in _buttons(make_user("vic", "notifications.view_outboxmessage"), message)


def test_api_refusal_is_409_with_the_translated_reason_and_nothing_changes(admin_user):
    message = queue()
    before = events(message)
    response = api(admin_user).post(f"{BASE}/{message.pk}/requeue/", {"reason": "x"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed" and "待发送" in body["detail"]
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and events(message) == before


def test_api_stale_version_is_409(admin_user):
    message = dead_letter()
    response = api(admin_user).post(f"{BASE}/{message.pk}/cancel/", {"reason": "重复", "version": message.version + 5},
                                    format="json")
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    message.refresh_from_db()
    assert message.status == MessageStatus.DEAD


def test_api_offers_only_user_transitions(admin_user):
    message = queue()
    assert api(admin_user).post(f"{BASE}/{message.pk}/claim/", {}, format="json").status_code == 404
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING


def test_page_refusal_is_a_message_and_changes_nothing(client, admin_user):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=MessageStatus.CANCELLED)
    client.force_login(admin_user)
    response = client.post(reverse("notifications:outbox_transition", args=[message.pk, "requeue"]), follow=True)
    assert "“已取消”" in response.content.decode()  # the refusal names the state it is in
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED


def test_page_unknown_transition_is_the_branded_404(client, admin_user):
    message = queue()
    client.force_login(admin_user)
    response = client.post(reverse("notifications:outbox_transition", args=[message.pk, "explode"]))
    assert response.status_code == 404 and 'data-testid="error-page"' in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_and_cancels_leave_one_winner():
    """Ten workers claim and ten administrators cancel the same message at the same moment, each in
    its own connection: the row lock lets exactly one move happen, the others are refused cleanly."""
    from django.db import connection, connections

    if connection.vendor != "postgresql" and connection.is_in_memory_db():
        pytest.skip("needs PostgreSQL or a file SQLite database: threads cannot share an in-memory one")
    import threading

    from django.contrib.auth import get_user_model

    ensure_reminder_template()
    admin = get_user_model().objects.create_superuser("root", password="pw-12345-secret")
    message = queue("race")
    racers = 20
    start = threading.Barrier(racers)
    wins: list[str] = []
    errors: list[BaseException] = []

    def claim():
        try:
            start.wait()
            if delivery._claim(message.pk, message.next_attempt_at):
                wins.append("claim")
        except BaseException as exc:  # noqa: BLE001 - every failure is the finding
            errors.append(exc)
        finally:
            connections.close_all()

    def cancel():
        try:
            start.wait()
            services.cancel_message(actor=admin, message=OutboxMessage.objects.get(pk=message.pk), reason="并发")
            wins.append("cancel")
        except TransitionNotAllowed:
            pass
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim if i % 2 else cancel) for i in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(wins) == 1
    message.refresh_from_db()
    assert message.status == (MessageStatus.SENDING if wins == ["claim"] else MessageStatus.CANCELLED)
    assert message.version == 2  # queued at 1, moved exactly once
    assert AuditEvent.objects.for_object(message).filter(action="notifications.message.cancelled").count() == (
        wins == ["cancel"])


def test_api_says_which_actions_the_user_may_fire(admin_user, make_user):
    from rest_framework.test import APIRequestFactory

    from aftersales.notifications.api.serializers import OutboxMessageSerializer

    dead, pending = dead_letter(), queue("p")
    client = api(admin_user)
    assert client.get(f"{BASE}/{dead.pk}/").json()["actions"] == ["requeue", "cancel"]
    assert client.get(f"{BASE}/{pending.pk}/").json()["actions"] == ["cancel"]
    request = APIRequestFactory().get("/")
    request.user = make_user("wendy", "notifications.view_outboxmessage")
    assert OutboxMessageSerializer(dead, context={"request": request}).data["actions"] == []
