"""Deterministic demo suppliers and parts catalogue (fictional companies, plausible numbers).

Idempotent: suppliers are looked up by code and parts by part number; existing rows are left alone.
Like the org seed, rows are written directly (normalised and validated the way the services do it)
without audit events: demo master data has no human author.
"""

from __future__ import annotations

from decimal import Decimal

from aftersales.core.registry import SeedStep, register_seed_step

from .choices import PartCategory as C
from .choices import PartUnit as U
from .models import Part, Supplier
from .services import _normalise_part, _normalise_supplier

# code, name, short name, categories, address, contact, phone, quality contact, quality phone, e-mail
SUPPLIERS = [
    ("S101", "江苏精驰电机有限公司", "精驰电机", [C.MOTOR], "江苏省常州市武进区电机产业园 8 号",
     "顾建平", "0519-86321188", "沈立群", "13961207731", "quality@jingchi-motor.example.cn"),
    ("S102", "深圳汇驰电控技术有限公司", "汇驰电控", [C.CONTROLLER, C.ELECTRICAL], "广东省深圳市宝安区石岩街道科技园 3 栋",
     "黄志伟", "0755-27761520", "邱敏", "13823516642", "qa@huichi-ec.example.cn"),
    ("S103", "浙江恒远车桥制造有限公司", "恒远车桥", [C.REAR_AXLE, C.DIFFERENTIAL], "浙江省金华市婺城区工业园 66 号",
     "方国强", "0579-82219060", "叶晓芬", "13757918825", "zhiliang@hengyuan-axle.example.cn"),
    ("S104", "山东鲁重传动科技有限公司", "鲁重传动", [C.DIFFERENTIAL, C.REAR_AXLE], "山东省潍坊市高新区传动路 19 号",
     "王振东", "0536-8879021", "刘娜", "13953675518", "quality@luzhong-drive.example.cn"),
    ("S105", "安徽天锐车架有限公司", "天锐车架", [C.FRAME, C.BODY], "安徽省芜湖市鸠江区汽车零部件园 12 号",
     "陶海军", "0553-5962310", "许静", "13955301287", "qc@tianrui-frame.example.cn"),
    ("S106", "宁波安驰减震器有限公司", "安驰减震", [C.FRONT_SHOCK], "浙江省宁波市北仑区大港工业城 27 号",
     "林海波", "0574-86885126", "陈颖", "13586603394", "quality@anchi-shock.example.cn"),
    ("S107", "广东华轮轮毂科技有限公司", "华轮轮毂", [C.RIM], "广东省佛山市南海区狮山镇轮毂路 5 号",
     "梁锦辉", "0757-85563380", "何嘉欣", "13702819956", "qa@hualun-wheel.example.cn"),
    ("S108", "湖北鼎能动力电池有限公司", "鼎能电池", [C.BATTERY], "湖北省襄阳市高新区新能源大道 101 号",
     "周俊", "0710-3317726", "谭丽", "13872206613", "battery-qa@dingneng.example.cn"),
    ("S109", "上海瑞丰汽车电器有限公司", "瑞丰电器", [C.ELECTRICAL, C.CONTROLLER], "上海市嘉定区安亭镇墨玉路 228 号",
     "朱伟明", "021-69571833", "张倩", "13816627745", "quality@ruifeng-auto.example.cn"),
    ("S110", "重庆渝佳汽车饰件有限公司", "渝佳饰件", [C.BODY, C.ACCESSORY], "重庆市渝北区空港工业园 15 号",
     "杨勇", "023-67453309", "罗晓燕", "13983314520", "qc@yujia-trim.example.cn"),
    ("S111", "天津海润汽车用品有限公司", "海润用品", [C.CONSUMABLE, C.ACCESSORY], "天津市西青区经济开发区兴华道 9 号",
     "李春生", "022-23981176", "赵雪", "13602087719", "quality@hairun-auto.example.cn"),
    ("S112", "河北冀安汽配有限公司", "冀安汽配", [C.CONSUMABLE, C.BODY, C.OTHER], "河北省沧州市泊头市汽配城 3 区 21 号",
     "孟庆华", "0317-8213560", "高红梅", "13731771206", "qa@jian-parts.example.cn"),
]

# part number, name, category, unit, price, supplier code, is_key_part (None: by category),
# warranty months, warranty km
PARTS = [
    ("MT-2200-01", "驱动电机总成(22kW)", C.MOTOR, U.SET, "12800.00", "S101", None, 96, 150000),
    ("MT-2200-02", "电机转子组件", C.MOTOR, U.PIECE, "3650.00", "S101", None, None, None),
    ("MT-2200-03", "电机旋变传感器", C.MOTOR, U.PIECE, "420.00", "S101", None, None, None),
    ("MT-2200-04", "电机前轴承", C.MOTOR, U.PIECE, "86.00", "S101", None, None, None),
    ("MT-3000-01", "驱动电机总成(30kW)", C.MOTOR, U.SET, "15600.00", "S101", None, 96, 150000),
    ("MC-7200-01", "电机控制器总成", C.CONTROLLER, U.SET, "4980.00", "S102", None, 96, 150000),
    ("MC-7200-02", "IGBT功率模块", C.CONTROLLER, U.PIECE, "1260.00", "S102", None, None, None),
    ("MC-7200-03", "控制器驱动板", C.CONTROLLER, U.PIECE, "880.00", "S102", None, None, None),
    ("MC-7300-01", "整车控制器(VCU)", C.CONTROLLER, U.PIECE, "1680.00", "S109", None, None, None),
    ("RA-5100-01", "后桥总成", C.REAR_AXLE, U.SET, "6200.00", "S103", None, None, None),
    ("RA-5100-02", "后轮轴(左)", C.REAR_AXLE, U.PIECE, "520.00", "S103", None, None, None),
    ("RA-5100-03", "后轮轴(右)", C.REAR_AXLE, U.PIECE, "520.00", "S103", None, None, None),
    ("RA-5100-04", "后轮毂轴承单元", C.REAR_AXLE, U.PIECE, "268.00", "S104", None, None, None),
    ("RA-5100-05", "后桥壳", C.REAR_AXLE, U.PIECE, "1350.00", "S103", None, None, None),
    ("DF-5200-01", "差速器总成", C.DIFFERENTIAL, U.SET, "2860.00", "S104", None, None, None),
    ("DF-5200-02", "差速器行星齿轮", C.DIFFERENTIAL, U.PIECE, "186.00", "S104", None, None, None),
    ("DF-5200-03", "主减速器齿轮副", C.DIFFERENTIAL, U.SET, "1420.00", "S103", None, None, None),
    ("DF-5200-04", "差速器壳体", C.DIFFERENTIAL, U.PIECE, "640.00", "S104", None, None, None),
    ("FR-1100-01", "车架总成", C.FRAME, U.SET, "8800.00", "S105", None, None, None),
    ("FR-1100-02", "车架前纵梁(左)", C.FRAME, U.PIECE, "1150.00", "S105", None, None, None),
    ("FR-1100-03", "车架前纵梁(右)", C.FRAME, U.PIECE, "1150.00", "S105", None, None, None),
    ("FR-1100-04", "车架后横梁", C.FRAME, U.PIECE, "460.00", "S105", None, None, None),
    ("FS-2900-01", "前减震器总成(左)", C.FRONT_SHOCK, U.PIECE, "680.00", "S106", None, None, None),
    ("FS-2900-02", "前减震器总成(右)", C.FRONT_SHOCK, U.PIECE, "680.00", "S106", None, None, None),
    ("FS-2900-03", "前减震器顶胶", C.FRONT_SHOCK, U.PIECE, "95.00", "S106", None, None, None),
    ("FS-2900-04", "前减震弹簧", C.FRONT_SHOCK, U.PIECE, "150.00", "S106", None, None, None),
    ("RM-3100-01", "钢制焊接轮辋 14寸", C.RIM, U.PIECE, "380.00", "S107", None, None, None),
    ("RM-3100-02", "钢制焊接轮辋 15寸", C.RIM, U.PIECE, "420.00", "S107", None, None, None),
    ("RM-3100-03", "铝合金轮辋 15寸", C.RIM, U.PIECE, "880.00", "S107", None, None, None),
    ("RM-3100-04", "备胎轮辋", C.RIM, U.PIECE, "360.00", "S107", None, None, None),
    ("BT-8000-01", "动力电池包总成(60Ah)", C.BATTERY, U.SET, "32000.00", "S108", True, 96, 150000),
    ("BT-8000-02", "动力电池模组", C.BATTERY, U.PIECE, "4200.00", "S108", True, None, None),
    ("BT-8000-03", "电池管理系统(BMS)主板", C.BATTERY, U.PIECE, "2350.00", "S108", True, None, None),
    ("BT-8000-04", "电池包密封垫", C.BATTERY, U.PIECE, "180.00", "S108", None, None, None),
    ("BT-8000-05", "高压维修开关", C.BATTERY, U.PIECE, "320.00", "S108", None, None, None),
    ("BD-6100-01", "前保险杠总成", C.BODY, U.PIECE, "860.00", "S110", None, None, None),
    ("BD-6100-02", "左前翼子板", C.BODY, U.PIECE, "520.00", "S110", None, None, None),
    ("BD-6100-03", "前舱盖", C.BODY, U.PIECE, "1280.00", "S105", None, None, None),
    ("BD-6100-04", "左前门总成", C.BODY, U.PIECE, "2450.00", "S105", None, None, None),
    ("BD-6100-05", "左外后视镜总成", C.BODY, U.PIECE, "390.00", "S112", None, None, None),
    ("EL-3700-01", "左前大灯总成", C.ELECTRICAL, U.PIECE, "980.00", "S109", None, None, None),
    ("EL-3700-02", "组合仪表", C.ELECTRICAL, U.PIECE, "1360.00", "S109", None, None, None),
    ("EL-3700-03", "DC-DC转换器", C.ELECTRICAL, U.PIECE, "1580.00", "S102", None, None, None),
    ("EL-3700-04", "车载充电机(OBC)", C.ELECTRICAL, U.PIECE, "2680.00", "S102", None, None, None),
    ("EL-3700-05", "12V低压蓄电池", C.ELECTRICAL, U.PIECE, "460.00", "S109", None, 12, None),
    ("CS-9000-01", "制动液 DOT4", C.CONSUMABLE, U.LITRE, "45.00", "S111", None, None, None),
    ("CS-9000-02", "电机冷却液", C.CONSUMABLE, U.LITRE, "38.00", "S111", None, None, None),
    ("CS-9000-03", "减速器齿轮油 75W-90", C.CONSUMABLE, U.LITRE, "68.00", "S111", None, None, None),
    ("CS-9000-04", "空调滤芯", C.CONSUMABLE, U.PIECE, "58.00", "S112", None, None, None),
    ("CS-9000-05", "前制动片", C.CONSUMABLE, U.SET, "260.00", "S112", None, 3, 5000),
    ("CS-9000-06", "雨刮片", C.CONSUMABLE, U.SET, "88.00", "S112", None, 3, 5000),
    ("CS-9000-07", "线束波纹管", C.CONSUMABLE, U.METRE, "6.50", "S112", None, None, None),
    ("CS-9000-08", "锂基润滑脂", C.CONSUMABLE, U.KG, "42.00", "S111", None, None, None),
    ("AC-9500-01", "全包围脚垫", C.ACCESSORY, U.SET, "398.00", "S110", None, 12, None),
    ("AC-9500-02", "行车记录仪", C.ACCESSORY, U.PIECE, "599.00", "S111", None, 12, None),
    ("AC-9500-03", "车顶行李架", C.ACCESSORY, U.SET, "880.00", "S110", None, 12, None),
    ("AC-9500-04", "便携式充电枪", C.ACCESSORY, U.PIECE, "1280.00", "S111", None, 12, None),
    ("AC-9500-05", "车载香氛", C.ACCESSORY, U.PIECE, "128.00", "S111", None, None, None),
    ("AC-9500-06", "隐形车衣(TPU)", C.ACCESSORY, U.METRE, "260.00", "S110", None, 12, None),
    ("OT-0000-01", "随车工具包", C.OTHER, U.SET, "150.00", "S112", None, None, None),
    ("OT-0000-02", "三角警示牌", C.OTHER, U.PIECE, "45.00", "S112", None, None, None),
    ("OT-0000-03", "车载灭火器(1kg)", C.OTHER, U.PIECE, "65.00", None, None, None, None),
    ("OT-0000-04", "车辆铭牌", C.OTHER, U.PIECE, "12.00", None, None, None, None),
]


def _create(model, data: dict):
    obj = model(**data)
    obj.full_clean()
    obj.save()
    return obj


def seed_parts(*, scale: float = 1.0, stdout=None) -> None:
    """The catalogue is master data, the same at every scale."""
    existing = set(Supplier.objects.values_list("code", flat=True))
    for code, name, short, categories, address, contact, phone, qname, qphone, email in SUPPLIERS:
        if code in existing:
            continue
        _create(Supplier, _normalise_supplier({
            "code": code, "name": name, "short_name": short, "categories": [str(c) for c in categories],
            "address": address, "contact_person": contact, "contact_phone": phone, "quality_contact_name": qname,
            "quality_contact_phone": qphone, "quality_contact_email": email,
        }))
    suppliers = {s.code: s for s in Supplier.objects.all()}
    existing = set(Part.objects.values_list("part_number", flat=True))
    for number, name, category, unit, price, supplier, key, months, km in PARTS:
        if number in existing:
            continue
        _create(Part, _normalise_part({
            "part_number": number, "name": name, "category": category, "unit": unit, "price": Decimal(price),
            "supplier": suppliers.get(supplier) if supplier else None, "is_key_part": key,
            "warranty_months": months, "warranty_km": km,
        }, category=category))
    if stdout:
        stdout.write(f"  suppliers {Supplier.objects.count()}, parts {Part.objects.count()}")


register_seed_step(SeedStep(name="parts", order=20, run=seed_parts))
