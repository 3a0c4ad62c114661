"""Timelines as the user may see them and personal data masked by what it is (issue 6 item 6,
issue 7 item 3; ADR 0015; R-SYS-2, R-SYS-3, R-CUS-4)."""

from datetime import date

import pytest
from django.urls import reverse

from aftersales.core import audit
from aftersales.core.selectors import timeline_for_customer, timeline_for_vehicle
from aftersales.customers import services
from aftersales.notifications import services as notification_services
from aftersales.notifications.events import MESSAGE_QUEUED
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.tests.helpers import REMINDER_PARAMS

pytestmark = pytest.mark.django_db

OWNER_MOBILE = "13812345678"


def _texts(entries) -> str:
    """Everything a reader sees of these entries: sentences and changed values."""
    return " | ".join([e.text for e in entries] + [f"{label}:{old}->{new}" for e in entries
                                                    for _n, label, old, new in e.changes])


@pytest.fixture
def car(make_customer, make_vehicle, dealer_a):
    owner = make_customer(dealer_a, name="张伟", phone=OWNER_MOBILE)
    return make_vehicle(owner, plate="京A12345")


def test_granted_dealer_sees_the_car_but_not_head_office_events_about_it(car, make_user, dealer_b, hq, admin_user):
    services.receive_vehicle(actor=admin_user, vehicle=car, organisation=dealer_b, reason="三包维修")
    notification_services.queue_sms(actor=admin_user, to=OWNER_MOBILE, template_code="maintenance_reminder",
                                    params=REMINDER_PARAMS, idempotency_key="hq-1", organisation_id=hq.pk,
                                    customer_id=car.owner_id)
    # A later capability's head-office record about this car (e.g. a quality case) — the object
    # is the head office's outbox message, the event names the car.
    sms = OutboxMessage.objects.get(idempotency_key="hq-1")
    audit.record(actor=admin_user, action=MESSAGE_QUEUED, obj=sms, vehicle_id=car.pk, customer_id=car.owner_id)

    receiver = make_user("dealer", dealer_b)
    head_office = make_user("agent", hq)
    actions_seen = {e.event.action for e in timeline_for_customer(car.owner, user=receiver)}
    assert "customers.vehicle.created" in actions_seen
    assert "notifications.message.queued" not in actions_seen
    assert "notifications.message.queued" not in {e.event.action for e in timeline_for_vehicle(car, user=receiver)}
    # head office sees its own events
    assert "notifications.message.queued" in {e.event.action for e in timeline_for_customer(car.owner, user=head_office)}
    assert "notifications.message.queued" in {e.event.action for e in timeline_for_vehicle(car, user=head_office)}


def test_a_dealer_outside_the_scope_gets_an_empty_timeline(car, make_user, dealer_b):
    stranger = make_user("dealer", dealer_b)
    assert timeline_for_customer(car.owner, user=stranger) == []
    assert timeline_for_customer(car.owner_id, user=stranger) == []
    assert timeline_for_vehicle(car, user=stranger) == []


def test_a_document_number_is_not_masked_like_a_phone(car, make_user, hq, admin_user, dealer_a):
    services.phone_add(actor=admin_user, customer=car.owner, number="13987655678")
    services.document_create(actor=admin_user, data={
        "customer": car.owner, "vehicle": car, "kind": "invoice", "title": "购车发票",
        "number": "13911112222", "document_date": date(2025, 1, 10), "organisation": dealer_a})
    agent = make_user("agent", hq)  # may not see personal data
    seen = _texts(timeline_for_customer(car.owner, user=agent))
    assert "13911112222" in seen  # a receipt number is not personal data
    assert "13987655678" not in seen and "139****5678" in seen  # a phone is masked by its kind
    assert OWNER_MOBILE not in seen


def test_masking_follows_the_row_when_the_owner_moved_to_another_dealer(car, make_user, dealer_a, dealer_b,
                                                                        admin_user, client):
    seller = make_user("dealer", dealer_a)  # the role sees personal data
    client.force_login(seller)
    page = client.get(reverse("customers:vehicle_detail", args=[car.pk])).content.decode()
    assert "138 1234 5678" in page  # own customer: unmasked (shown grouped)

    services.customer_update(car.owner, actor=admin_user, data={"owning_dealer": dealer_b},
                             expected_version=car.owner.version)
    page = client.get(reverse("customers:vehicle_detail", args=[car.pk])).content.decode()
    assert client.get(reverse("customers:vehicle_detail", args=[car.pk])).status_code == 200  # still sold here
    assert "138 1234 5678" not in page and OWNER_MOBILE not in page
    assert "138****5678" in page


def test_vehicle_export_masks_an_owner_who_moved(car, make_user, dealer_a, dealer_b, admin_user):
    from aftersales.customers.exporters import vehicle_columns, vehicle_queryset

    seller = make_user("dealer", dealer_a)
    services.customer_update(car.owner, actor=admin_user, data={"owning_dealer": dealer_b},
                             expected_version=car.owner.version)
    columns = vehicle_columns(seller)
    rows = [[str(get(v)) for _h, get in columns] for v in vehicle_queryset(seller, {})]
    assert rows and OWNER_MOBILE not in rows[0] and "138****5678" in rows[0]


def test_consent_events_mask_the_contact(car, make_user, hq, admin_user):
    notification_services.record_consent(actor=admin_user, contact=OWNER_MOBILE, channel="sms", purpose="marketing",
                                         granted=True, source="form", customer_id=car.owner_id)
    agent = make_user("agent", hq)
    entries = [e for e in timeline_for_customer(car.owner, user=agent)
               if e.event.action == "notifications.consent.granted"]
    assert entries
    assert OWNER_MOBILE not in _texts(entries) and "138****5678" in _texts(entries)
    manager = make_user("manager", hq)  # sees personal data, and the customer is in scope
    assert OWNER_MOBILE in _texts([e for e in timeline_for_customer(car.owner, user=manager)
                                   if e.event.action == "notifications.consent.granted"])


def test_the_360_page_tells_the_story_in_sentences(car, make_user, hq, admin_user, dealer_a, client):
    services.record_mileage(actor=admin_user, vehicle=car, reading_km=12300, read_on=date(2025, 6, 1))
    services.document_create(actor=admin_user, data={
        "customer": car.owner, "vehicle": car, "kind": "invoice", "title": "购车发票",
        "number": "FP-001", "document_date": date(2025, 1, 10), "organisation": dealer_a})
    agent = make_user("agent", hq)
    client.force_login(agent)
    page = client.get(reverse("customers:customer_detail", args=[car.owner.pk])).content.decode()
    story = page[page.index('data-testid="tab-story"'):]
    assert "登记了车辆 京A12345（小蚂蚁）" in story
    assert "里程更新为 12,300 km（京A12345）" in story
    assert "录入了单据《购车发票》" in story
    assert "建立了客户档案" in story
    assert admin_user.staff_profile.display_name in story  # people's names, not usernames
    for raw in ("customers.", "phones", "name_initials", "zs", "+86", "[&#x27;", "current_mileage"):
        assert raw not in story, raw
    assert OWNER_MOBILE not in page and "138****5678" in page
    assert 'data-testid="change-history"' not in page  # the change log is one tab away

    changes = client.get(reverse("customers:customer_detail", args=[car.owner.pk]) + "?tab=changes").content.decode()
    assert 'data-testid="change-history"' in changes
    log = changes[changes.index('data-testid="change-history"'):]
    assert "电话" in log and "138****5678" in log and OWNER_MOBILE not in log
    assert "customers." not in log and "phones" not in log


def test_seeded_history_carries_the_dates_it_happened_on(db):
    """The demo's customer timelines read as years of service, not "everything happened just now"."""
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from aftersales.core.models import AuditEvent
    from aftersales.customers.models import CustomerDocument, MileageReading

    call_command("seed", "--scale", "0.05", "--only", "org", "notifications", "parts", "customers", stdout=StringIO())
    started = timezone.now() - timezone.timedelta(hours=1)
    readings = list(MileageReading.objects.all())
    assert readings and all(timezone.localtime(r.created_at).date() == r.read_on for r in readings)
    for event in AuditEvent.objects.filter(action="customers.mileage.recorded"):
        day = timezone.localtime(event.at).date()
        assert MileageReading.objects.filter(vehicle_id=event.vehicle_id, read_on=day).exists()
    vehicles = AuditEvent.objects.filter(action="customers.vehicle.created")
    assert vehicles.exists() and not vehicles.filter(at__gte=started).exists()  # dated at their sale
    assert all(timezone.localtime(d.created_at).date() == d.received_on for d in CustomerDocument.objects.all())
    customers = AuditEvent.objects.filter(action="customers.customer.created")
    assert customers.filter(at__lt=started - timezone.timedelta(days=29)).exists()
