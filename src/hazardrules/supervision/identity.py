"""Enterprise identity: 统一社会信用代码 (GB 32100-2015) and 行政区划代码 (GB/T 2260).

A credit code has 18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S,
V): 登记管理部门代码 (1), 机构类别代码 (1), 登记管理机关行政区划码 (6), 主体标识码 (组织机构代码, 9) and a
check character. The check character is ``31 - (Σ value(cᵢ)·wᵢ mod 31)`` with weights ``3^i mod 31``
(value 31 becomes 0). A region code has 6 digits: 2 province, 2 city, 2 county; it names the
province, city and county authorities a case is routed to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import regions
from ..errors import shown
from .errors import IdentityError, error

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_REGION = re.compile(r"^[0-9]{6}$")


def credit_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(code: str, where: str = "") -> str:
    """Return the normalised code (upper case, stripped) or raise :class:`IdentityError`."""
    if not isinstance(code, str):
        raise error(IdentityError, where, f"统一社会信用代码应为18位字符串，实际为 {shown(code)}",
                    f"credit code must be an 18-character string, got {shown(code)}")
    text = code.strip().upper()
    if len(text) != 18:
        raise error(IdentityError, where, f"统一社会信用代码 {shown(code)} 应为18位，实际 {len(text)} 位",
                    f"credit code {shown(code)} must have 18 characters, has {len(text)}")
    bad = [ch for ch in text if ch not in _VALUE]
    if bad:
        raise error(IdentityError, where,
                    f"统一社会信用代码 {shown(code)} 含不允许的字符 {''.join(bad)!r}（只允许数字和除 I、O、Z、S、V 外的大写字母）",
                    f"credit code {shown(code)} has characters {''.join(bad)!r} outside the GB 32100 alphabet "
                    "(digits and capitals except I, O, Z, S, V)")
    expected = credit_check_char(text[:17])
    if text[17] != expected:
        raise error(IdentityError, where,
                    f"统一社会信用代码 {shown(code)} 校验码错误：第18位应为 {expected!r}，实际为 {text[17]!r}",
                    f"credit code {shown(code)} fails the GB 32100 check: 18th character should be "
                    f"{expected!r}, is {text[17]!r}")
    return text


@dataclass(frozen=True, slots=True)
class Region:
    """A 6-digit region code resolved to its province / city / county authorities."""

    code: str
    province_code: str
    province: str
    city_code: str | None  # None for a province-level code
    city: str | None       # None when the city is not in our tables
    county_code: str | None
    county: str | None

    def to_dict(self) -> dict:
        return {"code": self.code, "province_code": self.province_code, "province": self.province,
                "city_code": self.city_code, "city": self.city,
                "county_code": self.county_code, "county": self.county}


def parse_region(code: str, where: str = "") -> Region:
    """Resolve a 行政区划代码 or raise :class:`IdentityError` saying what is accepted."""
    text = str(code).strip() if code is not None else ""
    if not _REGION.match(text):
        raise error(IdentityError, where, f"行政区划代码 {shown(code)} 应为6位数字（如 150602）",
                    f"region code {shown(code)} must be 6 digits (e.g. 150602)")
    prov = text[:2]
    if prov not in regions.PROVINCES:
        raise error(IdentityError, where, f"行政区划代码 {text} 的省级代码 {prov} 不存在",
                    f"region code {text}: province code {prov} does not exist "
                    f"(accepted: {', '.join(sorted(regions.PROVINCES))})")
    city_part, county_part = text[2:4], text[4:6]
    if city_part == "00" and county_part != "00":
        raise error(IdentityError, where, f"行政区划代码 {text}：地级代码为00时县级代码也应为00",
                    f"region code {text}: a county part needs a city part (city part is 00)")
    city_code = None if city_part == "00" else text[:4] + "00"
    county_code = None if county_part == "00" else text
    city = county = None
    if city_code:
        city = regions.CITIES.get(text[:4])
        if city is None and prov in regions.COMPLETE_PROVINCES:
            raise error(IdentityError, where, f"行政区划代码 {text}：{regions.PROVINCES[prov]}没有地级代码 {text[:4]}",
                        f"region code {text}: no city {text[:4]} in {regions.PROVINCES[prov]}")
    if county_code:
        county = regions.COUNTIES.get(text)
        if county is None and prov in regions.COMPLETE_PROVINCES:
            raise error(IdentityError, where, f"行政区划代码 {text}：{city}没有县级代码 {text}",
                        f"region code {text}: no county {text} in {city}")
    return Region(text, prov + "0000", regions.PROVINCES[prov], city_code, city, county_code, county)
