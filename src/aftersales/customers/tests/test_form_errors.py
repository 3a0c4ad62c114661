"""What an advisor (服务顾问) meets when an edit form goes wrong (issue 7 item 10, issue 8 items 3 and 4;
R-SYS-1, R-SYS-3, R-CUS-1, R-CUS-2).

Expected texts are the Chinese a user reads, spelt out here, never taken from the code under test."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.core.testing.model_cases import form_initial
from aftersales.customers.models import Customer

from .test_views_inherited import make_customer

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
VERSION_MISSING_ZH = "缺少记录的版本号"


def _edit_data(client, customer) -> dict:
    response = client.get(reverse("customers:customer_edit", args=[customer.pk]), **ZH)
    assert response.status_code == 200
    return form_initial(response.context["form"])


class TestVersionRequired:
    """R-SYS-3: an edit that does not say which version it started from is refused, never last writer wins."""

    def test_api_patch_without_version_is_400_with_a_version_field_error(self, world, api_client):
        customer = make_customer(world, world.dealer_a)
        api_client.force_authenticate(world.user("advisor"))
        response = api_client.patch(f"/api/customers/customers/{customer.pk}/", {"name": "改名"}, format="json",
                                    **ZH)
        assert response.status_code == 400
        assert VERSION_MISSING_ZH in response.json()["fields"]["version"][0]
        fresh = Customer.objects.get(pk=customer.pk)
        assert (fresh.name, fresh.version) == (customer.name, customer.version)

    def test_api_put_without_version_reports_it_beside_the_other_field_errors(self, world, api_client):
        customer = make_customer(world, world.dealer_a)
        api_client.force_authenticate(world.user("advisor"))
        response = api_client.put(f"/api/customers/customers/{customer.pk}/", {"name": ""}, format="json", **ZH)
        assert response.status_code == 400
        fields = response.json()["fields"]
        assert {"name", "version"} <= set(fields), fields

    def test_page_edit_without_version_shows_the_message_and_changes_nothing(self, world, client):
        customer = make_customer(world, world.dealer_a)
        client.force_login(world.user("advisor"))
        data = {**_edit_data(client, customer), "name": "改名"}
        data.pop("version")
        response = client.post(reverse("customers:customer_edit", args=[customer.pk]), data, **ZH)
        assert response.status_code == 400
        assert VERSION_MISSING_ZH in response.content.decode()
        assert Customer.objects.get(pk=customer.pk).name == customer.name

    def test_api_patch_with_the_version_still_saves(self, world, api_client):
        customer = make_customer(world, world.dealer_a)
        api_client.force_authenticate(world.user("advisor"))
        response = api_client.patch(f"/api/customers/customers/{customer.pk}/",
                                    {"name": "改名", "version": customer.version}, format="json")
        assert response.status_code == 200, response.content
        assert Customer.objects.get(pk=customer.pk).name == "改名"
