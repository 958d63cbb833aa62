"""``hazardrules lint``: what a ruleset author most often gets wrong beyond validity, with proposals.

Checks, each a :class:`Finding` with a severity (``warning`` fails CI, ``info`` does not):

- ``boundary``: a comparison of a fact with a threshold (a number, or a threshold computed from other facts)
  has no example exactly at it, just over or just under it — and the missing examples are PROPOSED as YAML to
  paste, built from an existing example with only that fact changed, each with the outcome the rule gives
  (the author confirms or corrects it: the outcome is what the encoding says, not what the standard says);
- ``number_word``: a comparison with a number that declares no legal wording (以上/超过/不少于 …) where the
  ruleset declares number words at all (the declared ones are checked against the operator on load);
- ``unused_field``: a fact no condition reads (information-only text fields are ``info``);
- ``never_true``: a comparison no record can satisfy, given the field's declared range (the rule can never
  fire through it);
- ``duplicate_condition``: two rules with the same conditions;
- ``duplicate_example``: an example with the same facts and outcome as another of the same rule.

The step "just over/under" is 1 for integers; for numbers one unit of the last decimal the threshold is
written with, at least 0.1 (25 → 0.1, 1.5 → 0.1, 0.75 → 0.01).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from datetime import date

from .compile import CompiledRule, CompiledRuleset
from .examples import _impossible_sides, _scopes_for, _sides, _thresholds, reference_status
from .expr import ast
from .expr.interpreter import _Interp

SEVERITIES = ("warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str
    code: str
    ruleset: str
    edition: str
    where: str
    rule: str
    zh: str
    en: str
    proposal: str | None = None  # YAML the author can paste under the rule's examples

    def to_dict(self) -> dict:
        return asdict(self)


def lint_ruleset(rs: CompiledRuleset) -> list[Finding]:
    out: list[Finding] = []
    tables = {n: t.values for n, t in rs.tables.items()}
    words_declared = any(rule.words for rule in rs.rules + rs.elements)
    seen_conditions: dict[tuple, str] = {}
    for rule in rs.rules + rs.elements:
        for checked in (rule.applies, rule.when):
            if checked is None:
                continue
            for node in _thresholds(checked):
                out += _boundary(rs, rule, checked, node, tables)
                out += _never_true(rs, rule, checked, node)
            if words_declared and checked is rule.when:
                out += _undeclared_words(rs, rule, checked)
        key = (_text(rule.applies), _text(rule.when), rule.count_elements, rule.at_least)
        if rule.when is not None and key in seen_conditions:
            out.append(_finding(rs, rule, "warning", "duplicate_condition",
                                f"与规则 {seen_conditions[key]} 的条件完全相同", f"same conditions as rule {seen_conditions[key]}"))
        seen_conditions.setdefault(key, rule.id)
        out += _duplicate_examples(rs, rule)
    out += _unused_fields(rs)
    return out


def _finding(rs, rule: CompiledRule | None, severity: str, code: str, zh: str, en: str, where: str = "",
             proposal: str | None = None) -> Finding:
    return Finding(severity, code, rs.id, rs.edition, where or (rule.where if rule else rs.path), rule.id if rule else "",
                   zh, en, proposal)


def _text(checked) -> str:
    return " ".join(checked.text.split()) if checked is not None else ""


# --- boundary examples --------------------------------------------------------------------------------------

_SIDE_NAMES = {0: ("恰好处于阈值", "at the threshold"), 1: ("略高于阈值", "just over"), -1: ("略低于阈值", "just under")}


def _boundary(rs, rule, checked, node: ast.Compare, tables) -> list[Finding]:
    sides: set[int] = set()
    for ex in rule.examples:
        sides |= _sides(checked, node, ex.facts, tables)
    sides |= _impossible_sides(checked, node)
    missing = [s for s in (0, 1, -1) if s not in sides]
    if not missing:
        return []
    text = " ".join(checked.text.split())
    proposals = [p for p in (_propose(rs, rule, checked, node, tables, side) for side in missing) if p]
    zh = f"缺少{'、'.join(_SIDE_NAMES[s][0] for s in missing)}的示例：{text}"
    en = f"no example {', '.join(_SIDE_NAMES[s][1] for s in missing)} of: {text}"
    return [_finding(rs, rule, "warning", "boundary", zh, en, proposal="\n".join(proposals) or None)]


def _step(node: ast.Compare, field) -> float:
    if field is not None and field.type == "integer":
        return 1
    bound = node.right if isinstance(node.right, ast.Num) else None
    text = repr(float(bound.value)) if bound is not None else "0.0"
    decimals = 0 if text.endswith(".0") else len(text.split(".")[1])
    return 10 ** -max(1, decimals)


def _fmt(value) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _propose(rs, rule, checked, node: ast.Compare, tables, side: int) -> str | None:
    """An example with the compared fact set at / just over / just under the threshold, from an existing
    example of the rule (the first whose facts let the threshold be computed), with the outcome it gives."""
    quantity = node.left if isinstance(node.left, ast.Name) and id(node.left) in checked.refs else None
    if quantity is None:
        return None
    ref = checked.refs[id(quantity)]
    interp = _Interp(checked, tables)
    for ex in rule.examples:
        facts = copy.deepcopy(ex.facts)
        for scopes in _scopes_for(checked, node, [facts]):
            try:
                threshold = interp.eval(node.right, scopes)
            except (IndexError, AttributeError, TypeError, KeyError):
                continue
            if threshold is None or isinstance(threshold, (bool, date)):
                continue
            value = threshold + side * _step(node, ref.field)
            if ref.field.type == "integer":
                if value != int(value):
                    continue
                value = int(value)
            else:
                value = round(value, 10)
            if (ref.field.min is not None and value < ref.field.min) or (ref.field.max is not None and value > ref.field.max):
                continue
            scopes[ref.level][quantity.name] = value
            outcome = reference_status(rs, rule, facts)
            return _example_yaml(f"{quantity.name} {_fmt(value)} ({_SIDE_NAMES[side][1]})", facts, outcome)
    return None


def _example_yaml(name: str, facts: dict, expect: str) -> str:
    import yaml

    body = yaml.safe_dump({"name": name, "facts": _plain(facts), "expect": expect}, allow_unicode=True,
                          default_flow_style=True, sort_keys=False, width=1 << 20).strip()
    return f"- {body}"


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- number words, ranges, duplicates, unused fields ---------------------------------------------------------


def _undeclared_words(rs, rule, checked) -> list[Finding]:
    declared = {w.field for w in rule.words}
    out = []
    for node in _thresholds(checked):
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(side, ast.Name) and id(side) in checked.refs and side.name not in declared \
                    and isinstance(other, ast.Num):
                out.append(_finding(rs, rule, "info", "number_word",
                                    f"与 {side.name} 的数值比较没有声明条文用语（以上、超过、不少于…）",
                                    f"the comparison of {side.name} with a number declares no legal wording (以上, 超过 …)"))
    return out


_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _never_true(rs, rule, checked, node: ast.Compare) -> list[Finding]:
    """``x > c`` with c at or above x's maximum, ``x < c`` with c at or below its minimum (and mirrored)."""
    for quantity, bound, op in ((node.left, node.right, node.op), (node.right, node.left, _MIRROR[node.op])):
        if not (isinstance(quantity, ast.Name) and id(quantity) in checked.refs and isinstance(bound, ast.Num)):
            continue
        f = checked.refs[id(quantity)].field
        c = bound.value
        impossible = ((op == ">" and f.max is not None and c >= f.max) or (op == ">=" and f.max is not None and c > f.max)
                      or (op == "<" and f.min is not None and c <= f.min) or (op == "<=" and f.min is not None and c < f.min))
        if impossible:
            rng = f"{f.min if f.min is not None else '…'}–{f.max if f.max is not None else '…'}"
            return [_finding(rs, rule, "warning", "never_true",
                             f"{quantity.name} {op} {c:g} 永远不成立：该字段的取值范围为 {rng}",
                             f"{quantity.name} {op} {c:g} can never hold: the field's range is {rng}")]
    return []


def _duplicate_examples(rs, rule) -> list[Finding]:
    import orjson

    seen: dict[bytes, str] = {}
    out = []
    for ex in rule.examples:
        key = orjson.dumps([_plain(ex.facts), ex.expect, ex.date.isoformat() if ex.date else None],
                           option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
        label = ex.name or ex.where
        if key in seen:
            out.append(_finding(rs, rule, "warning", "duplicate_example",
                                f"示例 “{label}” 与 “{seen[key]}” 的事实和结果完全相同，未测试新情形",
                                f"example '{label}' has the same facts and outcome as '{seen[key]}'", where=ex.where))
        else:
            seen[key] = label
    return out


def _unused_fields(rs) -> list[Finding]:
    read: set[str] = set()
    for rule in rs.rules + rs.elements:
        for checked in (rule.applies, rule.when):
            if checked is not None:
                read.update(ref.field.name for ref in checked.refs.values())
    out = []
    for f in rs.fields:
        if f.name in read or f.name == "inspection_date":
            continue
        severity = "info" if f.type == "string" else "warning"
        out.append(_finding(rs, None, severity, "unused_field",
                            f"没有任何条件读取字段 {f.name}（{f.label}）" + ("：仅作记录信息" if severity == "info" else ""),
                            f"no condition reads the field {f.name} ({f.label_en or f.label})"
                            + (": information only" if severity == "info" else ""), where=f.where))
    for f in rs.fields:  # sub-fields of lists of units
        if f.type != "list" or f.item is None or f.name not in read:
            continue
        for sub in f.item:
            if sub.name in read or sub.name == f.key:
                continue
            descriptive = sub.type in ("string", "enum")  # what kind of unit it is: shown, not judged
            out.append(_finding(rs, None, "info" if descriptive else "warning", "unused_field",
                                f"没有任何条件读取 {f.name} 的字段 {sub.name}（{sub.label}）" + ("：仅作记录信息" if descriptive else ""),
                                f"no condition reads {f.name}.{sub.name} ({sub.label_en or sub.label})"
                                + (": information only" if descriptive else ""), where=sub.where))
    return out
