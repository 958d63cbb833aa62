"""Explanations of fired rules: the values that made a condition true, in the inspector's words.

Runs the reference interpreter over the rule's tree (only for fired rules, only when a result is
rendered, so evaluation itself pays nothing) and renders each deciding comparison with Chinese
labels, units and computed thresholds, e.g. ``全年原煤产量 1330000 t ≥ 核定生产能力 1200000 t × 1.1 = 1320000 t``.
"""

from __future__ import annotations

from datetime import date

from .expr import ast
from .expr.checker import Checked
from .expr.interpreter import _Interp

_SYM = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
_ARITH = {"+": "+", "-": "−", "*": "×", "/": "÷"}


GROUP_FROM = 10_000  # 1,330,000 t; numbers below this (years, small counts) stay as written


def fmt_number(v) -> str:
    """A number as an inspector reads it: thousands separators from 10,000, no binary noise."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, float):
        text = f"{v:.6g}"
        if "e" in text or abs(v) < GROUP_FROM:
            return text
        whole, _, frac = text.partition(".")
        return f"{int(whole):,}" + (f".{frac}" if frac else "")
    return f"{v:,}" if isinstance(v, int) and abs(v) >= GROUP_FROM else str(v)


def json_value(v):
    """A fact value as it appears in JSON output."""
    if isinstance(v, date):
        return v.isoformat()
    return v


class Explainer:
    """Renders why a checked condition holds for some facts."""

    def __init__(self, checked: Checked, tables: dict, lang: str = "zh"):
        self.c = checked
        self.interp = _Interp(checked, {n: t.values for n, t in tables.items()})
        self.tables = tables
        self.lang = lang
        self.units: list[str] = []
        self.evidence: dict[str, object] = {}

    def explain(self, facts: dict) -> str:
        return self.render(self.c.root, [facts], "")

    # -- rendering -------------------------------------------------------------------------------
    def value(self, node, scopes):
        return self.interp.eval(node, scopes)

    def render(self, node: ast.Node, scopes, prefix: str) -> str:
        if isinstance(node, ast.Logic):
            # a true "and": every operand holds; a true "or": only the operands that hold are the reason
            if node.op == "and":
                return self._conjunction(node, scopes, prefix)
            parts = [self.render(op, scopes, prefix) for op in node.operands
                     if node.op == "and" or self.value(op, scopes) is True]
            if node.op == "and":
                joiner = "，且" if self.lang == "zh" else "; and "
            else:
                joiner = "；" if self.lang == "zh" else "; "
            return joiner.join(p for p in parts if p)
        if isinstance(node, ast.Unary) and node.op == "not":
            if self._negated_flag(node):  # "not excluded" reads "已停用：否", never "并非：已停用"
                return self._flags_absent([node], scopes, prefix)
            inner = self.render(node.operand, scopes, prefix)
            return (f"并非：{inner}" if self.lang == "zh" else f"not: {inner}")
        if isinstance(node, ast.Compare):
            return self.compare(node, scopes, prefix)
        if isinstance(node, ast.In):
            return f"{self.operand(node.operand, scopes, prefix)}" + (
                " 不在所列范围" if node.negated and self.lang == "zh" else "")
        if isinstance(node, ast.Name):
            return self.name(node, scopes, prefix, show_value=False)
        if isinstance(node, ast.Call):
            return self.call(node, scopes, prefix)
        return self.operand(node, scopes, prefix)

    def _negated_flag(self, node) -> bool:
        """``not flag`` for a yes/no fact."""
        return (isinstance(node, ast.Unary) and node.op == "not" and isinstance(node.operand, ast.Name)
                and id(node.operand) in self.c.refs and self.c.refs[id(node.operand)].field.type == "bool")

    def _flags_absent(self, nodes, scopes, prefix: str) -> str:
        """Yes/no facts that are all "no", said once: 以下情形均不存在：A、B、C (not "且并非：A，且并非：B")."""
        labels = [self.name(n.operand, scopes, prefix, show_value=False) for n in nodes]
        if self.lang == "zh":
            return f"{labels[0]}：否" if len(labels) == 1 else "以下情形均不存在：" + "、".join(labels)
        return f"{labels[0]}: no" if len(labels) == 1 else "none of: " + ", ".join(labels)

    def _conjunction(self, node: ast.Logic, scopes, prefix: str) -> str:
        flags = [op for op in node.operands if self._negated_flag(op)]
        # "known(x)" guards a comparison that shows x's value anyway: not said twice
        guards = [op for op in node.operands if isinstance(op, ast.Call) and op.func == "known"]
        if len(guards) == len(node.operands):
            guards = []
        parts = [self.render(op, scopes, prefix) for op in node.operands if op not in flags and op not in guards]
        if flags:
            parts.append(self._flags_absent(flags, scopes, prefix))
        joiner = "，且" if self.lang == "zh" else "; and "
        return joiner.join(p for p in parts if p)

    def compare(self, node: ast.Compare, scopes, prefix: str) -> str:
        for name, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(name, ast.Name) and isinstance(other, (ast.Str, ast.Bool)):
                shown = self.name(name, scopes, prefix, show_value=name is not None)
                f = self.c.refs[id(name)].field
                if f.type == "bool":
                    v = self.value(name, scopes)
                    yes = "是" if self.lang == "zh" else "yes"
                    no = "否" if self.lang == "zh" else "no"
                    return f"{f.text(self.lang)}：{yes if v else no}"
                return shown
        left = self.operand(node.left, scopes, prefix)
        right = self.operand(node.right, scopes, prefix)
        # a bare number compared with a quantity takes that quantity's unit: "≥ 1 %", not "≥ 1"
        if isinstance(node.right, ast.Num) and (unit := self._unit(node.left, scopes)):
            right = f"{right} {unit}"
        elif isinstance(node.left, ast.Num) and (unit := self._unit(node.right, scopes)):
            left = f"{left} {unit}"
        return f"{left} {_SYM[node.op]} {right}"

    def name(self, node: ast.Name, scopes, prefix: str, show_value: bool = True) -> str:
        ref = self.c.refs[id(node)]
        f = ref.field
        v = scopes[ref.level].get(f.name)
        path = (prefix if ref.level == len(scopes) - 1 and ref.level > 0 else "") + f.name
        if v is not None and f.type != "list":
            self.evidence[path] = json_value(v)
        label = f.text(self.lang)
        if not show_value or f.type == "bool":
            return label if (v is True or not show_value) else f"{label}：{v}"
        if v is None:
            return f"{label}（未记录）" if self.lang == "zh" else f"{label} (not recorded)"
        if f.type == "enum":
            return f"{label}为{f.value_label(v, self.lang)}" if self.lang == "zh" else f"{label} = {v}"
        if f.type == "list":  # the units by id, sorted: never a Python repr, never dependent on key order
            ids = sorted(str(item.get(f.key, "?")) for item in v)
            return f"{label}（{'、'.join(ids)}）" if self.lang == "zh" else f"{label} ({', '.join(ids)})"
        shown = fmt_number(v) if isinstance(v, (int, float)) else json_value(v)
        unit = f" {f.unit}" if f.unit else ""
        return f"{label} {shown}{unit}"

    def operand(self, node: ast.Node, scopes, prefix: str) -> str:
        if isinstance(node, ast.Name):
            return self.name(node, scopes, prefix)
        if isinstance(node, (ast.Num,)):
            return fmt_number(node.value)
        if isinstance(node, (ast.Str,)):
            return node.value
        if isinstance(node, ast.Bool):
            return ("是" if node.value else "否") if self.lang == "zh" else str(node.value).lower()
        if isinstance(node, ast.DateLit):
            return node.value.isoformat()
        if isinstance(node, ast.Binary):
            v = self.value(node, scopes)
            shown = fmt_number(v) if v is not None else "?"
            unit = self._arith_unit(node, scopes)
            return f"{self._arith(node, scopes, prefix)} = {shown}{(' ' + unit) if unit else ''}"
        if isinstance(node, ast.Unary):
            return f"−{self.operand(node.operand, scopes, prefix)}"
        if isinstance(node, ast.Call):
            return self.call(node, scopes, prefix)
        return "?"

    def _arith(self, node, scopes, prefix: str) -> str:
        """An arithmetic chain written out once, the result shown only at the end: a × 110 ÷ 100."""
        if isinstance(node, ast.Binary):
            left = self._arith(node.left, scopes, prefix)
            right = self._arith(node.right, scopes, prefix)
            if isinstance(node.right, ast.Binary):
                right = f"({right})"
            return f"{left} {_ARITH[node.op]} {right}"
        return self.operand(node, scopes, prefix)

    def _arith_unit(self, node, scopes) -> str | None:
        """The unit of a result: kept through scaling by plain numbers and through + / − of like quantities."""
        if isinstance(node, ast.Binary):
            left, right = self._arith_unit(node.left, scopes), self._arith_unit(node.right, scopes)
            if node.op in ("+", "-"):
                return left if left == right or right is None else (right if left is None else None)
            if isinstance(node.right, ast.Num):
                return left
            if isinstance(node.left, ast.Num) and node.op == "*":
                return right
            return None
        return self._unit(node, scopes)

    def _unit(self, node, scopes) -> str | None:
        if isinstance(node, ast.Name):
            return self.c.refs[id(node)].field.unit
        if isinstance(node, ast.Call) and node.func == "lookup":
            return self.tables[node.args[0].name].unit
        return None

    def call(self, node: ast.Call, scopes, prefix: str) -> str:
        f = node.func
        zh = self.lang == "zh"
        if f in ("any", "all", "count", "sum"):
            list_node = node.args[0]
            lf = self.c.refs[id(list_node)].field
            items = self.value(list_node, scopes) or []
            shown = []
            for item in items:
                if f == "sum":
                    continue
                hit = self.value(node.args[1], scopes + [item])
                if (f == "all" and hit is False) or (f != "all" and hit is True):
                    unit_id = str(item.get(lf.key, "?"))
                    self.units.append(unit_id)
                    inner = self.render(node.args[1], scopes + [item], f"{lf.name}[{unit_id}].")
                    shown.append(f"{lf.text(self.lang)} {unit_id}：{inner}" if zh else f"{lf.text(self.lang)} {unit_id}: {inner}")
            if f in ("count", "sum"):
                v = self.value(node, scopes)
                n = v[0] if isinstance(v, tuple) else v
                head = (f"{lf.text(self.lang)}中符合条件的 {n} 个" if zh else f"{n} {lf.text(self.lang)} match") if f == "count" \
                    else f"{lf.text(self.lang)}合计 {fmt_number(n) if n is not None else '?'}"
                return head + ("（" + "；".join(shown) + "）" if shown else "")
            return "；".join(shown)
        if f == "count_true":
            v = self.value(node, scopes)
            true_parts = [self.render(a, scopes, prefix) for a in node.args if self.value(a, scopes) is True]
            n = v[0]
            return (f"{n} 项成立（" + "；".join(true_parts) + "）") if zh else (f"{n} hold (" + "; ".join(true_parts) + ")")
        if f == "lookup":
            table = self.tables[node.args[0].name]
            key = self.value(node.args[1], scopes)
            v = self.value(node, scopes)
            unit = f" {table.unit}" if table.unit else ""
            if isinstance(node.args[1], ast.Name):
                key = self.c.refs[id(node.args[1])].field.value_label(key, self.lang)
            return f"{table.label}（{key}）{fmt_number(v) if v is not None else '?'}{unit}"
        if f in ("known", "missing"):
            inner = self.name(node.args[0], scopes, prefix, show_value=False)
            if f == "missing":
                return f"{inner}：未记录" if zh else f"{inner}: not recorded"
            return inner
        if f == "add_months":  # 任职之日起6个月: the period's last day, as the law counts it
            v = self.value(node, scopes)
            start = self.operand(node.args[0], scopes, prefix)
            end = v.isoformat() if v is not None else "?"
            n = node.args[1].value
            return f"{start}起{n}个月期满日 {end}" if zh else f"{n} months from {start}, ending {end}"
        if f == "len":
            v = self.value(node, scopes)
            return (f"{self.operand(node.args[0], scopes, prefix)}共 {v if v is not None else '?'} 项" if zh
                    else f"{self.operand(node.args[0], scopes, prefix)}: {v if v is not None else '?'}")
        v = self.value(node, scopes)
        args = ", ".join(self.operand(a, scopes, prefix) for a in node.args)
        return f"{f}({args}) = {fmt_number(v) if v is not None else '?'}"
