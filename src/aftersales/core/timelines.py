"""Timelines: every app's audit events about one object, customer or vehicle, as the USER may see
them (DESIGN.md "Events and timelines", ADR 0015).

Why the selectors take the user and not ids: the event table carries ``customer_id`` and
``vehicle_id`` so a timeline is one indexed query, but an event *belongs to* its object (a repair
order of another dealer, a head-office outbox message, a quality case).  A dealer granted one
vehicle sees that vehicle — not every later event other organisations record about it.  So:

- the subject (customer, vehicle, object) must itself be in the user's scope, else the timeline
  is empty (fails closed);
- an event is shown only when the user may see the object it belongs to: for each scoped model
  among the subject's events one ``object_id IN (scoped subquery)`` condition, all in the same SQL
  statement.  An event whose object no longer exists (a removed phone) follows its subject;
- changed values are masked by what the field IS (the model's ``personal_data`` declaration, see
  ``core.masking``), for the person the event concerns (the row rule of issue 7 item 3);
- actors read as people's names (the staff name), never as usernames.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from . import masking
from .models import AuditEvent
from .registry import register_timeline_renderer, timeline_renderer
from .scoping import scope_for

# Bookkeeping columns nobody reads in a change log.
HIDDEN_FIELDS = frozenset({"created_at", "updated_at", "version", "digits_reversed", "name_initials", "missing"})


class TimelineEntry:
    """An event as a person reads it: who, a sentence, and the changes (labelled, masked)."""

    __slots__ = ("event", "text", "changes", "actor_name")

    def __init__(self, event: AuditEvent, text: str, changes: list[tuple[str, str, object, object]],
                 actor_name: str = ""):
        self.event = event
        self.text = text
        self.changes = changes
        self.actor_name = actor_name


def actor_name(user) -> str:
    """A person's name for the timeline: the staff name, else the full name, else the username;
    the system when there is no actor."""
    if user is None:
        return gettext("System")
    profile = getattr(user, "staff_profile", None) if _has_staff_profile(user.__class__) else None  # a lazy request.user too
    name = getattr(profile, "display_name", "") if profile is not None else ""
    return name or user.get_full_name() or user.get_username()


def _has_staff_profile(user_model) -> bool:
    return "staff_profile" in user_model._meta.fields_map


def _display(field, value):
    if isinstance(value, dict) and "repr" in value:
        return value["repr"]
    if isinstance(value, str) and field is not None and field.get_internal_type() == "DateTimeField":
        from django.utils import timezone
        from django.utils.dateparse import parse_datetime

        moment = parse_datetime(value)
        if moment is not None:
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(moment) else value
    if field is not None and getattr(field, "choices", None) and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):  # e.g. the phones a customer was created with (joined after masking)
        return [_display(field, v) for v in value if v not in (None, "")]
    return value


def event_model(event: AuditEvent):
    return event.content_type.model_class() if event.content_type_id else None


# Change keys the kernel writes on any app's record (core/attachments/services.py), so that the
# 变更记录 tab never shows the key itself.
KERNEL_AUDIT_LABELS = {"attachment": gettext_lazy("attachment")}


def labelled_changes(event: AuditEvent) -> list[tuple[str, str, object, object]]:
    """(field name, field label, old, new) for display, UNMASKED: callers that show them to a user
    go through ``masked_entries`` / ``masked_changes_for``."""
    model = event_model(event)
    out = []
    for name, pair in (event.changes or {}).items():
        if name in HIDDEN_FIELDS or not isinstance(pair, (list, tuple)) or len(pair) != 2:
            continue
        try:
            field = model._meta.get_field(name) if model else None
        except Exception:
            field = None
        # Names the services use besides fields ("phones", "addresses") carry labels on the model;
        # the kernel's own (an attachment added to any record) carry theirs here.
        extra = {**KERNEL_AUDIT_LABELS, **(getattr(model, "audit_labels", {}) if model is not None else {})}
        label = str(extra.get(name) or getattr(field, "verbose_name", None)
                    or getattr(getattr(field, "related_model", None), "_meta", None) and
                    field.related_model._meta.verbose_name_plural or name)
        out.append((name, label, _display(field, pair[0]), _display(field, pair[1])))
    return out


def masked_changes_for(event: AuditEvent, user, *, unmasked_persons: set[int] | None = None,
                       held_persons: set[int] | None = None) -> list[tuple]:
    """The event's labelled changes with declared personal fields masked for ``user``; a person's
    name (``name`` kind) by the row alone: masked when the person is outside the user's scope."""
    in_scope = None
    if event.customer_id:
        persons = unmasked_persons if unmasked_persons is not None else masking.persons_unmasked(
            user, [event.customer_id])
        unmask = event.customer_id in persons
        held = held_persons if held_persons is not None else masking.persons_held(
            user, [event.customer_id], unmasked=persons)
        in_scope = event.customer_id in held
    else:
        unmask = masking.can_see_personal_data(user)
    return masking.masked_changes(event_model(event), labelled_changes(event), unmask=unmask, in_scope=in_scope)


def shown_new(event, name: str, default=""):
    """The new value of ``name`` as the user may see it (``event.shown``, labelled and masked), for a
    renderer's sentence; ``default`` when the event did not change it or it became empty."""
    pair = getattr(event, "shown", {}).get(name)
    value = pair[1] if pair else None
    return default if value in (None, "", []) else value


def shown_old(event, name: str, default=""):
    """The old value of ``name`` as the user may see it; ``default`` when there was none."""
    pair = getattr(event, "shown", {}).get(name)
    value = pair[0] if pair else None
    return default if value in (None, "", []) else value


def _entries(events, user) -> list[TimelineEntry]:
    events = list(events)
    ids = {e.customer_id for e in events}
    persons = masking.persons_unmasked(user, ids)
    held = masking.persons_held(user, ids, unmasked=persons)
    out = []
    for e in events:
        render = timeline_renderer(e.action)
        changes = masked_changes_for(e, user, unmasked_persons=persons, held_persons=held)
        # Renderers quote values from ``event.shown`` ({field: (old, new)}, labelled and masked for
        # this user), never from the raw ``event.changes``.
        e.shown = {name: (old, new) for name, _label, old, new in changes}
        e.shown_labels = [label for _name, label, _old, _new in changes]
        out.append(TimelineEntry(e, (render(e) if render else "") or fallback_sentence(e), changes,
                                 actor_name(e.actor)))
    return out


def fallback_sentence(event: AuditEvent) -> str:
    """A plain sentence for an action no renderer knows: never the raw action name."""
    model = event_model(event)
    what = str(model._meta.verbose_name) if model is not None else gettext("record")
    verb = event.action.rsplit(".", 1)[-1]
    sentences = {
        "created": gettext("created %(what)s"),
        "updated": gettext("changed %(what)s"),
        "activated": gettext("reactivated %(what)s"),
        "deactivated": gettext("deactivated %(what)s"),
    }
    return sentences.get(verb, gettext("recorded a change to %(what)s")) % {"what": what}


def visible_events(events, user):
    """Only the events whose object ``user`` may see (see the module docstring)."""
    scope = scope_for(user)
    if scope.everything:
        return events
    if not scope.organisation_ids:
        return events.none()
    allowed = Q(content_type__isnull=True)
    ct_ids = set(events.order_by().values_list("content_type_id", flat=True).distinct())
    for ct_id in ct_ids - {None}:
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue  # a model that no longer exists: its events are nobody's business
        on_model = Q(content_type_id=ct_id)
        if getattr(model, "scope_rule", None) is None:
            allowed |= on_model  # reference data every signed-in user reads
            continue
        seen = model.objects.restrict(user).values("pk")
        gone = ~Q(object_id__in=model._base_manager.values("pk"))
        allowed |= on_model & (Q(object_id__in=seen) | gone)
    return events.filter(allowed)


def _in_scope(obj, user) -> bool:
    scope = scope_for(user)
    if scope.everything:
        return True
    if getattr(type(obj), "scope_rule", None) is None:
        return bool(getattr(user, "is_authenticated", False))
    return type(obj).objects.restrict(user).filter(pk=obj.pk).exists()


def _base():
    # Narrowed by the callers: the subject is checked against the user's scope first, then each
    # event by ``visible_events`` (ADR 0012 "Fails closed", ADR 0015).
    return (AuditEvent.objects.unscoped(reason="timelines check the subject's scope, then visible_events()")
            .select_related("actor", "content_type", *_actor_profile()))


def _actor_profile() -> tuple[str, ...]:
    from django.contrib.auth import get_user_model

    return ("actor__staff_profile",) if _has_staff_profile(get_user_model()) else ()


def timeline_for_object(obj, *, user, limit: int = 50) -> list[TimelineEntry]:
    """Events of one object (every detail page); empty when the object is outside the scope."""
    if not _in_scope(obj, user):
        return []
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return _entries(visible_events(_base().filter(content_type=ct, object_id=obj.pk), user)[:limit], user)


def timeline_for_customer(customer, *, user, limit: int = 100) -> list[TimelineEntry]:
    """Every app's events about one customer, one indexed query.  ``customer`` is the row or its
    id; a customer outside the user's scope has an empty timeline."""
    customer_id = getattr(customer, "pk", customer)
    if not scope_for(user).everything and customer_id not in masking.persons_in_scope(user, [customer_id]):
        return []
    return _entries(visible_events(_base().filter(customer_id=customer_id), user)[:limit], user)


def timeline_for_vehicle(vehicle, *, user, limit: int = 100) -> list[TimelineEntry]:
    """Every app's events about one vehicle; empty when the vehicle is outside the user's scope."""
    if not _in_scope(vehicle, user):
        return []
    return _entries(visible_events(_base().filter(vehicle_id=vehicle.pk), user)[:limit], user)


def change_log(events, user, *, limit: int = 200) -> list[dict]:
    """Field-by-field rows (the 变更记录 tab) of these events (an unsliced queryset), masked for ``user``."""
    events = list(visible_events(events, user)[:limit])
    ids = {e.customer_id for e in events}
    persons = masking.persons_unmasked(user, ids)
    held = masking.persons_held(user, ids, unmasked=persons)
    return [{"event": e, "actor_name": actor_name(e.actor),
             "changes": masked_changes_for(e, user, unmasked_persons=persons, held_persons=held)} for e in events]


def _render_core(event) -> str:
    """Sentences for the kernel's own events that reach customer and vehicle timelines."""
    if event.action == "core.access.granted":
        return gettext("opened this record to another store (%(reason)s)") % {"reason": event.note or "—"}
    if event.action == "core.access.revoked":
        return gettext("withdrew another store's access")
    if event.action == "core.attachment.added":
        pair = getattr(event, "shown", {}).get("attachment")
        return gettext("attached %(file)s") % {"file": pair[1] if pair else "—"}
    return ""


register_timeline_renderer("core.", _render_core)
