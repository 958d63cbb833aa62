"""Inspection records: check the envelope and every fact against the ruleset's declared fields.

A record is ``{ruleset, edition?, record_id?, inspection_date, enterprise?, facts}``. Facts are
normalised (enum labels -> ids, ISO dates -> ``date``) so the compiled ruleset sees clean values;
``null`` means not recorded. Every problem names the record and the field and says what is accepted.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from datetime import date, datetime, time
from typing import Any

from .errors import Diagnostic, RecordError, diag, shown
from .expr.fields import Field, FieldTable
from .limits import MAX_MAGNITUDE
from .loader import DigitText

ENVELOPE_KEYS = ("ruleset", "edition", "record_id", "inspection_date", "found_by", "enterprise", "supervision", "inspectors",
                 "facts")
FOUND_BY = {"self_check": "企业自查", "county": "县级检查", "city": "市级检查", "province": "省级检查",
            "national": "国家级检查", "report": "举报"}


_SCALARS = (str, int, float, bool)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: Any) -> date | None:
    """A date from a ``date`` or a ``YYYY-MM-DD`` string, else None.

    Only that form: Python 3.11's ``fromisoformat`` also takes ``20260814`` and ``2026-W33-5``,
    which the messages (and the columnar back end) do not accept. A midnight timestamp (a Parquet
    timestamp column) is its date; any other time of day is not a date.
    """
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) and value.tzinfo is None else None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _date_from_text(value)
    return None


@functools.lru_cache(maxsize=4096)
def _date_from_text(value: str) -> date | None:
    """Memoised: a batch repeats the same few inspection dates on every row."""
    text = value.strip()
    if len(text) != 10 or not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


_PLAIN_ENVELOPE = frozenset(("ruleset", "edition", "record_id", "inspection_date", "facts"))


def _plain_envelope_ok(record: dict) -> bool:
    """True when the full checks of :func:`check_envelope` would find nothing (a fast path; False = check fully)."""
    ruleset, facts, record_id = record.get("ruleset"), record.get("facts"), record.get("record_id")
    if type(ruleset) is not str or not ruleset or not (facts is None or type(facts) is dict):
        return False
    if record_id is not None and not (type(record_id) is str and "\x00" not in record_id):
        return False
    return "inspection_date" not in record or (type(record["inspection_date"]) is str
                                               and _date_from_text(record["inspection_date"]) is not None)


def check_envelope(record: Any, where: str) -> dict:
    """The record's envelope, checked: a mapping with known keys and a ruleset id."""
    if type(record) is dict and record.keys() <= _PLAIN_ENVELOPE and _plain_envelope_ok(record):
        return record  # the common plain envelope, accepted by exactly the checks below
    if not isinstance(record, dict):
        raise RecordError(diag("record_not_mapping", where, "记录应为映射（键: 值），例如 {ruleset: coal-mine, facts: {...}}",
                               "a record must be a mapping, e.g. {ruleset: coal-mine, facts: {...}}"))
    problems = []
    for key in record:
        if key not in ENVELOPE_KEYS:
            near = difflib.get_close_matches(str(key), ENVELOPE_KEYS, n=1)
            hint = f"（是否指 “{near[0]}”？）" if near else ""
            hint_en = f" (did you mean '{near[0]}'?)" if near else ""
            problems.append(diag("unknown_key", f"{where} {key}", f"未知的记录项 “{key}”{hint}；可用：{'、'.join(ENVELOPE_KEYS)}"
                                 f"（事实请写在 facts: 下）",
                                 f"unknown record key '{key}'{hint_en}; allowed: {', '.join(ENVELOPE_KEYS)} (facts go under facts:)"))
    if not isinstance(record.get("ruleset"), str) or not record.get("ruleset"):
        problems.append(diag("missing_ruleset", f"{where} ruleset", "记录缺少 ruleset（例如 ruleset: coal-mine）",
                             "the record has no ruleset (e.g. ruleset: coal-mine)"))
    facts = record.get("facts", {})
    if facts is None:
        facts = {}
    if not isinstance(facts, dict):
        problems.append(diag("facts_not_mapping", f"{where} facts", "facts 应为映射（字段: 值）", "facts must be a mapping (field: value)"))
    enterprise = record.get("enterprise")
    if enterprise is not None and not isinstance(enterprise, dict):
        problems.append(diag("bad_enterprise", f"{where} enterprise", "enterprise 应为映射", "enterprise must be a mapping"))
    elif enterprise:
        for key, value in enterprise.items():
            if value is not None and not isinstance(value, _SCALARS):  # names, codes, sizes: never nested (nor unprintable)
                problems.append(diag("bad_enterprise", f"{where} enterprise.{key}", "enterprise 的每一项应为文字、数值或 true/false",
                                     "each enterprise entry must be text, a number or true/false"))
    inspectors = record.get("inspectors")
    if inspectors is not None and not (isinstance(inspectors, str) or (
            isinstance(inspectors, list) and all(isinstance(p, str) for p in inspectors))):
        problems.append(diag("bad_inspectors", f"{where} inspectors", "inspectors 应为检查人员姓名列表，例如 [张三, 李四]",
                             "inspectors must be a list of names, e.g. [Zhang San, Li Si]"))
    texts = [("record_id", record.get("record_id"))] + [(f"enterprise.{k}", v) for k, v in (
        enterprise.items() if isinstance(enterprise, dict) else ())]
    for name, value in texts:
        if isinstance(value, str) and "\x00" in value:  # no database column can hold it (PostgreSQL refuses)
            problems.append(diag("bad_text", f"{where} {name}", f"{name} 含有 NUL 字符（\\x00）", f"{name} holds a NUL character (\\x00)"))
    record_id = record.get("record_id")
    if record_id is not None and (isinstance(record_id, bool) or not isinstance(record_id, (str, int, float))):
        problems.append(diag("bad_record_id", f"{where} record_id", f"record_id 应为文字或数值，实际为 {shown(record_id)}",
                             f"record_id must be text or a number, got {shown(record_id)}"))
    supervision = record.get("supervision")
    if supervision is not None and not isinstance(supervision, dict):
        problems.append(diag("bad_supervision", f"{where} supervision", "supervision 应为映射（监管策略声明的事实: 值）",
                             "supervision must be a mapping (facts the supervision policy declares: value)"))
    found_by = record.get("found_by")
    if found_by is not None and (not isinstance(found_by, str) or found_by not in FOUND_BY):
        allowed = "、".join(f"{k}（{v}）" for k, v in FOUND_BY.items())
        problems.append(diag("bad_found_by", f"{where} found_by", f"found_by 无效：{shown(found_by)}；可选：{allowed}",
                             f"invalid found_by {shown(found_by)}; allowed: {', '.join(FOUND_BY)}"))
    if "inspection_date" in record and parse_date(record["inspection_date"]) is None:
        problems.append(diag("bad_date", f"{where} inspection_date",
                             f"检查日期无效：{shown(record['inspection_date'])}（应为 YYYY-MM-DD）",
                             f"invalid inspection_date {shown(record['inspection_date'])} (expected YYYY-MM-DD)"))
    if problems:
        raise RecordError(problems)
    return record


def normalize_facts(facts: dict, fields: FieldTable, where: str, *, coerce: bool = False) -> dict:
    """Checked, normalised copy of ``facts``; raise :class:`RecordError` listing every bad field.

    ``coerce`` accepts text for numbers/bools/dates (CSV input); JSON/YAML records must be typed.
    Well-formed records take a fast path (one small checker per field); any doubt falls back to the
    full path, which explains every problem.
    """
    if not coerce:
        fast = _fast_table(facts, _checkers(fields))
        if fast is not _BAD:
            return fast
    problems: list[Diagnostic] = []
    out = _table(facts, fields, where, "", problems, coerce)
    if problems:
        raise RecordError(problems)
    return out


def _table(facts: dict, fields: FieldTable, where: str, prefix: str, problems: list, coerce: bool) -> dict:
    out = {}
    for name, value in facts.items():
        path = f"{prefix}{name}"
        f = fields.get(name) if isinstance(name, str) else None
        if f is None:
            near = _near(str(name), fields)
            hint = f"（是否指 “{near[0]}”？）" if near else ""
            hint_en = f" (did you mean '{near[0]}'?)" if near else ""
            problems.append(diag("unknown_field", f"{where} {path}", f"未声明的字段 “{name}”{hint}",
                                 f"undeclared field '{name}'{hint_en}"))
            continue
        if value is None:
            continue  # not recorded = unknown
        converted = _value(value, f, where, path, problems, coerce)
        if converted is not None:
            out[name] = converted
    return out


@functools.lru_cache(maxsize=4096)
def _near_cached(name: str, names: tuple) -> tuple:
    return tuple(difflib.get_close_matches(name, names, n=1))


def _near(name: str, fields: FieldTable) -> tuple:
    """"Did you mean" for an unknown field, memoised: a batch with a foreign column asks it on every row."""
    return _near_cached(name, tuple(fields.names()))


def _bad(problems, where, path, f: Field, value, zh_expect: str, en_expect: str) -> None:
    problems.append(diag("bad_value", f"{where} {path}",
                         f"{f.label}（{f.name}）应为{zh_expect}，实际为 {shown(value)}",
                         f"{f.label_en or f.name} ({f.name}) must be {en_expect}, got {shown(value)}"))


# How a yes/no fact may be written as text: CSV cells (any of these), and Chinese words in JSON/YAML too.
BOOL_TEXT = {"true": True, "false": False, "是": True, "否": False, "有": True, "无": False, "1": True, "0": False}
BOOL_WORDS = {"是": True, "否": False, "有": True, "无": False}  # unambiguous in typed records as well


def _value(value, f: Field, where: str, path: str, problems: list, coerce: bool):
    t = f.type
    if isinstance(value, DigitText):  # ``025`` typed in YAML: the number it shows, or the text it is
        value = int(value) if t in ("number", "integer") else str(value)
    if t in ("number", "integer"):
        if coerce and isinstance(value, str):
            try:
                value = float(value) if any(c in value for c in ".eE") else int(value)
            except ValueError:
                pass
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
            _bad(problems, where, path, f, value, "数值" + (f"（单位 {f.unit}）" if f.unit else ""), "a number")
            return None
        if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:  # beyond any real quantity; would overflow sums
            _bad(problems, where, path, f, value, f"绝对值不超过 {MAX_MAGNITUDE:.0e} 的数值", f"a number of magnitude at most {MAX_MAGNITUDE:.0e}")
            return None
        if t == "integer" and not float(value).is_integer():
            _bad(problems, where, path, f, value, "整数", "a whole number")
            return None
        if (f.min is not None and value < f.min) or (f.max is not None and value > f.max):
            lo = "-∞" if f.min is None else f"{f.min:g}"
            hi = "+∞" if f.max is None else f"{f.max:g}"
            unit = f" {f.unit}" if f.unit else ""
            _bad(problems, where, path, f, value, f"{lo}～{hi}{unit} 之间的数值", f"a number from {lo} to {hi}{unit}")
            return None
        return int(value) if t == "integer" else value
    if t == "bool":
        if isinstance(value, str):
            value = (BOOL_TEXT if coerce else BOOL_WORDS).get(value.strip().lower(), value)
        if not isinstance(value, bool):
            _bad(problems, where, path, f, value, " true 或 false（也可写 是/否、有/无）", "true or false (or 是/否, 有/无)")
            return None
        return value
    if t == "enum":
        values = f.values or {}
        key = str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        if isinstance(key, str):
            found = f.spellings().get(key)
            if found is not None:
                return found
        allowed = "、".join(f"{v}（{label}）" for v, label in values.items())
        _bad(problems, where, path, f, value, f"以下之一：{allowed}", f"one of: {', '.join(values)}")
        return None
    if t == "date":
        d = parse_date(value)
        if d is None:
            _bad(problems, where, path, f, value, "日期 YYYY-MM-DD", "a date YYYY-MM-DD")
        return d
    if t == "string":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            _bad(problems, where, path, f, value, "文字", "text")
            return None
        return value
    if t == "list":
        return _list(value, f, where, path, problems, coerce)
    raise AssertionError(t)


def _list(value, f: Field, where: str, path: str, problems: list, coerce: bool):
    if not isinstance(value, list):
        _bad(problems, where, path, f, value, "列表（每个单元一项）", "a list (one entry per unit)")
        return None
    items, seen, blank = [], set(), 0
    for i, item in enumerate(value):
        item_path = f"{path}[{i}]"
        if not isinstance(item, dict):
            _bad(problems, where, item_path, f, item, "映射（字段: 值）", "a mapping (field: value)")
            continue
        if all(v is None for v in item.values()):
            blank += 1  # an unfilled block left from the blank checklist
            continue
        unit_id = item.get(f.key)
        if unit_id is None or unit_id == "":
            problems.append(diag("unit_without_id", f"{where} {item_path}", f"{f.label}第 {i + 1} 项缺少编号 “{f.key}”",
                                 f"{f.label_en or f.name} entry {i + 1} has no id '{f.key}'"))
        elif str(unit_id) in seen:
            problems.append(diag("duplicate_unit", f"{where} {item_path}.{f.key}", f"{f.label}编号 “{unit_id}” 重复",
                                 f"duplicate {f.label_en or f.name} id '{unit_id}'"))
        else:
            seen.add(str(unit_id))
        items.append(_table(item, f.item, where, f"{item_path}.", problems, coerce))
    if blank and not items:
        return None  # only unfilled blocks: the list was not recorded (unknown), not an empty list
    return items


# -- fast path -------------------------------------------------------------------------------------
# Dispatch on the value's type first, then one set/dict lookup: no call and no tuple unpacking per
# fact, and the facts are copied once in C. Anything unusual (None, text needing coercion, a bad
# value) returns _BAD and the full path above explains it.
_BAD = object()
_MAXF = MAX_MAGNITUDE  # bounds are clamped to the sane range, so inf, nan and overflow-prone values never pass
_PLANS: dict[int, tuple] = {}  # id(FieldTable) -> plan; the plan keeps its table so the id stays unique


def _checkers(fields: FieldTable) -> tuple:
    plan = _PLANS.get(id(fields))
    if plan is not None and plan[-1] is fields:
        return plan
    nums, bools, enums, strs, dates, lists = {}, set(), {}, set(), set(), {}
    for f in fields:
        lo = -_MAXF if f.min is None else max(f.min, -_MAXF)
        hi = _MAXF if f.max is None else min(f.max, _MAXF)
        if f.type in ("number", "integer"):
            nums[f.name] = (lo, hi, f.type == "integer")
        elif f.type == "bool":
            bools.add(f.name)
        elif f.type == "enum":
            enums[f.name] = frozenset(f.values or ())
        elif f.type == "string":
            strs.add(f.name)
        elif f.type == "date":
            dates.add(f.name)
        else:
            lists[f.name] = (_checkers(f.item), f.key)
    plan = _PLANS[id(fields)] = (nums, frozenset(bools), enums, frozenset(strs), frozenset(dates), lists, fields)
    return plan


def _fast_table(facts, plan):
    if type(facts) is not dict:
        return _BAD
    nums, bools, enums, strs, dates, lists, _ = plan
    out = None  # copied only when a value is converted (dates, lists)
    for name, v in facts.items():
        tv = type(v)
        if tv is float or tv is int:
            bounds = nums.get(name)
            if bounds is None or not bounds[0] <= v <= bounds[1] or (bounds[2] and tv is float):
                return _BAD
        elif tv is bool:
            if name not in bools:
                return _BAD
        elif tv is str:
            allowed = enums.get(name)
            if allowed is not None:
                if v not in allowed:
                    return _BAD
            elif name not in strs:
                if name not in dates:
                    return _BAD
                day = parse_date(v) if len(v) == 10 else None  # YYYY-MM-DD only, as the full path
                if day is None:
                    return _BAD
                if out is None:
                    out = dict(facts)
                out[name] = day
        elif tv is list:
            spec = lists.get(name)
            if spec is None:
                return _BAD
            items = _fast_list(v, *spec)
            if items is _BAD:
                return _BAD
            if out is None:
                out = dict(facts)
            out[name] = items
        elif tv is date:  # exactly date: a datetime takes the full path
            if name not in dates:
                return _BAD
        else:
            return _BAD
    return dict(facts) if out is None else out


def _fast_list(value, sub, key):
    out, seen = [], set()
    for item in value:
        if type(item) is not dict:
            return _BAD
        unit = item.get(key)
        if type(unit) is not str or not unit or unit in seen:
            return _BAD
        seen.add(unit)
        converted = _fast_table(item, sub)
        if converted is _BAD:
            return _BAD
        out.append(converted)
    return out
