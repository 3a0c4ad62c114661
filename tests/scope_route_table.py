"""The hand-written half of the scope harness's route table (issue 7 item 14).

Generic pages and viewsets are walked without being listed (``core.testing.route_inventory``).
Every other route is listed here, by its key, with what the harness does with it — or it is in
``ALLOWED``, with the reason it has no row of one dealer to leak.  A route in neither fails
``test_every_route_is_walked_or_allowed``: a new endpoint must say how it is scoped before it lands.

Kinds (see ``Walk``): ``list`` (GET; markers of rows the user does not see must be absent, markers of
rows the user sees present for some role), ``detail`` (GET of one object: in scope 200, outside
403/404), ``action`` (POST on one object: outside scope 403/404 and nothing in the database
changes), ``hq_only`` (a page over the whole network: only roles that see every dealer may open it),
``reference`` (shared rows: GET answers without a server error), ``own`` (rows of one user: another
user gets 404), ``covered`` (walked by the named test elsewhere; the name is checked to exist).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Spec:
    kind: str
    model: str = ""  # app_label.Model of the object the route concerns
    perm: str | None = None  # permission needed in scope (None: the endpoint's selector decides)
    query: str = ""  # appended to the URL (e.g. ?q=… for a search)
    kwargs: dict = field(default_factory=dict)  # other URL parameters: name -> callable(obj) or value
    test: str = ""  # for ``covered``: "path::test_name"


def _phone_customer(phone):
    return phone.customer_id


def _document_type(doc):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(doc).pk


TABLE: dict[str, list[Spec]] = {
    # --- customers: the 360 page and what hangs off it -------------------------------------------
    "customers/customers/<int:pk>/": [Spec("detail", "customers.Customer", "customers.view_customer")],
    "customers/customers/<int:pk>/reveal/": [Spec("action", "customers.Customer")],
    "customers/customers/<int:pk>/export/": [Spec("detail", "customers.Customer", None)],
    "customers/customers/<int:pk>/archive.pdf": [Spec("detail", "customers.Customer", None)],
    "customers/customers/<int:pk>/phones/add/": [Spec("action", "customers.Customer")],
    "customers/customers/<int:pk>/addresses/add/": [Spec("action", "customers.Customer")],
    "customers/customers/<int:pk>/phones/<int:phone_pk>/remove/": [
        Spec("action", "customers.CustomerPhone", kwargs={"pk": _phone_customer})],
    "customers/customers/<int:pk>/phones/<int:phone_pk>/primary/": [
        Spec("action", "customers.CustomerPhone", kwargs={"pk": _phone_customer})],
    "customers/documents/<int:pk>/file/": [Spec("detail", "customers.CustomerDocument", None)],
    # Fragment search stays inside the user's scope (DESIGN.md): the other store's name is not found.
    "customers/lookup/": [Spec("list", "customers.Customer", query="?q={name}")],
    "api/customers/lookup/": [Spec("list", "customers.Customer", query="?q={name}")],
    # Form pickers (issue 8 item 6) search inside the scope: the other store's customer or dealer is
    # never offered; vehicles and parts are walked by the pickers' own tests.
    "pick/<slug:kind>/": [
        Spec("list", "customers.Customer", query="?q={name}", kwargs={"kind": "customers"}),
        Spec("list", "org.Organisation", query="?q={name}", kwargs={"kind": "organisations"}),
        Spec("covered", test="tests/test_pickers.py::test_vehicle_picker_stays_in_scope"),
        Spec("covered", test="tests/test_pickers.py::test_part_picker_finds_by_number_and_name")],
    # --- tickets: transfer is a POST beside the generic pages ----------------------------------------
    "tickets/tickets/<int:pk>/transfer/": [Spec("action", "tickets.Ticket")],
    # --- notifications -----------------------------------------------------------------------------
    "notifications/suppressions/<int:pk>/lift/": [
        Spec("detail", "notifications.Suppression", None), Spec("action", "notifications.Suppression")],
    "api/notifications/outbox/": [Spec("list", "notifications.OutboxMessage")],
    "api/notifications/outbox/<pk>/": [Spec("detail", "notifications.OutboxMessage", None)],
    "api/notifications/outbox/<pk>/cancel/": [Spec("action", "notifications.OutboxMessage")],
    "api/notifications/outbox/<pk>/requeue/": [Spec("action", "notifications.OutboxMessage")],
    # --- imports, exports, export requests ------------------------------------------------------
    "imports/": [Spec("list", "core.ImportJob")],
    "imports/<int:pk>/": [Spec("detail", "core.ImportJob", None)],
    "imports/<int:pk>/apply/": [Spec("action", "core.ImportJob")],
    "imports/<int:pk>/errors/": [Spec("detail", "core.ImportJob", None)],
    "imports/<int:pk>/download/": [Spec("detail", "core.ImportJob", None)],
    # The export file itself: the other dealer's customers / cars are not in it.
    "imports/export/<str:kind>/": [
        Spec("list", "customers.Customer", query="?format=csv", kwargs={"kind": "customers"}),
        Spec("list", "customers.Vehicle", query="?format=csv", kwargs={"kind": "vehicles"})],
    "imports/new/": [Spec("covered", test="tests/test_scoped_writes.py::test_dealer_takeover_csv_through_the_import_page")],
    "imports/export-requests/": [Spec("list", "core.ExportRequest")],
    "imports/export-requests/new/<str:kind>/": [
        Spec("covered", test="tests/test_export_approval_pages.py::test_request_approve_export_download")],
    "imports/export-requests/<int:pk>/": [Spec("detail", "core.ExportRequest", None)],
    "imports/export-requests/<int:pk>/download/": [Spec("detail", "core.ExportRequest", None)],
    "imports/export-requests/<int:pk>/<str:action>/": [
        Spec("action", "core.ExportRequest", kwargs={"action": "approve"}),
        Spec("action", "core.ExportRequest", kwargs={"action": "cancel"})],
    "api/imports/export-requests/": [Spec("list", "core.ExportRequest"),
                                     Spec("covered", test="tests/test_export_approval_roles.py::test_a_dealer_asks_and_a_manager_approves")],
    "api/imports/export-requests/<pk>/": [Spec("detail", "core.ExportRequest", None)],
    "api/imports/jobs/": [Spec("list", "core.ImportJob"),
                          Spec("covered", test="src/aftersales/customers/tests/test_import_update_existing.py::"
                                               "test_the_api_starts_an_update_and_reports_the_preview")],
    "api/imports/jobs/<pk>/": [Spec("detail", "core.ImportJob", None)],
    "api/imports/jobs/<pk>/apply/": [Spec("action", "core.ImportJob")],
    "api/imports/jobs/<pk>/cancel/": [Spec("action", "core.ImportJob")],
    "api/imports/export-requests/<pk>/approve/": [Spec("action", "core.ExportRequest")],
    "api/imports/export-requests/<pk>/cancel/": [Spec("action", "core.ExportRequest")],
    "api/imports/export-requests/<pk>/reject/": [Spec("action", "core.ExportRequest")],
    # --- attachments (reach a dealer through the record they hang on) ----------------------------
    "files/<int:pk>/": [Spec("detail", "core.Attachment", None)],
    "files/<int:pk>/thumbnail/": [Spec("detail", "core.Attachment", None)],
    "files/new/<int:parent_type_id>/<int:parent_id>/": [
        Spec("action", "customers.CustomerDocument",
             kwargs={"parent_type_id": _document_type, "parent_id": lambda doc: doc.pk})],
    # --- pages over the whole network: head office only ---------------------------------------------
    # "My work": counts of the caller's work items, each through restrict().
    "": [Spec("covered", test="tests/test_home_work_items.py::test_manager_sees_late_archives_at_the_stores")],
    "system/jobs/": [Spec("hq_only")],
    "system/access-log/": [Spec("hq_only")],
    # --- reference data shared by every organisation -------------------------------------------
    "system/calendar/": [Spec("reference")],
    "system/calendar/day/": [Spec("reference")],
    "system/calendar/day/<str:date>/": [
        Spec("covered", test="tests/test_calendar_editing.py::test_day_page_saves_and_a_stale_page_answers_409")],
    "system/calendar/<slug:code>/windows/": [
        Spec("covered", test="tests/test_calendar_editing.py::test_windows_page_shows_errors_beside_the_weekday_and_saves_nothing")],
    # Which calendar an organisation works by: its organisations only (org's selector).
    "org/organisations/calendars/": [Spec("list", "org.Organisation")],
    "org/organisations/<int:pk>/calendar/": [
        Spec("detail", "org.Organisation", "core.change_organisationcalendar"), Spec("action", "org.Organisation")],
    "customers/models/<int:pk>/terms/": [Spec("reference", "customers.VehicleModel")],
    "api/org/roles/": [Spec("reference")],
    "api/org/roles/<pk>/": [Spec("reference", "org.Role")],
    "api/org/skills/": [Spec("reference")],
    "api/org/skills/<pk>/": [Spec("reference", "org.Skill")],
    "api/parts/monitored-categories/": [Spec("reference")],
    "api/parts/monitored-categories/<pk>/": [Spec("reference", "parts.MonitoredPartCategory")],
    # --- one user's own rows -------------------------------------------------------------------------
    "notifications/": [Spec("own", "notifications.Notification")],
    "notifications/<int:pk>/read/": [Spec("own", "notifications.Notification")],
    "notifications/read-all/": [Spec("own", "notifications.Notification")],
    "api/notifications/notifications/": [Spec("own", "notifications.Notification")],
    "api/notifications/notifications/read-all/": [Spec("own", "notifications.Notification")],
    "api/notifications/notifications/unread-count/": [Spec("own", "notifications.Notification")],
    "api/notifications/notifications/<pk>/": [Spec("own", "notifications.Notification")],
    "api/notifications/notifications/<pk>/read/": [Spec("own", "notifications.Notification")],
}

# Routes with no row of one dealer behind them.  Each says why.
ALLOWED: dict[str, str] = {
    "login/": "public: the sign-in form",
    "logout/": "ends the caller's own session",
    "healthz": "public: database reachable and queue depth, no rows",
    "favicon.ico": "static icon",
    "i18n/setlang/": "sets the caller's language",
    "jsi18n/": "translation catalogue for scripts",
    "api/auth/token/": "public: exchanges the caller's own password for a token",
    "api/schema/": "the OpenAPI document, no rows",
    "api/docs/": "Swagger UI page, no rows",
    "api/org/": "DRF router root: links only",
    "api/notifications/": "DRF router root: links only",
    "api/parts/": "DRF router root: links only",
    "api/customers/": "DRF router root: links only",
    "api/imports/": "DRF router root: links only",
    "api/tickets/": "DRF router root: links only",
    "api/customers/lookup/ping/": "authentication and permission only, returns {ok: true}",
    "api/notifications/sms/replies/": "gateway callback, authenticated by the gateway's secret, not by a user",
    "api/notifications/sms/receipts/": "gateway callback, authenticated by the gateway's secret, not by a user",
    "imports/templates/<str:kind>.<str:fmt>": "a blank import template: column headers only",
    "account/api-token/": "the caller's own API token",
}

# Django admin: superusers only (``test_only_the_superuser_reaches_the_admin`` checks no other role
# is staff).  All its routes share the prefix.
ALLOWED_PREFIXES: dict[str, str] = {
    "admin/": "Django admin, superuser only",
}


# --- creates and edits (tests/test_scope_write_walk.py) ---------------------------------------------
# The walk builds each payload from the form's / serializer's fields and the values of the acting
# dealer's own row; a field that must be new on every create (unique, or checked against the
# dealer's other rows) is written here: route key → (callable(n, objects, mine) -> values, reason).

def _vin(n: int) -> str:
    from aftersales.core.validators import vin_check_digit

    body = f"LHWLK{n:04d}S0{n:06d}"[:17]
    body = body[:8] + "0" + body[9:]
    return body[:8] + vin_check_digit(body) + body[9:]


def _customer_page(n, objects, mine):
    return {"phone": f"1371234{n:04d}", "address_detail": "测试路 1 号"}


def _vehicle(n, objects, mine):
    return {"vin": _vin(n), "plate": f"京W{n:05d}"}


def _code(n, objects, mine):
    return {"code": f"W-ORG-{n}"}


def _staff(n, objects, mine):
    return {"employee_code": f"W-STAFF-{n}", "username": f"walk-staff-{n}"}


def _contact(n, objects, mine):
    return {"contact": f"1387654{n:04d}"}


def _consent(n, objects, mine):
    return {**_contact(n, objects, mine), "granted": "1"}


def _department(n, objects, mine):
    return {"name": f"走查部门{n}"}


WRITE_PAYLOADS: dict[str, tuple] = {
    "customers/customers/new/": (_customer_page, "a new customer needs its own primary phone and first address"),
    "api/customers/customers/": (lambda n, o, m: {"phone_numbers": [f"1361234{n:04d}"]},
                                 "a new customer needs its own primary phone"),
    "customers/vehicles/new/": (_vehicle, "a VIN and a plate are unique"),
    "api/customers/vehicles/": (_vehicle, "a VIN and a plate are unique"),
    "org/organisations/new/": (_code, "an organisation's code is unique"),
    "api/org/organisations/": (_code, "an organisation's code is unique"),
    "org/departments/new/": (_department, "a department's name is unique in its organisation"),
    "api/org/departments/": (_department, "a department's name is unique in its organisation"),
    "org/staff/new/": (_staff, "an employee code and a login name are unique"),
    "notifications/consents/new/": (_consent, "one decision per contact point, channel and purpose; the "
                                    "decision is a choice of 1 / 0, not a tick box"),
    "notifications/suppressions/new/": (_contact, "one suppression per contact point and channel"),
    "api/tickets/tickets/": (lambda n, o, m: {"allow_duplicate": True},
                             "the own customer already has the factory's open ticket: confirm a second one"),
}

# Derived creates / edits the walk leaves out, each with its reason.
WRITE_SKIPS: dict[str, str] = {
    "tickets/tickets/new/": "intake takes its customer from the page's ?customer= and the handling organisation "
                            "from a picker; the walk posts no query string yet (the API create is walked)",
}


# --- imports and exports (tests/test_scope_data_walk.py) ---------------------------------------------
def _org_code(world, objects, dealer):
    return objects["org.Organisation"][dealer].code


def _customer_code(world, objects, dealer):
    return objects["customers.Customer"][dealer].code


def _customer_mobile(world, objects, dealer):
    return objects["customers.Customer"][dealer].primary_phone.removeprefix("+86")


def _cell(column, value_of, **blank):
    """A forged row's cells: ``column`` names the dealer's row; ``blank`` columns are emptied (an owner
    named by mobile only, not also by the own row's customer number)."""
    return lambda world, objects, dealer: {column: value_of(world, objects, dealer), **blank}


# Per import kind: column whose error is expected → callable(world, objects, dealer) -> the cells.
IMPORT_REFERENCES: dict[str, dict] = {
    # The number column updates an existing customer: another dealer's number would take it over.
    "customers": {"code": _cell("code", _customer_code), "dealer_code": _cell("dealer_code", _org_code)},
    "vehicles": {"dealer_code": _cell("dealer_code", _org_code), "owner_code": _cell("owner_code", _customer_code),
                 "owner_mobile": _cell("owner_mobile", _customer_mobile, owner_code="")},
}


def _customer_row(n, world, objects, dealer):
    return {"code": "", "mobile": f"1351234{n:04d}", "other_phone": "", "dealer_code": _org_code(world, objects, dealer)}


def _vehicle_row(n, world, objects, dealer):
    from aftersales.customers.models import VehicleModel

    return {"vin": _vin(5000 + n), "plate": f"京V{n:05d}", "model_code": VehicleModel.objects.first().code,
            "dealer_code": _org_code(world, objects, dealer), "owner_code": _customer_code(world, objects, dealer)}


#: The template row's cells that must be fresh or name the importing dealer's own rows.
IMPORT_BASE_ROWS: dict[str, object] = {"customers": _customer_row, "vehicles": _vehicle_row}

#: Per export kind: the scoped model whose rows it writes (their markers must not cross dealers).
EXPORT_MARKED: dict[str, str] = {"customers": "customers.Customer", "vehicles": "customers.Vehicle"}

#: Kinds over data every organisation shares: nothing of one dealer to walk.
SHARED_DATA_KINDS: dict[str, dict[str, str]] = {
    "import": {"parts": "the parts catalogue and its suppliers are head office's, shared by every dealer"},
    "export": {"parts": "the parts catalogue is shared by every dealer",
               "suppliers": "suppliers are shared by every dealer"},
}
