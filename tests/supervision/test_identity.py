"""统一社会信用代码 (GB 32100) and 行政区划代码 checks."""

import pytest

from hazardrules.errors import HazardRulesError
from hazardrules.supervision.identity import credit_check_char, parse_region, validate_credit_code

# Published examples of valid codes (their check characters verify by GB 32100).
VALID = ["91350100M000100Y43", "91110000600037341L"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass_and_normalise(code):
    assert validate_credit_code(" " + code.lower() + " ") == code


@pytest.mark.parametrize("code", VALID)
def test_every_wrong_check_character_is_rejected(code):
    """GIVEN a valid code WHEN its last character is replaced by any other THEN it is refused."""
    from hazardrules.supervision.identity import ALPHABET

    for ch in ALPHABET:
        if ch != code[-1]:
            with pytest.raises(HazardRulesError) as exc:
                validate_credit_code(code[:-1] + ch)
            assert exc.value.code == "identity_error"
            assert f"应为 '{code[-1]}'" in str(exc.value)


@pytest.mark.parametrize("bad, says", [
    ("9135010", "18"),
    ("91350100M000100Y4I3", "18"),
    ("91350100M000100YI3", "不允许的字符"),  # I is not in the GB 32100 alphabet
    ("91350100M000100Y4O", "不允许的字符"),
])
def test_malformed_codes(bad, says):
    with pytest.raises(HazardRulesError, match=says):
        validate_credit_code(bad, "record 1.enterprise.credit_code")


def test_check_char_is_computed_not_looked_up():
    assert credit_check_char("91350100M000100Y4") == "3"
    assert credit_check_char("91110000600037341") == "L"


def test_region_resolves_inner_mongolia_authorities():
    r = parse_region("152201")
    assert (r.province, r.city, r.county) == ("内蒙古自治区", "兴安盟", "乌兰浩特市")
    assert (r.province_code, r.city_code, r.county_code) == ("150000", "152200", "152201")
    city = parse_region("150600")
    assert city.county_code is None and city.city == "鄂尔多斯市"


def test_region_elsewhere_is_structural():
    r = parse_region("110105")
    assert r.province == "北京市" and r.city_code == "110100" and r.county is None


@pytest.mark.parametrize("bad, says", [
    ("15060", "6位数字"), ("15060a", "6位数字"), ("990101", "省级代码 99"),
    ("159900", "没有地级代码"), ("150699", "没有县级代码"), ("150012", "地级代码为00"),
])
def test_malformed_region_codes(bad, says):
    with pytest.raises(HazardRulesError, match=says):
        parse_region(bad)
