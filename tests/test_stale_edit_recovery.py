"""A stale edit is recovered without retyping (issue 8 item 4, R-SYS-3).

Two people open the same customer; the second to save is told who changed what and when, sees both
values side by side, keeps what they typed in the form, and saves it with one more click.
"""

import re

import pytest

from aftersales.customers import services
from aftersales.customers.forms import CustomerForm
from aftersales.customers.models import Customer

pytestmark = pytest.mark.django_db


def form_data(customer, user, **typed):
    """What the edit page's form posts when the user changes ``typed`` and nothing else."""
    form = CustomerForm(instance=customer, user=user)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v.pk if hasattr(v, "pk") else v) for v in value] if isinstance(value, list) else str(value)
    data.update(typed)
    return data


def _customer(world, **data):
    return services.customer_create(actor=world.user("admin"), data={
        "name": "王建华", "owning_dealer": world.dealer_a, "notes": "老客户", **data}, phones=["13812345678"])


def test_their_change_is_kept_and_my_typing_too(client, world):
    """The agent renamed the customer; the dealer only added a note. Saving the dealer's form must
    neither lose the note nor undo the rename."""
    dealer = world.user("dealer")
    customer = _customer(world)
    url = f"/customers/customers/{customer.pk}/edit/"
    mine = form_data(customer, dealer, notes="客户要求周六上午到店保养")
    services.customer_update(Customer.objects.get(pk=customer.pk), actor=world.user("agent"),
                             data={"name": "王建国"}, expected_version=customer.version)

    client.force_login(dealer)
    response = client.post(url, mine)
    assert response.status_code == 409
    html = response.content.decode()
    start = html.index('data-testid="stale-edit"')
    panel = html[start:html.index("</form>", start)]
    assert "已有其他人保存了修改" in panel
    assert "agent" in panel  # who, from the record's own story
    # Their value beside mine (here: what I had in the form, which I had not changed).
    assert re.search(r"<td>名称</td><td>王建国</td><td>王建华</td>\s*<td>对方的值", panel)
    # The form: their name (I had not touched it), my note, the current version.
    assert 'name="name" value="王建国"' in html
    assert "客户要求周六上午到店保养</textarea>" in html
    fresh = Customer.objects.get(pk=customer.pk)
    assert f'name="version" value="{fresh.version}"' in html
    assert fresh.notes == "老客户"  # nothing of mine saved yet

    again = dict(mine, name="王建国", version=str(fresh.version))  # what the re-shown form posts
    assert client.post(url, again).status_code == 302
    saved = Customer.objects.get(pk=customer.pk)
    assert (saved.name, saved.notes) == ("王建国", "客户要求周六上午到店保养")


def test_a_field_we_both_changed_keeps_mine_and_says_so(client, world):
    dealer = world.user("dealer")
    customer = _customer(world)
    mine = form_data(customer, dealer, notes="周六到店")
    services.customer_update(Customer.objects.get(pk=customer.pk), actor=world.user("agent"),
                             data={"notes": "周日到店"}, expected_version=customer.version)
    client.force_login(dealer)
    html = client.post(f"/customers/customers/{customer.pk}/edit/", mine).content.decode()
    assert re.search(r'<tr class="table-warning"><td>备注</td><td>周日到店</td><td>周六到店</td>', html)
    assert "双方都修改了" in html
    assert "周六到店</textarea>" in html
    assert Customer.objects.get(pk=customer.pk).notes == "周日到店"


def test_a_save_from_the_current_version_is_not_stale(client, world):
    dealer = world.user("dealer")
    customer = services.customer_create(actor=dealer, data={"name": "李娜", "owning_dealer": world.dealer_a},
                                        phones=["13912345678"])
    client.force_login(dealer)
    response = client.post(f"/customers/customers/{customer.pk}/edit/", form_data(customer, dealer, notes="已回访"))
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).notes == "已回访"
