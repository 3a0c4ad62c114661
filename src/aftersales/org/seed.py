"""Deterministic demo organisation: region tree, head office, ~20 dealers, departments, staff for
every role and the demo logins of DESIGN.md (password ``demo``)."""

from __future__ import annotations

import random
from datetime import date

from django.contrib.auth import get_user_model

from aftersales.core import audit
from aftersales.core.registry import SeedStep, register_seed_step

from .choices import DepartmentKind, OrganisationKind, RegionKind
from .models import Department, Organisation, Region, Role, Skill, StaffProfile
from .services import sync_role_groups

User = get_user_model()

# sales region -> provinces -> cities (code, name, plate prefix used by later seeds)
REGIONS = {
    ("NORTH", "华北大区"): {("BJ", "北京"): [("BJ01", "北京市", "京A")], ("HE", "河北"): [("HE01", "石家庄市", "冀A"), ("HE02", "保定市", "冀F")],
                         ("TJ", "天津"): [("TJ01", "天津市", "津A")]},
    ("EAST", "华东大区"): {("SH", "上海"): [("SH01", "上海市", "沪A")], ("JS", "江苏"): [("JS01", "南京市", "苏A"), ("JS02", "苏州市", "苏E")],
                        ("ZJ", "浙江"): [("ZJ01", "杭州市", "浙A"), ("ZJ02", "宁波市", "浙B")], ("SD", "山东"): [("SD01", "济南市", "鲁A")]},
    ("SOUTH", "华南大区"): {("GD", "广东"): [("GD01", "广州市", "粤A"), ("GD02", "深圳市", "粤B")], ("FJ", "福建"): [("FJ01", "厦门市", "闽D")]},
    ("CENTRAL", "华中大区"): {("HB", "湖北"): [("HB01", "武汉市", "鄂A")], ("HA", "河南"): [("HA01", "郑州市", "豫A")]},
    ("SW", "西南大区"): {("SC", "四川"): [("SC01", "成都市", "川A")], ("CQ", "重庆"): [("CQ01", "重庆市", "渝A")]},
}

# dealer code, name, city code — the first two are the demo dealers `dealer` and `dealer2`
DEALERS = [
    ("D1001", "北京朝阳汇通汽车销售服务有限公司", "朝阳汇通4S店", "BJ01"),
    ("D2001", "上海浦东永达汽车销售服务有限公司", "浦东永达4S店", "SH01"),
    ("D1002", "北京海淀华远汽车服务有限公司", "海淀华远4S店", "BJ01"),
    ("D1003", "石家庄冀通汽车销售服务有限公司", "石家庄冀通4S店", "HE01"),
    ("D1004", "保定恒信汽车服务有限公司", "保定恒信服务站", "HE02"),
    ("D1005", "天津滨海顺达汽车销售服务有限公司", "滨海顺达4S店", "TJ01"),
    ("D2002", "南京金陵汽车销售服务有限公司", "金陵4S店", "JS01"),
    ("D2003", "苏州吴中东昌汽车服务有限公司", "吴中东昌4S店", "JS02"),
    ("D2004", "杭州西湖元通汽车销售服务有限公司", "西湖元通4S店", "ZJ01"),
    ("D2005", "宁波鄞州骏宝汽车服务有限公司", "鄞州骏宝4S店", "ZJ02"),
    ("D2006", "济南历下润华汽车销售服务有限公司", "历下润华4S店", "SD01"),
    ("D3001", "广州天河广物汽车销售服务有限公司", "天河广物4S店", "GD01"),
    ("D3002", "深圳南山鹏峰汽车服务有限公司", "南山鹏峰4S店", "GD02"),
    ("D3003", "厦门思明盛德汽车销售服务有限公司", "思明盛德4S店", "FJ01"),
    ("D4001", "武汉江汉宏泰汽车销售服务有限公司", "江汉宏泰4S店", "HB01"),
    ("D4002", "郑州金水裕华汽车服务有限公司", "金水裕华4S店", "HA01"),
    ("D5001", "成都武侯建国汽车销售服务有限公司", "武侯建国4S店", "SC01"),
    ("D5002", "重庆渝北中汽西南汽车服务有限公司", "渝北中汽4S店", "CQ01"),
    ("D5003", "成都龙泉驿顺捷汽车维修服务站", "龙泉驿顺捷服务站", "SC01"),
    ("D2007", "上海闵行东昌汽车销售服务有限公司", "闵行东昌4S店", "SH01"),
]
# Sister stores of one dealer group (R-PRT-4 later): 东昌 group.
GROUPS = {"D2007": "D2003"}

AREA_CODES = {"BJ01": "010", "SH01": "021", "HE01": "0311", "HE02": "0312", "TJ01": "022", "JS01": "025",
              "JS02": "0512", "ZJ01": "0571", "ZJ02": "0574", "SD01": "0531", "GD01": "020", "GD02": "0755",
              "FJ01": "0592", "HB01": "027", "HA01": "0371", "SC01": "028", "CQ01": "023"}

HQ_DEPARTMENTS = [
    (DepartmentKind.CUSTOMER_SERVICE, "客服部"), (DepartmentKind.QUALITY, "质检部"),
    (DepartmentKind.PARTS_WAREHOUSE, "售后配件仓库"), (DepartmentKind.FIELD_SERVICE, "巡回服务部"),
    (DepartmentKind.TRAINING, "培训部"), (DepartmentKind.MANAGEMENT, "售后服务总部"), (DepartmentKind.IT, "信息管理部"),
]
DEALER_DEPARTMENTS = [
    (DepartmentKind.FRONT_DESK, "前台接待"), (DepartmentKind.WORKSHOP, "维修车间"),
    (DepartmentKind.PARTS_WAREHOUSE, "配件库房"), (DepartmentKind.INSURANCE, "保险理赔"),
    (DepartmentKind.CUSTOMER_SERVICE, "客户关系"),
]
SKILLS = [("EV-MOTOR", "电机维修"), ("EV-CTRL", "控制器诊断"), ("CHASSIS", "底盘/车桥"), ("BODY", "钣金喷漆"),
          ("ELEC", "电气线路"), ("ROADSIDE", "道路救援"), ("TRAINING", "经销商培训")]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕红梅小红玉兰晓东文博子涵浩然欣怡"

# username, display name, role, where ("HQ" or a dealer code), department kind, regions covered
DEMO_USERS = [
    ("admin", "系统管理员", "admin", "HQ", DepartmentKind.IT, []),
    ("manager", "周建国", "manager", "HQ", DepartmentKind.MANAGEMENT, []),
    ("agent", "李晓雯", "agent", "HQ", DepartmentKind.CUSTOMER_SERVICE, []),
    ("advisor", "王海涛", "advisor", "D1001", DepartmentKind.FRONT_DESK, []),
    ("technician", "张师傅", "technician", "D1001", DepartmentKind.WORKSHOP, []),
    ("engineer", "刘振华", "engineer", "HQ", DepartmentKind.FIELD_SERVICE, ["NORTH"]),
    ("parts", "陈立新", "parts", "HQ", DepartmentKind.PARTS_WAREHOUSE, []),
    ("quality", "赵敏", "quality", "HQ", DepartmentKind.QUALITY, []),
    ("dealer", "孙丽娟", "dealer", "D1001", DepartmentKind.CUSTOMER_SERVICE, []),
    ("dealer2", "吴志强", "dealer", "D2001", DepartmentKind.CUSTOMER_SERVICE, []),
]


TITLES = {"admin": "系统管理员", "manager": "售后服务经理", "agent": "客服专员", "advisor": "服务顾问",
          "technician": "维修技师", "engineer": "巡回服务工程师", "parts": "配件专员", "quality": "质检工程师",
          "dealer": "经销商客服"}


def _name(rng: random.Random) -> str:
    given = GIVEN[rng.randrange(len(GIVEN) - 1)] + (GIVEN[rng.randrange(len(GIVEN))] if rng.random() < 0.7 else "")
    return SURNAMES[rng.randrange(len(SURNAMES))] + given


def _region(code, name, kind, parent):
    region, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "parent": parent})
    path = f"{parent.path if parent else '/'}{region.pk}/"
    if region.path != path:
        Region.objects.filter(pk=region.pk).update(path=path)
        region.path = path
    return region


def city_plate_prefixes() -> dict[str, str]:
    """City region code -> plate prefix, for seeds of later apps (plates that match the region)."""
    return {code: prefix for provinces in REGIONS.values() for cities in provinces.values()
            for code, _name, prefix in cities}


def _staff(rng, username, org, department_kind, role, employee_code, title):
    """A staff member without a password (only the demo logins have one); None if already there."""
    if User.objects.filter(username=username).exists():
        return None
    user = User.objects.create(username=username, first_name=_name(rng))
    user.set_unusable_password()
    user.save()
    profile = StaffProfile.objects.create(
        user=user, organisation=org, employee_code=employee_code, display_name=user.first_name, title=title,
        department=Department.objects.filter(organisation=org, kind=department_kind).first(),
    )
    profile.roles.set([role])
    sync_role_groups(profile)
    return profile


def seed_org(*, scale: float = 1.0, stdout=None) -> None:
    rng = random.Random(20261129)
    country = _region("CN", "中国", RegionKind.COUNTRY, None)
    cities: dict[str, Region] = {}
    sales_regions: dict[str, Region] = {}
    for (rcode, rname), provinces in REGIONS.items():
        sales = sales_regions[rcode] = _region(rcode, rname, RegionKind.REGION, country)
        for (pcode, pname), city_list in provinces.items():
            province = _region(pcode, pname, RegionKind.PROVINCE, sales)
            for ccode, cname, _prefix in city_list:
                cities[ccode] = _region(ccode, cname, RegionKind.CITY, province)

    for code, name in SKILLS:
        Skill.objects.get_or_create(code=code, defaults={"name": name})

    hq, _ = Organisation.objects.get_or_create(code="HQ", defaults={
        "name": "新能源汽车有限公司售后服务总部", "short_name": "售后服务总部", "kind": OrganisationKind.HEAD_OFFICE,
        "region": country, "address": "江苏省南京市江宁区经济技术开发区汽车大道 88 号", "phone": "400-800-1234",
        "opens_weekends": False,
    })
    orgs = {"HQ": hq}
    for kind, name in HQ_DEPARTMENTS:
        Department.objects.get_or_create(organisation=hq, name=name, defaults={"kind": kind})
    for i, (code, name, short, city) in enumerate(DEALERS):
        kind = OrganisationKind.SERVICE_STATION if "服务站" in short else OrganisationKind.DEALER
        org, created = Organisation.objects.get_or_create(code=code, defaults={
            "name": name, "short_name": short, "kind": kind, "region": cities[city],
            "address": f"{cities[city].name}{short[:2]}区汽车城{10 + i}号", "phone": f"{AREA_CODES[city]}-8{rng.randrange(1000000, 9999999)}",
            "contact_person": _name(rng), "contract_start": date(2023, 1 + i % 12, 1), "contract_end": date(2027, 1 + i % 12, 1) if i % 7 else date(2026, 12, 31),
        })
        orgs[code] = org
        if created:
            audit.record(actor=None, action="org.organisation.created", obj=org, note="演示数据")
        for dkind, dname in DEALER_DEPARTMENTS:
            Department.objects.get_or_create(organisation=org, name=dname, defaults={"kind": dkind})
    for member, group in GROUPS.items():
        Organisation.objects.filter(code=member).update(group=orgs[group])

    roles = {r.code: r for r in Role.objects.all()}
    skills = list(Skill.objects.all())
    for username, display, role, where, dkind, covered in DEMO_USERS:
        org = orgs[where]
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": display})
        if created:
            user.set_password("demo")
            if username == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
        profile, _ = StaffProfile.objects.get_or_create(user=user, defaults={
            "organisation": org, "department": Department.objects.filter(organisation=org, kind=dkind).first(),
            "employee_code": f"E{username.upper()[:8]}", "display_name": display,
            "title": TITLES[role], "email": f"{username}@example.cn",
        })
        profile.roles.set([roles[role]])
        if covered:
            profile.regions_covered.set([sales_regions[c] for c in covered])
        if role in {"engineer", "technician"}:
            profile.skills.set(skills[:4])
        sync_role_groups(profile)

    # Every dealer gets a service advisor and two technicians; every sales region a field engineer.
    for code, org in orgs.items():
        if code == "HQ":
            continue
        for role, dkind, count in (("advisor", DepartmentKind.FRONT_DESK, 1), ("technician", DepartmentKind.WORKSHOP, 2)):
            for k in range(count):
                _staff(rng, f"{code.lower()}-{role}{k + 1}", org, dkind, roles[role], f"{code}{role[0].upper()}{k + 1}",
                       TITLES[role])
    for rcode, region in sales_regions.items():
        profile = _staff(rng, f"engineer-{rcode.lower()}", hq, DepartmentKind.FIELD_SERVICE, roles["engineer"],
                         f"FE-{rcode}", TITLES["engineer"])
        if profile is not None:
            profile.regions_covered.set([region])
            profile.skills.set(rng.sample(skills, 3))
    _seed_reporting_lines(orgs)
    if stdout:
        stdout.write(f"  regions {Region.objects.count()}, organisations {Organisation.objects.count()}, "
                     f"staff {StaffProfile.objects.count()}")


def _demo_first(staff) -> list[StaffProfile]:
    """The demo login (``advisor``, ``technician``) before the generated staff of the same store."""
    demo_names = {username for username, *_ in DEMO_USERS}
    return sorted(staff.select_related("user"), key=lambda p: (p.user.username not in demo_names, p.employee_code))


def _seed_reporting_lines(orgs) -> None:
    """Reporting lines so escalation resolves for the demo users (org.selectors.superior_chain):
    at head office every department reports to 售后服务总部, headed by ``manager`` (周建国); the
    regional field engineers' team lead is ``engineer`` (刘振华); at each dealer the technicians'
    team lead is the store's first technician (张师傅 at 朝阳汇通) and the workshop reports to 前台接待, managed by the
    store's service advisor.  Only fills what is empty, so a second seed changes nothing."""
    hq = orgs["HQ"]
    head = Department.objects.get(organisation=hq, kind=DepartmentKind.MANAGEMENT)
    manager = StaffProfile.objects.filter(user__username="manager").first()
    Department.objects.filter(pk=head.pk, manager__isnull=True).update(manager=manager)
    Department.objects.filter(organisation=hq, parent__isnull=True).exclude(pk=head.pk).update(parent=head)
    lead = StaffProfile.objects.filter(user__username="engineer").first()
    StaffProfile.objects.filter(user__username__startswith="engineer-", team_lead__isnull=True).update(team_lead=lead)
    for code, org in orgs.items():
        if code == "HQ":
            continue
        front = Department.objects.filter(organisation=org, kind=DepartmentKind.FRONT_DESK).first()
        workshop = Department.objects.filter(organisation=org, kind=DepartmentKind.WORKSHOP).first()
        advisors = _demo_first(StaffProfile.objects.filter(organisation=org, roles__code="advisor"))
        advisor = advisors[0] if advisors else None
        technicians = _demo_first(StaffProfile.objects.filter(organisation=org, roles__code="technician"))
        if front and advisor:
            Department.objects.filter(pk=front.pk, manager__isnull=True).update(manager=advisor)
        if workshop and front:
            Department.objects.filter(pk=workshop.pk, parent__isnull=True).update(parent=front)
        if len(technicians) > 1:
            StaffProfile.objects.filter(pk__in=[t.pk for t in technicians[1:]], team_lead__isnull=True).update(
                team_lead=technicians[0])


register_seed_step(SeedStep(name="org", order=10, run=seed_org))
