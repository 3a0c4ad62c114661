"""Demo tickets (issue 9 item 12): tickets in every state at dealers of every region, opened and
moved on the dates they happened (seeded history carries its own dates), owned by the demo agent
李晓雯 — some long-open ones past their service time limit, so queues and escalations have content.
Deterministic (fixed random seed) and idempotent (nothing is added once tickets exist)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from aftersales.core import audit
from aftersales.core.progress import ProgressBar
from aftersales.core.registry import SeedStep, register_seed_step
from aftersales.customers.models import Customer
from aftersales.org.choices import OrganisationKind
from aftersales.org.models import Organisation
from aftersales.org.seed import DEALERS

from . import services
from .choices import TicketKind, TicketPriority
from .models import Ticket

# final state → the steps that lead there, each (transition, minutes after the previous step, reason)
PATHS = {
    "new": [],
    "accepted": [("accept", 20, "")],
    "dispatched": [("accept", 10, ""), ("dispatch_work", 30, "")],
    "on_site": [("accept", 5, ""), ("dispatch_work", 15, ""), ("arrive", 70, "")],
    "at_dealer": [("accept", 15, ""), ("at_dealer", 60, "")],
    "waiting_customer": [("accept", 10, ""), ("wait_customer", 90, "客户出差，约定下周到店")],
    "waiting_parts": [("accept", 10, ""), ("at_dealer", 60, ""), ("wait_parts", 240, "电机控制器缺货，已向总部订货")],
    "resolved": [("accept", 10, ""), ("resolve", 300, "经销商检查后更换空调滤芯，故障排除")],
    "closed": [("accept", 5, ""), ("dispatch_work", 20, ""), ("arrive", 80, ""),
               ("resolve", 60, "现场更换12V蓄电池，车辆恢复正常"), ("confirm", 1440, "回访客户，确认已解决，满意"),
               ("close", 10, "")],
    "closed_unconfirmed": [("accept", 10, ""), ("resolve", 200, "远程指导客户重置车机系统"),
                           ("close_unconfirmed", 4320, "三次回访电话均未接通")],
    "cancelled": [("cancel", 15, "客户来电说明问题已自行解决")],
    "reopened": [("accept", 10, ""), ("resolve", 300, "紧固底盘护板"), ("confirm", 1440, "客户确认"),
                 ("close", 5, ""), ("reopen", 2880, "异响再次出现，客户要求复查")],
}
STATES = list(PATHS)
# kind → (descriptions, locations)
TEXTS = {
    TicketKind.ROADSIDE: (["车辆无法启动，仪表显示动力电池故障", "行驶中突然断电，已停在应急车道", "爆胎，车上无备胎"],
                          ["京港澳高速 K23+500 北向", "沪宁高速 K86 服务区", "外环路与建国路交叉口", "小区地下车库 B2"]),
    TicketKind.REPAIR: (["刹车时有异响", "空调不制冷", "充电口盖无法打开", "车机黑屏重启"], [""]),
    TicketKind.COMPLAINT: (["对上次保养收费有异议", "维修等待时间过长", "服务顾问态度差"], [""]),
    TicketKind.CONSULTATION: (["咨询首保里程和时间", "咨询电池质保年限", "咨询冬季续航"], [""]),
    TicketKind.PARTS: (["询问前保险杠价格和到货时间", "询问原厂脚垫"], [""]),
    TicketKind.SALES: (["咨询小蚂蚁 E3 长续航的订车周期", "询问置换补贴政策"], [""]),
    TicketKind.FEEDBACK: (["建议增加周末夜间服务", "反馈充电桩安装进度慢"], [""]),
}
KINDS = list(TEXTS)


def _when(day, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randrange(8, 20), rng.choice((0, 15, 30, 45)))))


def seed_tickets(*, scale: float = 1.0, stdout=None) -> None:
    if Ticket.objects.exists():
        return
    agent = get_user_model().objects.filter(username="agent").first()
    hq = Organisation.objects.filter(kind=OrganisationKind.HEAD_OFFICE).order_by("pk").first()
    if agent is None or hq is None:
        return
    rng = random.Random(20261204)
    now = timezone.now()
    today = timezone.localdate()
    per_dealer = max(1, round(12 * min(scale, 1.0)))
    dealers = {o.code: o for o in Organisation.objects.filter(code__in=[d[0] for d in DEALERS])}
    progress = ProgressBar(stdout, len(dealers), "  服务工单", unit="家经销商")
    turn = 0
    for code, *_rest in DEALERS:
        dealer = dealers.get(code)
        if dealer is None:
            continue
        progress.advance()
        customers = list(Customer.objects.filter(owning_dealer=dealer, is_active=True)
                         .prefetch_related("vehicles").order_by("pk")[:per_dealer])
        for customer in customers:
            state = STATES[turn % len(STATES)]
            turn += 1
            _one(customer, state, rng=rng, agent=agent, hq=hq, dealer=dealer, now=now, today=today)
    progress.finish(note=f"{turn} 张工单")


def _one(customer, state, *, rng, agent, hq, dealer, now, today) -> None:
    kind = KINDS[rng.randrange(len(KINDS))] if state not in ("dispatched", "on_site") else TicketKind.ROADSIDE
    descriptions, locations = TEXTS[kind]
    steps = PATHS[state]
    # Open tickets in the first two states are days old (their clocks ran out: breaches); the rest
    # took place over the last two months and ended before now.
    span = sum(minutes for _n, minutes, _r in steps)
    days_back = rng.randrange(2, 60) + span // 1440 + 1
    opened = _when(today - timedelta(days=days_back), rng)
    vehicles = list(customer.vehicles.all())
    handled_at = dealer if state in ("at_dealer", "waiting_parts") or kind == TicketKind.REPAIR else hq
    data = {"customer": customer, "vehicle": vehicles[0] if vehicles else None, "kind": kind,
            "priority": TicketPriority.URGENT if kind == TicketKind.ROADSIDE else rng.choice(
                [TicketPriority.NORMAL, TicketPriority.NORMAL, TicketPriority.HIGH, TicketPriority.LOW]),
            "organisation": handled_at, "location": rng.choice(locations), "description": rng.choice(descriptions),
            "allow_duplicate": True}
    with audit.happened_at(opened):
        ticket = services.ticket_create(actor=agent, data=data, at=opened)
    moment = opened
    for name, minutes, reason in steps:
        moment = moment + timedelta(minutes=minutes)
        if moment >= now:
            break
        with audit.happened_at(moment):
            ticket = services.transition(ticket, name, actor=agent, reason=reason, at=moment)


register_seed_step(SeedStep(name="tickets", order=40, run=seed_tickets))
