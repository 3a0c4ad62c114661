"""Display masks for personal data: addresses here, phones and ID numbers beside their parsers.

``mask_phone`` and ``mask_resident_id`` live with the parsing they rely on and are re-exported so
callers that only mask have one module to import from.
"""

from __future__ import annotations

import re

from .common import MASK as _MASK
from .phones import mask_phone
from .resident_id import mask_resident_id

__all__ = ["mask_address", "mask_name", "mask_phone", "mask_resident_id"]

# One administrative segment: a name (no digits, street-level or level words) + its level word.
# Longer level words come first so 自治区 is a province, not a district ending in 区.
_ADMIN_SEGMENT = re.compile(
    r"[^\d\s省市区县旗盟路街道号巷弄村镇乡组栋楼室]{1,8}?"
    r"(特别行政区|自治区|自治州|自治县|自治旗|省|市|地区|盟|区|县|旗)"
)
_PROVINCE_LEVEL = {"省", "自治区", "特别行政区"}
_CITY_LEVEL = {"市", "自治州", "地区", "盟"}


def mask_address(text: str) -> str:
    """Keep the address down to district/county level, mask the rest with '****'.

    Walks the leading administrative segments (省/自治区 → 市/自治州/地区/盟 → 区/县/旗 or a
    county-level 市) so '北京市朝阳区…' keeps '北京市朝阳区' and '江苏省苏州市昆山市…' keeps
    '江苏省苏州市昆山市'.  Without recognisable segments, keep at most 6 characters and never
    more than half the text, so a bare street address is not shown in full.
    """
    text = (text or "").strip()
    if not text:
        return ""
    end, seen_city = 0, False
    for _level in range(4):
        m = _ADMIN_SEGMENT.match(text, end)
        if m is None:
            break
        end, level = m.end(), m.group(1)
        if level in _PROVINCE_LEVEL:
            continue
        if level in _CITY_LEVEL and not (level == "市" and seen_city):
            seen_city = True
            continue
        break  # district / county level reached
    if end == 0:
        end = min(6, len(text) // 2)
    return text[:end] + _MASK if end < len(text) else text


def mask_name(name: str) -> str:
    """张伟 → 张*, 欧阳娜娜 → 欧***; Latin names keep their first letter.  For a person outside the
    user's scope (an out-of-scope lookup hit, the owner of a car who moved to another dealer)."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""
