"""Deterministic demo archive: vehicle models of a small-EV maker with warranty policies and
maintenance plans, ~40 customers per dealer (scale 1) with vehicles, mileage, key-part lots and
documents — and some incomplete / overdue archives for R-CUS-3."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from aftersales.core import audit
from aftersales.core.progress import ProgressBar
from aftersales.core.registry import SeedStep, register_seed_step
from aftersales.core.validators import vin_check_digit
from aftersales.org.models import Organisation
from aftersales.org.seed import DEALERS, GIVEN, SURNAMES, city_plate_prefixes

from . import services
from .choices import CustomerKind, CustomerSource, DocumentKind, EnergyType, MileageSource
from .models import Customer, CustomerDocument, MileageReading, Vehicle, VehicleModel

# code, name, series, energy, household rules, VDS fragment
MODELS = [
    ("XM-E1", "小蚂蚁 E1", "小蚂蚁", EnergyType.BEV, True, "SE1A2"),
    ("XM-E3", "小蚂蚁 E3 长续航", "小蚂蚁", EnergyType.BEV, True, "SE3B2"),
    ("QF-P5", "青风 P5 插混", "青风", EnergyType.PHEV, True, "SP5C3"),
    ("YK-T2", "运客 T2 物流车", "运客", EnergyType.BEV, False, "TT2D4"),
]
KEY_PART_TERMS = {"battery": (96, 150000), "motor": (96, 150000), "controller": (96, 150000)}
DISTRICTS = {"BJ01": ["朝阳区", "海淀区", "丰台区", "东城区"], "SH01": ["浦东新区", "闵行区", "徐汇区", "静安区"],
             "GD01": ["天河区", "越秀区", "海珠区"], "GD02": ["南山区", "福田区", "宝安区"],
             "SC01": ["武侯区", "锦江区", "龙泉驿区"], "CQ01": ["渝北区", "江北区", "九龙坡区"]}
STREETS = ["建国路", "人民路", "解放大道", "中山路", "长江路", "科技园路", "学府路", "光华大道", "滨江路", "新华街"]
COMPANIES = ["顺达物流有限公司", "城配快运有限公司", "绿源出行科技有限公司", "鑫盛建材有限公司", "安居家政服务有限公司"]
COLOURS = ["珍珠白", "星空灰", "天空蓝", "樱花粉", "曜石黑"]
YEAR_CODES = {2021: "M", 2022: "N", 2023: "P", 2024: "R", 2025: "S", 2026: "T"}


def _noon(day):
    """A seeded row's creation time: noon of the day it happened (Asia/Shanghai)."""
    from datetime import datetime, time

    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _name(rng: random.Random) -> str:
    given = GIVEN[rng.randrange(len(GIVEN))] + (GIVEN[rng.randrange(len(GIVEN))] if rng.random() < 0.7 else "")
    return SURNAMES[rng.randrange(len(SURNAMES))] + given


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"


def _vin(vds: str, year: int, serial: int) -> str:
    base = f"LNB{vds}0{YEAR_CODES.get(year, 'S')}N{serial:06d}"
    return base[:8] + vin_check_digit(base) + base[9:]


def _plate(rng: random.Random, prefix: str) -> str:
    serial = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".replace("Q", "")
    return f"{prefix}D{rng.choice(serial)}{rng.randrange(10000):04d}"


def _vehicle_models(actor) -> list[VehicleModel]:
    out = []
    for code, name, series, energy, household, _vds in MODELS:
        model = VehicleModel.objects.filter(code=code).first() or services.vehicle_model_create(
            actor=actor, data={"code": code, "name": name, "series": series, "energy_type": energy,
                               "household_rules_apply": household},
            policy={"vehicle_months": 36, "vehicle_km": 60000, "sanbao_months": 24, "sanbao_km": 50000},
            plan={"first_service_months": 3, "first_service_km": 3000, "interval_months": 6,
                  "interval_km": 10000 if energy == EnergyType.BEV else 5000},
            part_terms=KEY_PART_TERMS,
        )
        out.append(model)
    return out


def _suppliers_by_category() -> dict[str, list]:
    try:
        from aftersales.parts.models import Supplier
    except ImportError:  # pragma: no cover
        return {}
    out: dict[str, list] = {}
    for supplier in Supplier.objects.filter(is_active=True).order_by("code"):
        for category in supplier.categories or []:
            out.setdefault(category, []).append(supplier)
    return out


def seed_customers(*, scale: float = 1.0, stdout=None) -> None:
    if scale > 1:
        from .seed_bulk import seed_bulk

        seed_bulk(scale=scale, stdout=stdout)
        return
    if Customer.objects.exists():
        return
    rng = random.Random(20261130)
    actor = get_user_model().objects.filter(username="admin").first()
    models = _vehicle_models(actor)
    suppliers = _suppliers_by_category()
    prefixes = city_plate_prefixes()
    today = timezone.localdate()
    now = timezone.now()
    per_dealer = max(1, round(40 * scale))
    serial = 100000
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[d[0] for d in DEALERS]).select_related("region")}
    progress = ProgressBar(stdout, len(orgs), "  客户档案", unit="家经销商")
    created = 0
    for code, _full, _short, city in DEALERS:
        dealer = orgs.get(code)
        if dealer is None:
            continue
        if created:
            progress.advance(note=f"{created} 位客户")
        created += per_dealer
        districts = DISTRICTS.get(city, ["高新区", "经开区", "新城区"])
        for i in range(per_dealer):
            roll = rng.random()
            kind = CustomerKind.PERSON if roll < 0.88 else (CustomerKind.FLEET if roll < 0.95 else CustomerKind.COMPANY)
            name = _name(rng) if kind == CustomerKind.PERSON else f"{dealer.region.name[:2]}{rng.choice(COMPANIES)}"
            # ~8% of archives stay incomplete: half overdue (first visit 3–10 days ago), half fresh.
            incomplete = i % 12 == 5
            first_visit = now - timedelta(days=rng.randrange(3, 11) if incomplete and i % 24 == 5 else
                                          (0 if incomplete else rng.randrange(30, 900)))
            phones = [_mobile(rng)] + ([_mobile(rng)] if rng.random() < 0.2 else [])
            district = rng.choice(districts)
            address = {"province": "", "city": dealer.region.name, "district": district,
                       "detail": f"{rng.choice(STREETS)}{rng.randrange(1, 300)}号{rng.randrange(1, 30)}栋"
                                 f"{rng.randrange(1, 25)}0{rng.randrange(1, 5)}室"}
            # History carries the dates it happened on (issue 8 item 2): the archive was opened at the
            # first visit, the car registered at the sale, readings and documents on their own dates.
            with audit.happened_at(first_visit):
                customer = services.customer_create(
                    actor=actor,
                    data={"kind": kind, "name": name, "owning_dealer": dealer, "region": dealer.region,
                          "source": rng.choice([CustomerSource.PURCHASE] * 6 + [CustomerSource.WALK_IN,
                                                                                 CustomerSource.REFERRAL,
                                                                                 CustomerSource.CALL_CENTRE]),
                          "gender": rng.choice(["m", "f", ""]) if kind == CustomerKind.PERSON else "",
                          "person_in_charge": _name(rng) if kind != CustomerKind.PERSON and not incomplete else "",
                          "first_visit_at": first_visit},
                    phones=phones, addresses=[] if incomplete else [address])
            Customer.objects.filter(pk=customer.pk).update(created_at=first_visit)
            if incomplete and i % 24 != 5:
                continue  # a fresh customer without vehicle yet
            for _v in range(1 if rng.random() < 0.75 else 2):
                serial += 1
                model_index = rng.randrange(len(models)) if kind == CustomerKind.PERSON else 3
                model = models[model_index]
                sold = today - timedelta(days=rng.randrange(20, 1400))
                produced = sold - timedelta(days=rng.randrange(20, 120))
                km_per_day = rng.uniform(15, 90)
                age = (today - sold).days
                with audit.happened_at(sold):
                    vehicle = services.vehicle_create(actor=actor, data={
                        "vin": _vin(MODELS[model_index][5], produced.year, serial),
                        "plate": _plate(rng, prefixes.get(city, "京A")), "vehicle_model": model,
                        "colour": rng.choice(COLOURS), "production_date": produced,
                        "production_batch": f"{produced:%Y%m}-{rng.randrange(1, 4):02d}",
                        "selling_dealer": dealer, "servicing_dealer": dealer, "owner": customer,
                        "sale_date": sold, "invoice_date": sold, "delivery_date": sold + timedelta(days=rng.randrange(0, 6)),
                        "current_mileage": rng.randrange(5, 60), "mileage_read_on": sold})
                Vehicle.objects.filter(pk=vehicle.pk).update(created_at=_noon(sold))
                for fraction in sorted(rng.sample([0.3, 0.6, 0.9, 1.0], k=rng.randrange(1, 4))):
                    read_on = min(sold + timedelta(days=int(age * fraction)), today)
                    with audit.happened_at(read_on):
                        services.record_mileage(actor=actor, vehicle=vehicle,
                                                reading_km=int(age * fraction * km_per_day),
                                                read_on=read_on, source=MileageSource.RECEPTION)
                for reading in MileageReading.objects.filter(vehicle=vehicle):  # incl. the one at the sale
                    MileageReading.objects.filter(pk=reading.pk).update(created_at=_noon(reading.read_on))
                with audit.happened_at(sold):  # key-part lots are recorded at the sale
                    for category in KEY_PART_TERMS:
                        choices = suppliers.get(category) or [None]
                        services.set_key_part_lot(actor=actor, vehicle=vehicle, category=category,
                                                  supplier=choices[serial % len(choices)],
                                                  lot_number=f"{category[:3].upper()}{produced:%y%m}{rng.randrange(1, 6):02d}",
                                                  serial_number=f"{category[:1].upper()}{serial:08d}")
                if rng.random() < 0.6:
                    doc = _demo_document(rng, sold=sold, delivered=vehicle.delivery_date, today=today)
                    scan = {"file": _demo_scan(f"{code}-{serial}")} if serial % 5 == 0 else {}
                    received = min(doc["document_date"] + timedelta(days=rng.randrange(0, 8)), today)
                    with audit.happened_at(received):
                        document = services.document_create(actor=actor, data={
                            **scan, **doc, "customer": customer, "vehicle": vehicle, "organisation": dealer,
                            "number": f"{code}-{serial}", "received_on": received})
                    CustomerDocument.objects.filter(pk=document.pk).update(created_at=_noon(received))
    progress.advance(note=f"{created} 位客户")
    progress.finish(note=f"{Customer.objects.count()} 位客户，{Vehicle.objects.count()} 辆车")


# kind, title, days after the sale (from, to), amount in yuan (from, to) or None, what it says.
# One row per real paper, so type, title, amount and date always agree (issue 8 item 11).
DEMO_DOCUMENTS = [
    (DocumentKind.INVOICE, "购车发票", (0, 0), (89800, 259800), "机动车销售统一发票，车款含税"),
    (DocumentKind.WARRANTY_CARD, "保修手册登记页", None, None, "交车时登记保修手册，客户签字"),
    (DocumentKind.SERVICE_RECEIPT, "首保结算单", (60, 120), (0, 0), "首保免费检查，更换机油机滤"),
    (DocumentKind.SERVICE_RECEIPT, "定保结算单", (180, 900), (380, 1280), "定期保养：机油机滤、空调滤芯，检查高压线束"),
    (DocumentKind.SURVEY_FORM, "满意度调查表", (60, 900), None, "客户返回签字回执，对服务表示满意"),
]


def _demo_document(rng, *, sold, delivered, today) -> dict:
    """A returned document that fits the car's age: no 定保 receipt for a car sold last week."""
    age = (today - sold).days
    fitting = [d for d in DEMO_DOCUMENTS if d[2] is None or d[2][0] <= age]
    kind, title, days, amount, text = rng.choice(fitting)
    if days is None:  # handed over with the car
        on = delivered or sold
    else:
        on = sold + timedelta(days=rng.randrange(days[0], min(days[1], age) + 1))
    value = None if amount is None else Decimal(rng.randrange(amount[0], amount[1] + 1, 100 if amount[1] > 10000 else 1))
    return {"kind": kind, "title": title, "document_date": min(on, today), "amount": value, "content_text": text}


def _demo_scan(name: str):
    """A plain picture of a signed receipt (lines and a red stamp) so the demo shows scans with
    thumbnails; the same bytes every run."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for y in range(80, 640, 40):
        draw.line([(60, y), (540, y)], fill=(190, 190, 190), width=2)
    draw.rectangle([(60, 40), (540, 70)], fill=(60, 60, 60))
    draw.ellipse([(380, 620), (520, 760)], outline=(200, 30, 30), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return ContentFile(out.getvalue(), name=f"{name}.png")


register_seed_step(SeedStep(name="customers", order=30, run=seed_customers))
