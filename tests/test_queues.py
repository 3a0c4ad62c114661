"""The reusable work queues (core/queues.py, issue 6 item 5): mine / my team / unassigned with
their counts, shown as tabs, tested on customers with a responsible staff member."""

from __future__ import annotations

import re

import pytest
from django.db.models import Q
from django.template.loader import render_to_string
from django.test import RequestFactory

from aftersales.core.queues import work_queues
from aftersales.customers import services as customer_services
from aftersales.customers.selectors import customer_list
from aftersales.org.models import StaffProfile
from aftersales.org.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(world):
    """At dealer A: two for the advisor, one for a colleague, two for nobody; one at dealer B."""
    advisor = StaffProfile.objects.get(user=world.user("advisor"))
    colleague = StaffProfile.objects.get(user=make_user("advisor2", world.dealer_a, ["advisor"]))
    admin = world.user("admin")
    made = {}
    for name, dealer, responsible in (("甲一", world.dealer_a, advisor), ("甲二", world.dealer_a, advisor),
                                      ("甲三", world.dealer_a, colleague), ("甲四", world.dealer_a, None),
                                      ("甲五", world.dealer_a, None), ("乙一", world.dealer_b, None)):
        made[name] = customer_services.customer_create(
            actor=admin, data={"name": name, "owning_dealer": dealer, "responsible": responsible},
            phones=[f"1381234{len(made):04d}"])
    return made


def _queues(user, dealer):
    return work_queues(customer_list(user=user), user=user, assignee="responsible__user",
                       team=Q(owning_dealer=dealer))


def test_counts_and_rows_of_the_three_queues(world, customers, django_assert_num_queries):
    advisor = world.user("advisor")
    visible = customer_list(user=advisor)  # resolves (and caches) the advisor's scope
    with django_assert_num_queries(1):
        queues = work_queues(visible, user=advisor, assignee="responsible__user",
                             team=Q(owning_dealer=world.dealer_a))
    assert [(q.key, q.count) for q in queues] == [("mine", 2), ("team", 5), ("unassigned", 2)]
    names = {q.key: sorted(c.name for c in q.queryset) for q in queues}
    assert names == {"mine": ["甲一", "甲二"], "team": ["甲一", "甲三", "甲二", "甲五", "甲四"],
                     "unassigned": ["甲五", "甲四"]}


def test_queues_never_reach_outside_the_users_scope(world, customers):
    # Head office sees every dealer: without a team, "unassigned" is every unassigned customer.
    agent = world.user("agent")
    queues = work_queues(customer_list(user=agent), user=agent, assignee="responsible__user")
    assert queues.unassigned.count == 3 and queues.mine.count == 0
    # Dealer B's staff asking with dealer A as "team" still only get dealer B's rows.
    dealer_b = world.user("dealer_b")
    assert [q.count for q in _queues(dealer_b, world.dealer_a)] == [0, 0, 0]


def test_selected_queue_falls_back_to_mine(world, customers):
    queues = _queues(world.user("advisor"), world.dealer_a)
    assert queues.selected("unassigned").key == "unassigned"
    assert queues.selected("nonsense").key == "mine" and queues.selected(None).key == "mine"


def test_tabs_show_counts_and_keep_the_other_filters(world, customers):
    queues = _queues(world.user("advisor"), world.dealer_a)
    request = RequestFactory().get("/customers/", {"q": "甲", "page": "3", "queue": "team"})
    html = render_to_string("core/_queue_tabs.html", {"queues": queues, "current": queues.selected("team")},
                            request=request)
    tabs = re.findall(r'<a class="nav-link( active)?"[^>]*href="([^"]+)" data-queue="(\w+)">([^<]+)<span[^>]*>(\d+)',
                      html)
    assert [(key, label.strip(), int(count)) for _a, _h, key, label, count in tabs] == [
        ("mine", "我的", 2), ("team", "本组", 5), ("unassigned", "未分配", 2)]
    assert [key for active, _h, key, *_ in tabs if active] == ["team"]
    href = {key: h for _a, h, key, *_ in tabs}["unassigned"]
    assert "queue=unassigned" in href and "q=%E7%94%B2" in href and "page=" not in href
