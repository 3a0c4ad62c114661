"""The world every scope walk runs in (issue 7 item 14): who sees which dealer, one row of each
scoped model at dealer A and at dealer B with markers the pages show, and the database fingerprint
a refused write must leave unchanged.  Shared by ``test_scope_routes`` (reads and actions) and
``test_scope_write_walk`` (creates, edits, imports, exports)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token

from aftersales.core.masking import mask_contact
from aftersales.core.models import AuditEvent
from aftersales.core.testing.route_inventory import scoped
from aftersales.core.testing.scope_harness import load_factories
from aftersales.org.testing import make_user

# role → the dealers whose rows that user sees (DESIGN.md "Scoping model"; the world of
# aftersales.org.testing).  ``probe``: dealer A staff with every permission.  A fixed table, never
# asked of the resolver under test.
SEES = {
    "admin": {"A", "B"}, "manager": {"A", "B"}, "agent": {"A", "B"}, "parts": {"A", "B"}, "quality": {"A", "B"},
    "engineer": {"A"},
    "advisor": {"A"}, "technician": {"A"}, "dealer": {"A"},
    "dealer_b": {"B"},
    "probe": {"A"},
}

#: label → the text field that carries a fixed-width marker ("MK-<label>-<dealer>").
MARKED = {"org.Department": "name", "org.StaffProfile": "display_name", "customers.CustomerDocument": "title",
          "core.ImportJob": "original_filename", "core.ExportRequest": "reason",
          "notifications.OutboxMessage": "subject"}


def build_harness(world, settings, tmp_path):
    """(world, users incl. ``probe``, API tokens by role, objects[label][A|B])."""
    settings.MEDIA_ROOT = tmp_path
    probe = make_user("probe", world.dealer_a, ["dealer"])
    probe.user_permissions.set(Permission.objects.all())
    users = {**world.users, "probe": type(probe).objects.get(pk=probe.pk)}
    assert set(SEES) == set(users)
    objects = {}
    for model, make in load_factories().items():
        objects[model._meta.label] = {"A": make(world.dealer_a), "B": make(world.dealer_b)}
    from aftersales.core.attachments.selectors import attachments_of

    docs = objects["customers.CustomerDocument"]
    objects["core.Attachment"] = {w: attachments_of(d)[0] for w, d in docs.items()}
    for w in ("A", "B"):
        # Distinct markers the list pages show (fixed width: no marker is a prefix of another).
        for label, fieldname in MARKED.items():
            obj = objects[label][w]
            type(obj).objects.filter(pk=obj.pk).update(**{fieldname: f"MK-{label}-{w}"})
            setattr(obj, fieldname, f"MK-{label}-{w}")
    from aftersales.customers.lookup.index import rebuild_search_index

    rebuild_search_index()  # rows made with the ORM: the lookup finds them once indexed
    tokens = {role: Token.objects.create(user=u).key for role, u in users.items()}
    return world, users, tokens, objects


def markers(label: str, obj) -> list[str]:
    if label == "customers.Customer":
        return [obj.code, f"/customers/customers/{obj.pk}/", obj.primary_phone, mask_contact(obj.primary_phone)]
    if label == "customers.Vehicle":
        return [obj.vin]
    if label == "org.Organisation":
        return [obj.code]
    if label == "tickets.Ticket":
        return [obj.number]  # fixed width (T-HARNESS-00001): no number is a prefix of another
    if label in ("notifications.ContactConsent", "notifications.Suppression"):
        return [obj.contact, mask_contact(obj.contact)]
    return [getattr(obj, MARKED[label])]


def fingerprint():
    """Every scoped row's version (or its values) and the audit trail's length: what a POST that got
    through would change."""
    state = {"events": AuditEvent.objects.count()}
    for model in apps.get_models():
        if scoped(model) or model._meta.label in ("core.Attachment", "notifications.Notification"):
            fields = ["pk", "version"] if any(f.name == "version" for f in model._meta.fields) else None
            rows = model.objects.values_list(*fields) if fields else model.objects.values()
            state[model._meta.label] = sorted(map(str, rows))
    return state
