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


# --------------------------------------------------------------------------------------------
# every error at once (issue 8 item 3)
# --------------------------------------------------------------------------------------------

BAD_PHONE = "1381234"                 # seven digits: no mobile, no landline without an area code
BAD_ID = "110105199001011230"         # the check character of 11010519900101123 is X, not 0
BAD_VIN = "LSJA24U60TG00000"          # 16 characters
BAD_PLATE = "京A12"                   # a plate has five or six characters after 京A
PHONE_ERROR_ZH = "区号"               # "…请加上区号…": a 7-digit number needs its area code
ID_ERROR_ZH = "校验"                  # the check character is wrong
VIN_ERROR_ZH = "17"                   # a VIN has 17 characters
PLATE_ERROR_ZH = "车牌"


def _errors_beside(html: str, field: str) -> str:
    """The text of the error shown beside ``field`` on the page ("" when there is none)."""
    import re

    return " ".join(re.findall(rf'data-testid="error-{field}">([^<]*)<', html))


class TestEveryErrorAtOnce:
    """R-CUS-1 / R-CUS-2 / R-SYS-3: a form with several bad fields shows every error beside its field."""

    def test_customer_form_shows_bad_phone_bad_id_and_missing_name_together(self, world, client):
        client.force_login(world.user("advisor"))
        before = Customer.objects.count()
        response = client.post(reverse("customers:customer_add"), {
            "kind": "person", "name": "", "owning_dealer": world.dealer_a.pk, "region": world.dealer_a.region_id,
            "source": "walk_in", "phone": BAD_PHONE, "resident_id": BAD_ID, "address_detail": "望京街 9 号"}, **ZH)
        assert response.status_code == 400
        html = response.content.decode()
        assert PHONE_ERROR_ZH in _errors_beside(html, "phone")
        assert ID_ERROR_ZH in _errors_beside(html, "resident_id")
        assert _errors_beside(html, "name")  # required
        assert Customer.objects.count() == before

    def test_customer_api_gives_the_same_errors_for_the_same_input(self, world, client, api_client):
        client.force_login(world.user("advisor"))
        page = client.post(reverse("customers:customer_add"), {
            "kind": "person", "name": "孙八", "owning_dealer": world.dealer_a.pk, "region": world.dealer_a.region_id,
            "source": "walk_in", "phone": BAD_PHONE, "resident_id": BAD_ID, "address_detail": "望京街 9 号"},
            **ZH).content.decode()
        api_client.force_authenticate(world.user("advisor"))
        response = api_client.post("/api/customers/customers/", {
            "kind": "person", "name": "", "owning_dealer": world.dealer_a.pk, "region": world.dealer_a.region_id,
            "source": "walk_in", "phone_numbers": [BAD_PHONE], "resident_id": BAD_ID,
            "new_addresses": [{"detail": "望京街 9 号"}]}, format="json", **ZH)
        assert response.status_code == 400
        fields = response.json()["fields"]
        assert {"name", "phones", "resident_id"} <= set(fields), fields
        assert fields["phones"][0] == _errors_beside(page, "phone")
        assert fields["resident_id"][0] == _errors_beside(page, "resident_id")

    def test_the_service_refuses_bad_phone_and_bad_id_in_one_error(self, world):
        from django.core.exceptions import ValidationError

        from aftersales.customers import services

        with pytest.raises(ValidationError) as caught:
            services.customer_create(actor=world.user("admin"), data={
                "name": "孙八", "owning_dealer": world.dealer_a, "region": world.dealer_a.region,
                "resident_id": BAD_ID}, phones=[BAD_PHONE], addresses=[{"detail": "望京街 9 号"}])
        assert {"phones", "resident_id"} <= set(caught.value.message_dict)

    def test_customer_edit_reports_bad_id_and_missing_name_together(self, world, client):
        customer = make_customer(world, world.dealer_a)
        client.force_login(world.user("advisor"))
        data = {**_edit_data(client, customer), "name": "", "resident_id": BAD_ID}
        html = client.post(reverse("customers:customer_edit", args=[customer.pk]), data, **ZH).content.decode()
        assert ID_ERROR_ZH in _errors_beside(html, "resident_id") and _errors_beside(html, "name")

    def test_vehicle_form_shows_bad_vin_and_bad_plate_together(self, world, client):
        from .test_views_inherited import vehicle_model

        client.force_login(world.user("advisor"))
        response = client.post(reverse("customers:vehicle_add"), {
            "vin": BAD_VIN, "plate": BAD_PLATE, "vehicle_model": vehicle_model().pk,
            "selling_dealer": world.dealer_a.pk}, **ZH)
        assert response.status_code == 400
        html = response.content.decode()
        assert VIN_ERROR_ZH in _errors_beside(html, "vin")
        assert _errors_beside(html, "plate")

    def test_vehicle_api_and_service_report_bad_vin_and_bad_plate_together(self, world, api_client):
        from django.core.exceptions import ValidationError

        from aftersales.customers import services

        from .test_views_inherited import vehicle_model

        api_client.force_authenticate(world.user("advisor"))
        response = api_client.post("/api/customers/vehicles/", {"vin": BAD_VIN, "plate": BAD_PLATE},
                                   format="json", **ZH)
        assert response.status_code == 400
        fields = response.json()["fields"]
        assert {"vin", "plate", "vehicle_model"} <= set(fields), fields
        with pytest.raises(ValidationError) as caught:
            services.vehicle_create(actor=world.user("admin"), data={
                "vin": BAD_VIN, "plate": BAD_PLATE, "vehicle_model": vehicle_model()})
        assert {"vin", "plate"} <= set(caught.value.message_dict)

    def test_the_import_refuses_the_same_row_with_the_same_messages(self, world, api_client):
        import io

        from aftersales.core.imports import services as imports

        api_client.force_authenticate(world.user("advisor"))
        api = api_client.post("/api/customers/customers/", {
            "kind": "person", "name": "孙八", "owning_dealer": world.dealer_a.pk, "region": world.dealer_a.region_id,
            "source": "walk_in", "phone_numbers": [BAD_PHONE], "resident_id": BAD_ID,
            "new_addresses": [{"detail": "望京街 9 号"}]}, format="json", **ZH).json()["fields"]
        header = "客户编号,客户类型,姓名,手机,其他电话,证件号码,省,市,区,详细地址,负责人,所属经销商代码,来源,标签,备注\n"
        row = f",个人,孙八,{BAD_PHONE},,{BAD_ID},北京,北京市,朝阳区,望京街9号,,{world.dealer_a.code},,,\n"
        job = imports.import_start(actor=world.user("admin"), kind="customers", enqueue=False,
                                   file=io.BytesIO((header + row).encode()), filename="customers.csv")
        job = imports.run_validation(job.pk)
        reasons = {e["column"]: e["reason"] for e in job.result["first_errors"]}
        assert reasons.get("手机") == api["phones"][0], reasons
        assert reasons.get("证件号码") == api["resident_id"][0], reasons
