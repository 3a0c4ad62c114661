"""The large-export approval applies with the shipped roles (issue 7 item 13, R-CUS-7, DOMAIN.md
personal data): who may export customers, who must ask above the limit, who approves — with the
roles as they ship (``*/roles.py``), no permission added by the test."""

from __future__ import annotations

import pytest

from aftersales.core.exceptions import ServiceError
from aftersales.core.imports import approval_selectors, approvals, exports
from aftersales.core.imports.models import ExportRequest
from aftersales.core.imports.registry import get_exporter
from aftersales.customers.models import Customer

pytestmark = pytest.mark.django_db

# role → what a customer export of more rows than the limit does: "direct", "ask" (a request for a
# manager's approval) or "no" (may not export at all).
EXPECTED = {
    "admin": "direct", "manager": "direct",
    "agent": "ask", "dealer": "ask", "dealer_b": "ask",
    "advisor": "no", "technician": "no", "engineer": "no", "parts": "no", "quality": "no",
}


@pytest.fixture
def many(world, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(get_exporter("customers"), "approval_threshold", 2)
    for org, prefix in ((world.dealer_a, "A"), (world.dealer_b, "B")):
        for i in range(3):
            Customer.objects.create(code=f"C{prefix}{i}", name=f"客户{prefix}{i}", owning_dealer=org,
                                    primary_phone=f"+86138{ord(prefix)}{i:05d}")
    return world


def _outcome(user) -> str:
    try:
        exports.export_prepare(actor=user, kind="customers", params={}, fmt="csv")
    except ServiceError as exc:
        return {"approval_required": "ask", "permission_denied": "no"}.get(exc.code, exc.code)
    return "direct"


def test_every_shipped_role_exports_as_the_table_says(many):
    assert set(EXPECTED) == set(many.users)
    assert {role: _outcome(user) for role, user in many.users.items()} == EXPECTED


def test_a_dealer_asks_and_a_manager_approves(many, django_capture_on_commit_callbacks):
    dealer, manager = many.user("dealer"), many.user("manager")
    request = approvals.export_request_create(actor=dealer, kind="customers", params={}, reason="保养提醒名单")
    assert request.row_count == 3  # the dealer's own three, not the network's six
    approvers = {u.username for u in approval_selectors.approvers_for(request)}
    assert "manager" in approvers and not approvers & {"dealer", "dealer_b", "agent", "advisor"}
    with pytest.raises(ServiceError):
        approvals.export_request_approve(actor=many.user("agent"), export_request=request, enqueue=False)
    with django_capture_on_commit_callbacks(execute=False):
        approvals.export_request_approve(actor=manager, export_request=request, enqueue=False)
    assert ExportRequest.objects.get(pk=request.pk).status == ExportRequest.Status.APPROVED


def test_an_agent_asks_too(many):
    request = approvals.export_request_create(actor=many.user("agent"), kind="customers", params={},
                                              reason="回访名单")
    assert request.status == ExportRequest.Status.PENDING and request.row_count == 6
