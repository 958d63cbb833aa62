"""Running the examples written inside rulesets, and linting their coverage.

Each example runs through the generated Python AND the reference interpreter; both must give the
expected outcome (practice: one corpus, two back ends). The lint checks what a regulator most
often forgets: a rule without a fired / passed / undetermined example, and a numeric threshold with
no example exactly at it (where 以上 vs 超过 is decided).
"""

from __future__ import annotations

from dataclasses import dataclass

from .compile import STATUS_NAMES, CompiledRule, CompiledRuleset, counted_elements
from .expr import ast, interpret
from .expr.interpreter import _Interp
from .results import missing_facts


@dataclass(frozen=True, slots=True)
class ExampleResult:
    ruleset: str
    edition: str
    rule: str
    where: str
    name: str | None
    expected: str
    got: str
    reference: str
    missing_ok: bool
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.expected == self.got == self.reference and self.missing_ok


def reference_status(rs: CompiledRuleset, rule: CompiledRule, facts: dict) -> str:
    """The rule's outcome computed by the tree-walking interpreter (the oracle)."""
    tables = {n: t.values for n, t in rs.tables.items()}
    a = True if rule.applies is None else interpret(rule.applies, facts, tables)
    if a is False:
        return "not_applicable"
    if rule.is_count:
        lo = hi = 0
        for e in counted_elements(rule, rs.elements):
            ea = True if e.applies is None else interpret(e.applies, facts, tables)
            ew = interpret(e.when, facts, tables)
            v = False if ea is False else (ew if ea is True else (False if ew is False else None))
            lo += v is True
            hi += v is not False
        w = True if lo >= rule.at_least else (False if hi < rule.at_least else None)
    else:
        w = interpret(rule.when, facts, tables)
    if a is None:
        return "passed" if w is False else "undetermined"
    return {True: "fired", False: "passed", None: "undetermined"}[w]


def run_examples(rs: CompiledRuleset) -> list[ExampleResult]:
    out = []
    for rule in rs.rules:
        for ex in rule.examples:
            got = STATUS_NAMES[rs.evaluate_facts(ex.facts)[rule.index]]
            ref = reference_status(rs, rule, ex.facts)
            missing_ok, detail = _missing_reported(rule, ex, got, rs)
            out.append(ExampleResult(rs.id, rs.edition, rule.id, ex.where, ex.name, ex.expect, got, ref, missing_ok, detail))
    for element in rs.elements:
        for ex in element.examples:
            # an element alone: fired = present (counted), passed = absent
            tables = {n: t.values for n, t in rs.tables.items()}
            a = True if element.applies is None else interpret(element.applies, ex.facts, tables)
            w = interpret(element.when, ex.facts, tables)
            got = ("not_applicable" if a is False else {True: "fired", False: "passed", None: "undetermined"}[w]
                   if a is True else ("passed" if w is False else "undetermined"))
            missing_ok, detail = _missing_reported(element, ex, got, rs)
            out.append(ExampleResult(rs.id, rs.edition, element.id, ex.where, ex.name, ex.expect, got, got, missing_ok,
                                     detail))
    return out


def _missing_reported(rule, ex, got: str, rs: CompiledRuleset) -> tuple[bool, str]:
    """An undetermined example's ``missing:`` facts must all be reported by the engine (rules and elements alike)."""
    if ex.missing is None or got != "undetermined":
        return True, ""
    reported = missing_facts(rule, ex.facts, rs)
    absent = [m for m in ex.missing if m not in reported]
    return (False, f"missing {absent} not reported (engine reports {reported})") if absent else (True, "")


@dataclass(frozen=True, slots=True)
class LintWarning:
    where: str
    rule: str
    zh: str
    en: str


def lint(rs: CompiledRuleset) -> list[LintWarning]:
    warnings: list[LintWarning] = []
    tables = {n: t.values for n, t in rs.tables.items()}
    for rule in rs.rules + rs.elements:
        expects = {ex.expect for ex in rule.examples}
        if "fired" not in expects:
            warnings.append(LintWarning(rule.where, rule.id, "没有 fired 示例", "no fired example"))
        if not expects & {"passed", "not_applicable"}:
            warnings.append(LintWarning(rule.where, rule.id, "没有 passed 示例", "no passed example"))
        if "undetermined" not in expects:
            warnings.append(LintWarning(rule.where, rule.id, "没有缺少事实（undetermined）的示例", "no undetermined (missing fact) example"))
        for checked in (rule.applies, rule.when):
            if checked is None:
                continue
            for node in _thresholds(checked):
                sides = set()
                for ex in rule.examples:
                    sides |= _sides(checked, node, ex.facts, tables)
                sides |= _impossible_sides(checked, node)
                missing = [name for sign, name in ((0, "at"), (1, "over"), (-1, "under")) if sign not in sides]
                if missing:
                    text = checked.text.strip().replace("\n", " ")
                    zh = {"at": "恰好处于", "over": "略高于", "under": "略低于"}
                    warnings.append(LintWarning(
                        rule.where, rule.id, f"缺少{'、'.join(zh[m] for m in missing)}阈值的示例：{text}",
                        f"no example {', '.join(m + ' the threshold' for m in missing)} of: {text}"))
                    break
    return warnings


def _thresholds(checked) -> list[ast.Compare]:
    """Ordered comparisons between numbers (the places where 以上/超过 matter)."""
    out = []
    for node in ast.walk(checked.root):
        if isinstance(node, ast.Compare) and node.op in ("<", "<=", ">", ">="):
            if checked.type_of(node.left).kind == "number" and not checked.type_of(node.left).interval \
                    and not checked.type_of(node.right).interval:
                out.append(node)
    return out


def _impossible_sides(checked, node: ast.Compare) -> set[int]:
    """Sides no record can reach: below a field's declared minimum (e.g. ``len(x) > 0``), above its maximum,
    or, for ``lookup(table, key)``, every side none of the table's values lies on."""
    out = set()
    for quantity, bound, flip in ((node.left, node.right, 1), (node.right, node.left, -1)):
        if not isinstance(bound, ast.Num):
            continue
        if isinstance(quantity, ast.Call) and quantity.func == "lookup":
            table = checked.tables.get(quantity.args[0].name)
            if table is not None:
                reached = {0 if abs(v - bound.value) <= 1e-9 * max(1.0, abs(v)) else (1 if v > bound.value else -1)
                           for v in table.values.values()}
                out |= {side * flip for side in (-1, 0, 1) if side not in reached}
            continue
        lo = hi = None
        if isinstance(quantity, ast.Call) and quantity.func == "len":
            lo = 0
        elif isinstance(quantity, ast.Name) and id(quantity) in checked.refs:
            f = checked.refs[id(quantity)].field
            lo, hi = f.min, f.max
        if lo is not None and bound.value <= lo:
            out.add(-1 * flip)
        if hi is not None and bound.value >= hi:
            out.add(1 * flip)
    return out


def _sides(checked, node: ast.Compare, facts: dict, tables: dict) -> set[int]:
    """Where these facts put the two sides of ``node``: -1 under, 0 exactly at, +1 over (any list unit)."""
    interp = _Interp(checked, tables)
    out = set()
    for scopes in _scopes_for(checked, node, [facts]):
        try:
            a = interp.eval(node.left, scopes)
            b = interp.eval(node.right, scopes)
        except (IndexError, AttributeError, TypeError):
            continue
        if a is None or b is None:
            continue
        if abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)):
            out.add(0)
        else:
            out.add(1 if a > b else -1)
    return out


def _scopes_for(checked, node, base):
    """Scope stacks under which ``node`` is evaluated: one per unit of every enclosing list."""
    depth = max((checked.refs[id(n)].level for n in ast.walk(node) if id(n) in checked.refs), default=0)
    stacks = [base]
    for _ in range(depth):
        nxt = []
        for stack in stacks:
            for value in list(stack[-1].values()):
                if isinstance(value, list):
                    nxt.extend(stack + [item] for item in value if isinstance(item, dict))
        stacks = nxt
    return stacks
