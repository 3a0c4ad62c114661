"""Scoping fails closed (issue 7 item 1, R-SYS-2, ADR 0012 "Fails closed").

- The CI check: no module that reaches a page, an API response, an import, an export or a
  timeline reads a scoped model without ``restrict(user)`` or an explicit ``unscoped(reason=…)``.
- The models that had no rule (consents, suppressions, SMS replies, audit events, import jobs,
  export requests) have one: a dealer sees its own rows and never another dealer's, on the page
  and through ``restrict()``; head office sees all.
- Deliberate network-wide reads (a refusal binds every sender) still see every row.
"""

from __future__ import annotations

import pytest

from aftersales.core.scoping import scoped_models
from aftersales.core.testing.scope_audit import ACCEPTED, check_source, unscoped_reads
from aftersales.core.testing.scope_harness import load_factories

NEWLY_SCOPED = ["notifications.ContactConsent", "notifications.Suppression", "notifications.SmsReply",
                "core.AuditEvent", "core.ImportJob", "core.ExportRequest"]


# --- the CI check ---------------------------------------------------------------------------------

def test_no_module_that_answers_a_user_reads_a_scoped_model_unscoped():
    findings = unscoped_reads()
    assert findings == [], ("Scoped rows read without restrict(user) — go through the user's scope, or say "
                            "unscoped(reason=…) where a read must cross it (ADR 0012):\n"
                            + "\n".join(str(f) for f in findings))


def test_accepted_exceptions_each_say_why_and_are_still_needed():
    assert all(reason.strip() for reason in ACCEPTED.values())
    used = {(f.path, f.model) for f in unscoped_reads(include_accepted=True)}
    assert set(ACCEPTED) - used == set(), "remove the ACCEPTED entries nothing needs any more"


SCOPED = {"Customer", "ContactConsent"}


@pytest.mark.parametrize("code, findings", [
    # forgotten: the whole network's rows
    ("def consent_list(*, user):\n    return ContactConsent.objects.select_related('recorded_by')\n", 1),
    ("def f(user):\n    return list(Customer.objects.filter(is_active=True))\n", 1),
    ("def f(user):\n    return Customer._default_manager.get(pk=1)\n", 1),
    ("def f(user):\n    return models.Customer.objects.all()\n", 1),
    ("class F(FilterSet):\n    owner = ModelChoiceFilter(queryset=Customer.objects.all())\n", 1),
    # scoped, or deliberately and explicitly not
    ("def f(user):\n    return Customer.objects.restrict(user).filter(is_active=True)\n", 0),
    ("def f(user):\n    return Customer.objects.filter(is_active=True).restrict(user)\n", 0),
    ("def f():\n    return ContactConsent.objects.unscoped(reason='binds every sender').exists()\n", 0),
    # nothing read, or read under a restricted parent, or narrowed per request
    ("def f():\n    Customer.objects.filter(pk=1).update(name='x')\n    Customer.objects.create(name='y')\n", 0),
    ("def f(user):\n    return qs(user).prefetch_related(Prefetch('x', queryset=Customer.objects.all()))\n", 0),
    ("class F(FilterSet):\n    scoped_filters = ('owner',)\n    owner = ModelChoiceFilter(queryset=Customer.objects.all())\n", 0),
    ("def f():\n    return Region.objects.all()\n", 0),  # reference data: no scope rule
])
def test_the_check_tells_a_forgotten_scope_from_a_deliberate_one(code, findings):
    assert len(check_source(code, "app/selectors.py", SCOPED)) == findings


def test_the_check_catches_a_forgotten_scope_in_the_real_tree(tmp_path):
    """Copy one real selector module, drop its ``restrict(user)``: the check names file and line."""
    from aftersales.core.testing.scope_audit import package_root

    source = (package_root() / "notifications" / "selectors.py").read_text(encoding="utf-8")
    broken = source.replace("ContactConsent.objects.restrict(user)", "ContactConsent.objects")
    assert broken != source
    names = {m.__name__ for m in scoped_models()}
    found = check_source(broken, "notifications/selectors.py", names)
    assert [(f.model, f.path) for f in found] == [("ContactConsent", "notifications/selectors.py")]
    assert "ContactConsent.objects.select_related" in found[0].code


@pytest.mark.django_db
def test_unscoped_needs_a_reason():
    from aftersales.notifications.models import ContactConsent

    with pytest.raises(ValueError):
        ContactConsent.objects.unscoped(reason="  ")
    assert ContactConsent.objects.unscoped(reason="a refusal binds every sender").count() == 0


# --- every formerly unscoped model has a rule ------------------------------------------------------

@pytest.mark.parametrize("label", NEWLY_SCOPED)
def test_model_has_a_scope_rule(label):
    assert label in {m._meta.label for m in scoped_models()}


@pytest.mark.django_db
@pytest.mark.parametrize("label", NEWLY_SCOPED)
def test_dealer_sees_own_rows_not_another_dealers(world, label, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    factories = {m._meta.label: f for m, f in load_factories().items()}
    mine, theirs = factories[label](world.dealer_a), factories[label](world.dealer_b)
    model = type(mine)
    visible = set(model.objects.restrict(world.user("dealer")).values_list("pk", flat=True))
    assert mine.pk in visible and theirs.pk not in visible
    visible_b = set(model.objects.restrict(world.user("dealer_b")).values_list("pk", flat=True))
    assert theirs.pk in visible_b and mine.pk not in visible_b
    everything = set(model.objects.restrict(world.user("manager")).values_list("pk", flat=True))
    assert {mine.pk, theirs.pk} <= everything


@pytest.mark.django_db
def test_consent_of_a_granted_customer_opens_with_the_grant(world):
    """A dealer that received another store's car (an access grant on its owner) sees that owner's
    consent statements too: the rule follows the customer, grants included."""
    from aftersales.core.services import grant_access
    from aftersales.customers.models import Customer
    from aftersales.customers.tests.scope_factories import consent
    from aftersales.notifications.models import ContactConsent

    row = consent(world.dealer_b)
    dealer = world.user("dealer")
    assert not ContactConsent.objects.restrict(dealer).filter(pk=row.pk).exists()
    grant_access(actor=world.user("admin"), organisation_id=world.dealer_a.pk,
                 obj=Customer.objects.get(pk=row.customer_id), reason="三包维修接车")
    dealer = type(dealer).objects.get(pk=dealer.pk)  # a fresh request: no cached scope object
    assert ContactConsent.objects.restrict(dealer).filter(pk=row.pk).exists()


# --- what a dealer notices ------------------------------------------------------------------------

@pytest.mark.django_db
def test_dealer_no_longer_lists_the_whole_networks_consents(world, client):
    from aftersales.customers.tests.scope_factories import consent

    mine, theirs = consent(world.dealer_a), consent(world.dealer_b)
    client.force_login(world.user("dealer"))
    response = client.get("/notifications/consents/")
    assert response.status_code == 200
    listed = {row.record.pk for row in response.context["table"].paginated_rows}
    assert listed == {mine.pk}
    page = response.content.decode()
    assert theirs.contact[-4:] not in page  # the other store's number does not appear, even masked
    client.force_login(world.user("manager"))
    listed = {row.record.pk for row in client.get("/notifications/consents/").context["table"].paginated_rows}
    assert {mine.pk, theirs.pk} <= listed


@pytest.mark.django_db
def test_dealer_lists_the_consent_it_recorded_for_a_number_without_archive(world, client):
    from aftersales.notifications import services
    from aftersales.notifications.choices import ConsentChannel, ConsentPurpose, ConsentSource

    dealer = world.user("dealer")
    row = services.record_consent(actor=dealer, contact="+8613911112222", channel=ConsentChannel.SMS,
                                  purpose=ConsentPurpose.MARKETING, granted=True, source=ConsentSource.FORM)
    client.force_login(dealer)
    listed = {r.record.pk for r in client.get("/notifications/consents/").context["table"].paginated_rows}
    assert row.pk in listed
    client.force_login(world.user("dealer_b"))
    listed = {r.record.pk for r in client.get("/notifications/consents/").context["table"].paginated_rows}
    assert row.pk not in listed


@pytest.mark.django_db
def test_a_refusal_recorded_by_another_dealer_still_stops_every_sender(world):
    """The deliberate unscoped read: a suppression at dealer B blocks a message dealer A queues."""
    from aftersales.customers.tests.scope_factories import suppression
    from aftersales.notifications import selectors
    from aftersales.notifications.models import Suppression

    row = suppression(world.dealer_b)
    assert not Suppression.objects.restrict(world.user("dealer")).filter(pk=row.pk).exists()
    assert selectors.is_suppressed(row.contact, row.channel)


@pytest.mark.django_db
def test_import_and_export_jobs_stay_with_their_organisation(world, client):
    from aftersales.core.imports.models import ImportJob

    theirs = ImportJob.objects.create(kind="customers", organisation_id=world.dealer_b.pk,
                                      created_by=world.user("dealer_b"), original_filename="乙店客户.csv")
    admin_at_dealer = world.user("dealer")
    client.force_login(admin_at_dealer)
    assert "乙店客户.csv" not in client.get("/imports/").content.decode()
    assert client.get(f"/imports/{theirs.pk}/").status_code == 404
