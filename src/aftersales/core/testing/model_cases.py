"""The inherited test base every model's page and API tests reuse (issue 6 item 10, R-SYS-2, R-SYS-5).

NetBox keeps one set of view tests that each model's test class inherits; this is the same idea for
pytest.  A concrete class in an app's ``tests/`` says *what* the model is (URL names, API path, how
to make a row, what a form posts) and inherits *the behaviour a user notices*:

=====================  ==========================================================================
case                   what it checks
=====================  ==========================================================================
``ListCase``           the page and the API list show the row; the API gives the total
``DetailCase``         the detail page and the API detail open and show the row
``CreateCase``         creating through the page and the API writes the row and one audit event
``EditCase``           editing through the page and the API changes the row and is audited
``StaleVersionCase``   an edit carrying an old ``version`` is refused (409 / the form's stale
                       message) and changes nothing; so is an edit without one (issue 7
                       item 10: versions are required)
``DeactivateCase``     deactivating (page and API) hides the row from the "active" filter and
                       keeps it, with its detail page
``ScopeCase``          a user outside the row's scope gets 404 on page and API detail and never
                       sees it in either list
``MaskedFieldsCase``   personal data is ``138****5678`` for a role without the permission and in
                       clear for one with it, on the page and in the API
``QueryCountCase``     page and API list run the same number of queries for N and 3N rows
=====================  ==========================================================================

``ModelCase`` combines them all; a model that lacks a capability (the outbox has no create form)
inherits only the cases that apply.  See docs/adding-a-capability.md, section "Tests".

The world (head office, regions 华北 / 华东, dealer A in the north, dealer B in the east, one user
per role) comes from the ``world`` fixture in ``aftersales.org.testing``.  Rows are made by the
concrete class's ``make(world, organisation)``; every call must give a new, valid row whose label
(``label_field``) is not part of another row's label ("配件1号", not "配件1" that "配件10" contains).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from .model_case_base import STALE_MESSAGE_ZH, ZH, BaseCase, form_initial


class ListCase(BaseCase):
    def test_list_page_shows_the_row(self, world, client):
        obj = self.make(world, world.dealer_a)
        client = self.page_client(client, world, self.reader_role)
        assert client.get(self.url("list"), **ZH).status_code == 200
        assert self.label(obj) in self.list_results(client)

    def test_list_page_shows_the_total(self, world, client, api_client):
        for _ in range(3):
            self.make(world, world.dealer_a)
        client = self.page_client(client, world, self.reader_role)
        total = len(self.api_ids(self.api_as(api_client, world, self.reader_role).get(self.api_url, {"page_size": 500})))
        assert f"共 {total} 条" in client.get(self.url("list"), **ZH).content.decode()

    def test_api_list_has_the_row_and_the_total(self, world, api_client):
        before = self.model._base_manager.count()
        obj = self.make(world, world.dealer_a)
        other = self.make(world, world.dealer_a)
        api = self.api_as(api_client, world, self.reader_role)
        response = api.get(self.api_url, {"page_size": 500})
        ids = self.api_ids(response)
        assert {obj.pk, other.pk} <= set(ids)
        assert response.json()["count"] == len(ids)
        assert self.model._base_manager.count() == before + 2


class DetailCase(BaseCase):
    def test_detail_page_opens(self, world, client):
        obj = self.make(world, world.dealer_a)
        response = self.page_client(client, world, self.reader_role).get(self.url("detail", obj), **ZH)
        assert response.status_code == 200
        assert self.label(obj) in response.content.decode()

    def test_api_detail_opens(self, world, api_client):
        obj = self.make(world, world.dealer_a)
        response = self.api_as(api_client, world, self.reader_role).get(self.api_detail(obj))
        assert response.status_code == 200, response.content[:500]
        assert response.json()["id"] == obj.pk


class CreateCase(BaseCase):
    def create_data(self, world) -> dict:
        """Form fields a user fills in on the "new" page (valid)."""
        raise NotImplementedError

    def api_create_data(self, world) -> dict:
        """JSON body for ``POST api_url`` (valid); by default the form's data."""
        return self.create_data(world)

    def created(self, before: set[int]) -> Model:
        new = self.model._base_manager.exclude(pk__in=before)
        assert new.count() == 1, f"expected one new {self.model.__name__}, found {new.count()}"
        return new.get()

    def test_create_page_writes_the_row_and_an_audit_event(self, world, client):
        client = self.page_client(client, world, self.writer_role)
        assert client.get(self.url("add"), **ZH).status_code == 200
        before = set(self.model._base_manager.values_list("pk", flat=True))
        response = client.post(self.url("add"), self.create_data(world), **ZH)
        assert response.status_code == 302, response.content.decode()[:3000]
        obj = self.created(before)
        assert response["Location"] == obj.get_absolute_url()
        assert self.audit_actions(obj) == [f"{self.action_prefix}.created"]

    def test_api_create_writes_the_row_and_an_audit_event(self, world, api_client):
        before = set(self.model._base_manager.values_list("pk", flat=True))
        response = self.api_as(api_client, world, self.writer_role).post(
            self.api_url, self.api_create_data(world), format="json")
        assert response.status_code == 201, response.content[:1000]
        obj = self.created(before)
        assert response.json()["id"] == obj.pk
        assert self.audit_actions(obj) == [f"{self.action_prefix}.created"]


class EditCase(BaseCase):
    #: Field → new value a user types on the edit page (and PATCHes through the API).
    edit_changes: ClassVar[dict[str, Any]] = {"name": "改过的名称"}

    def api_edit_changes(self) -> dict:
        return dict(self.edit_changes)

    def edit_form_data(self, client, obj) -> dict:
        """The edit page's own values (what a browser posts) with ``edit_changes`` typed over them."""
        response = client.get(self.url("edit", obj), **ZH)
        assert response.status_code == 200
        return {**form_initial(response.context["form"]), **self.edit_changes}

    def assert_changed(self, obj) -> None:
        fresh = self.reload(obj)
        for field, value in self.edit_changes.items():
            assert str(getattr(fresh, field)) == str(value), field

    def test_edit_page_changes_the_row(self, world, client):
        obj = self.make(world, world.dealer_a)
        client = self.page_client(client, world, self.writer_role)
        data = self.edit_form_data(client, obj)
        response = client.post(self.url("edit", obj), data, **ZH)
        assert response.status_code == 302, response.content.decode()[:3000]
        self.assert_changed(obj)
        assert self.audit_actions(obj)[-1] == f"{self.action_prefix}.updated"
        assert self.reload(obj).version == obj.version + 1

    def test_api_edit_changes_the_row(self, world, api_client):
        obj = self.make(world, world.dealer_a)
        response = self.api_as(api_client, world, self.writer_role).patch(
            self.api_detail(obj), {**self.api_edit_changes(), "version": obj.version}, format="json")
        assert response.status_code == 200, response.content[:1000]
        assert response.json()["version"] == obj.version + 1
        self.assert_changed(obj)


class StaleVersionCase(EditCase):
    def someone_else_saves(self, world, obj) -> None:
        """Another user saves the row after ours was loaded, so our ``version`` is stale."""
        from aftersales.core import services

        field = next(iter(self.edit_changes))
        current = self.reload(obj)
        value = getattr(current, field)
        services.update_object(current, actor=world.user("admin"), data={field: f"{value}·"},
                               expected_version=current.version)

    def test_stale_version_is_409_in_the_api_and_changes_nothing(self, world, api_client):
        obj = self.make(world, world.dealer_a)
        self.someone_else_saves(world, obj)
        saved = self.reload(obj)
        response = self.api_as(api_client, world, self.writer_role).patch(
            self.api_detail(obj), {**self.api_edit_changes(), "version": obj.version}, format="json")
        assert response.status_code == 409, response.content[:1000]
        assert response.json()["code"] == "stale_version"
        fresh = self.reload(obj)
        assert (fresh.version, fresh.updated_at) == (saved.version, saved.updated_at)

    def test_stale_version_on_the_page_shows_the_message_and_changes_nothing(self, world, client):
        obj = self.make(world, world.dealer_a)
        client = self.page_client(client, world, self.writer_role)
        data = self.edit_form_data(client, obj)
        self.someone_else_saves(world, obj)
        saved = self.reload(obj)
        response = client.post(self.url("edit", obj), data, **ZH)
        assert response.status_code == 409
        html = response.content.decode()
        assert STALE_MESSAGE_ZH in html
        fresh = self.reload(obj)
        assert (fresh.version, fresh.updated_at) == (saved.version, saved.updated_at)
        # Recoverable (issue 8 item 4): the form comes back carrying the current version.
        assert f'name="version" value="{fresh.version}"' in html


    def test_api_edit_without_version_is_refused_and_changes_nothing(self, world, api_client):
        obj = self.make(world, world.dealer_a)
        saved = self.reload(obj)
        response = self.api_as(api_client, world, self.writer_role).patch(
            self.api_detail(obj), self.api_edit_changes(), format="json")
        assert response.status_code in (400, 409, 428), response.status_code
        assert self.reload(obj).version == saved.version

    def test_page_edit_without_version_is_refused_and_changes_nothing(self, world, client):
        obj = self.make(world, world.dealer_a)
        client = self.page_client(client, world, self.writer_role)
        data = self.edit_form_data(client, obj)
        data.pop("version")
        saved = self.reload(obj)
        assert client.post(self.url("edit", obj), data, **ZH).status_code == 400
        assert self.reload(obj).version == saved.version


class DeactivateCase(BaseCase):
    def active_list_ids(self, world, api_client) -> list[int]:
        api = self.api_as(api_client, world, self.reader_role)
        return self.api_ids(api.get(self.api_url, {"is_active": "true", "page_size": 500}))

    def test_deactivate_on_the_page_hides_it_from_the_active_list_and_keeps_it(self, world, client, api_client):
        obj = self.make(world, world.dealer_a)
        keep = self.make(world, world.dealer_a)
        client = self.page_client(client, world, self.writer_role)
        response = client.post(self.url("deactivate", obj), {"active": "0", "reason": "停用测试"}, **ZH)
        assert response.status_code == 302
        assert self.reload(obj).is_active is False
        assert self.audit_actions(obj)[-1] == f"{self.action_prefix}.deactivated"
        assert client.get(response["Location"], **ZH).status_code == 200  # kept, and its detail still opens
        active = self.active_list_ids(world, api_client)
        assert obj.pk not in active and keep.pk in active
        html = self.list_results(self.page_client(client, world, self.reader_role), {"is_active": "true"})
        assert self.label(obj) not in html and self.label(keep) in html

    def test_deactivate_through_the_api(self, world, api_client):
        obj = self.make(world, world.dealer_a)
        response = self.api_as(api_client, world, self.writer_role).post(
            f"{self.api_detail(obj)}deactivate/", {"reason": "停用测试"}, format="json")
        assert response.status_code == 200, response.content[:1000]
        assert response.json()["is_active"] is False
        assert obj.pk not in self.active_list_ids(world, api_client)
        assert self.model._base_manager.filter(pk=obj.pk).exists()


class ScopeCase(BaseCase):
    #: A role that sees rows at dealer A and must not see rows at dealer B.
    out_of_scope_role: ClassVar[str] = "dealer"

    def test_out_of_scope_row_is_404_on_page_and_api(self, world, client, api_client):
        theirs = self.make(world, world.dealer_b)
        ours = self.make(world, world.dealer_a)
        client = self.page_client(client, world, self.out_of_scope_role)
        assert client.get(self.url("detail", theirs), **ZH).status_code == 404
        assert client.get(self.url("detail", ours), **ZH).status_code == 200
        api = self.api_as(api_client, world, self.out_of_scope_role)
        assert api.get(self.api_detail(theirs)).status_code == 404
        assert api.get(self.api_detail(ours)).status_code == 200

    def test_out_of_scope_row_is_never_listed(self, world, client, api_client):
        theirs = self.make(world, world.dealer_b)
        ours = self.make(world, world.dealer_a)
        ids = self.api_ids(self.api_as(api_client, world, self.out_of_scope_role).get(self.api_url, {"page_size": 500}))
        assert ours.pk in ids and theirs.pk not in ids
        html = self.list_results(self.page_client(client, world, self.out_of_scope_role))
        assert self.label(ours) in html and self.label(theirs) not in html


class MaskedFieldsCase(BaseCase):
    #: Field as the API names it → (raw value stored by ``make``, the masked form a user sees).
    masked_fields: ClassVar[dict[str, tuple[str, str]]] = {}
    #: Roles that see the masked form, and roles that see the value in clear.
    masked_roles: ClassVar[tuple[str, ...]] = ("agent",)
    clear_roles: ClassVar[tuple[str, ...]] = ("manager",)

    def make_with_personal_data(self, world, organisation):
        """A row holding the raw values of ``masked_fields``; by default ``make``."""
        return self.make(world, organisation)

    def shown_in_clear(self, raw: str) -> str:
        """The clear value as pages show it (override when the page formats it, e.g. no +86)."""
        return raw

    def test_masked_fields_per_role(self, world, client, api_client):
        assert self.masked_fields and self.masked_roles and self.clear_roles, "nothing to check"
        obj = self.make_with_personal_data(world, world.dealer_a)
        for role in (*self.masked_roles, *self.clear_roles):
            masked = role in self.masked_roles
            body = self.api_as(api_client, world, role).get(self.api_detail(obj)).json()
            html = self.page_client(client, world, role).get(self.url("detail", obj), **ZH).content.decode()
            for field, (raw, shown_masked) in self.masked_fields.items():
                clear = self.shown_in_clear(raw)
                if masked:
                    assert body[field] == shown_masked, (role, field, body[field])
                    assert shown_masked in html and clear not in html, (role, field)
                else:
                    assert body[field] == raw, (role, field, body[field])
                    assert clear in html, (role, field)


class QueryCountCase(BaseCase):
    #: Rows added for the small measurement; the large one has three times as many.
    query_rows: ClassVar[int] = 3

    def _queries(self, get) -> int:
        get()  # warm per-user caches (permissions, scope, content types)
        with CaptureQueriesContext(connection) as ctx:
            response = get()
        assert response.status_code == 200
        return len(ctx.captured_queries)

    def test_list_query_count_is_the_same_for_n_and_3n_rows(self, world, client, api_client):
        client = self.page_client(client, world, self.reader_role)
        api = self.api_as(api_client, world, self.reader_role)

        def measure():
            page = self._queries(lambda: client.get(self.url("list"), **ZH))
            rows = self._queries(lambda: api.get(self.api_url))
            return page, rows

        for _ in range(self.query_rows):
            self.make(world, world.dealer_a)
        small = measure()
        for _ in range(2 * self.query_rows):
            self.make(world, world.dealer_a)
        assert len(self.api_ids(api.get(self.api_url, {"page_size": 500}))) >= 3 * self.query_rows
        assert measure() == small


class ReferenceDataCase(ListCase, DetailCase, CreateCase, StaleVersionCase, DeactivateCase, QueryCountCase):
    """Network-wide reference data (no ``scope_rule``): everything except the scope cases."""


class ModelCase(ReferenceDataCase, ScopeCase):
    """A scoped model with pages, API, create, edit and deactivate.  Add ``MaskedFieldsCase`` when
    the model holds personal data."""


__all__ = ["ModelCase", "ReferenceDataCase", "ListCase", "DetailCase", "CreateCase", "EditCase", "StaleVersionCase", "DeactivateCase",
           "ScopeCase", "MaskedFieldsCase", "QueryCountCase", "form_initial"]
