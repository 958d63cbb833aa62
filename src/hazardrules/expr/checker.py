"""Type checker: resolves names against declared fields and gives every node a type.

A condition that type-checks cannot fail at run time for a reason other than a missing fact: names
exist, enums are compared only with their declared values, bools are not used as numbers, dates only
with dates. Errors collect (several per condition) and name the column in the YAML file.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ..errors import ConditionTypeError, Diagnostic, diag
from . import ast
from .fields import Field, FieldTable

NUMBER, BOOL, ENUM, DATE, STRING, LIST = "number", "bool", "enum", "date", "string", "list"


@dataclass(frozen=True, slots=True)
class Type:
    kind: str
    field: Field | None = None  # enum: carries values; list: carries the item table
    interval: bool = False  # counts with unknown members are intervals (lo, hi)

    def describe(self) -> tuple[str, str]:
        zh = {NUMBER: "数值", BOOL: "是/否", ENUM: "枚举", DATE: "日期", STRING: "文字", LIST: "列表"}[self.kind]
        if self.kind == ENUM and self.field:
            return f"枚举（{self.field.name}）", f"enum ({self.field.name})"
        return zh, self.kind


@dataclass(frozen=True, slots=True)
class Ref:
    """A resolved name: the field, and the scope level it lives in (0 = the record)."""

    field: Field
    level: int


@dataclass
class Checked:
    """A type-checked condition: the tree plus node types and name resolutions (by node identity)."""

    text: str
    root: ast.Node
    types: dict[int, Type]
    refs: dict[int, Ref]
    tables: dict
    fields: frozenset[str] = field(default_factory=frozenset)  # record-level fields it reads

    def type_of(self, node: ast.Node) -> Type:
        return self.types[id(node)]

    # Pickling (compiled-ruleset cache): node identities do not survive, so the maps travel keyed by
    # each node's position in a depth-first walk of the tree and are re-keyed by identity on arrival.
    def __getstate__(self):
        position: dict[int, int] = {}
        for i, node in enumerate(ast.walk(self.root)):
            position.setdefault(id(node), i)
        state = dict(self.__dict__)
        state["types"] = {position[k]: v for k, v in self.types.items()}  # KeyError: a node outside the tree
        state["refs"] = {position[k]: v for k, v in self.refs.items()}
        return state

    def __setstate__(self, state):
        nodes = list(ast.walk(state["root"]))
        state["types"] = {id(nodes[i]): v for i, v in state["types"].items()}
        state["refs"] = {id(nodes[i]): v for i, v in state["refs"].items()}
        self.__dict__.update(state)


FUNCTIONS = {"any", "all", "count", "sum", "len", "count_true", "known", "missing", "min", "max", "abs",
             "lookup", "days_between", "add_months"}


def check(text: str, root: ast.Node, fields: FieldTable, where, *, tables: dict | None = None,
          expect_bool: bool = True) -> Checked:
    """Type-check ``root`` against ``fields``; raise :class:`ConditionTypeError` with every problem."""
    checker = _Checker(fields, where, tables or {})
    result_type = checker.visit(root, [fields])
    if expect_bool and result_type is not None and result_type.kind != BOOL:
        zh, en = result_type.describe()
        checker.error(root, f"条件的结果应为 是/否，实际为{zh}", f"a condition must be true/false, this is {en}")
    if checker.errors:
        raise ConditionTypeError(checker.errors)
    used = frozenset(ref.field.name for ref in checker.refs.values() if ref.level == 0)
    return Checked(text, root, checker.types, checker.refs, tables or {}, used)


class _Checker:
    def __init__(self, fields: FieldTable, where, tables: dict):
        self.root_fields = fields
        self.where = where
        self.tables = tables
        self.types: dict[int, Type] = {}
        self.refs: dict[int, Ref] = {}
        self.errors: list[Diagnostic] = []

    def error(self, node: ast.Node, zh: str, en: str) -> None:
        self.errors.append(diag("type_error", self.where(node.pos), zh, en))

    def visit(self, node: ast.Node, scopes: list[FieldTable]) -> Type | None:
        method = getattr(self, "v_" + type(node).__name__)
        result = method(node, scopes)
        if result is not None:
            self.types[id(node)] = result
        return result

    # -- leaves ----------------------------------------------------------------------------
    def v_Num(self, node, scopes):
        return Type(NUMBER)

    def v_Str(self, node, scopes):
        return Type(STRING)

    def v_Bool(self, node, scopes):
        return Type(BOOL)

    def v_DateLit(self, node, scopes):
        return Type(DATE)

    def v_Name(self, node: ast.Name, scopes):
        for level in range(len(scopes) - 1, -1, -1):
            f = scopes[level].get(node.name)
            if f is not None:
                self.refs[id(node)] = Ref(f, level)
                kind = NUMBER if f.type in ("number", "integer") else f.type
                return Type(kind, f if kind in (ENUM, LIST) else None)
        if node.name in self.tables:
            self.error(node, f"表 “{node.name}” 只能用在 lookup({node.name}, …) 中",
                       f"table '{node.name}' can only be used as lookup({node.name}, ...)")
            return None
        known = [n for s in scopes for n in s.names()]
        near = difflib.get_close_matches(node.name, known, n=1)
        hint_zh = f"（是否指 “{near[0]}”？）" if near else ""
        hint_en = f" (did you mean '{near[0]}'?)" if near else ""
        self.error(node, f"未声明的字段 “{node.name}”{hint_zh}", f"undeclared field '{node.name}'{hint_en}")
        return None

    # -- operators -------------------------------------------------------------------------
    def v_Unary(self, node: ast.Unary, scopes):
        t = self.visit(node.operand, scopes)
        want = BOOL if node.op == "not" else NUMBER
        if t is not None and t.kind != want:
            self._mismatch(node.operand, want, t, node.op)
        return Type(want)

    def v_Binary(self, node: ast.Binary, scopes):
        for side in (node.left, node.right):
            t = self.visit(side, scopes)
            if t is not None and t.kind != NUMBER:
                self._mismatch(side, NUMBER, t, node.op)
        return Type(NUMBER)

    def v_Logic(self, node: ast.Logic, scopes):
        for operand in node.operands:
            t = self.visit(operand, scopes)
            if t is not None and t.kind != BOOL:
                self._mismatch(operand, BOOL, t, node.op)
        return Type(BOOL)

    def v_Compare(self, node: ast.Compare, scopes):
        lt = self.visit(node.left, scopes)
        rt = self.visit(node.right, scopes)
        if lt is None or rt is None:
            return Type(BOOL)
        ordered = node.op not in ("==", "!=")
        if lt.kind == ENUM or rt.kind == ENUM:
            self._check_enum_compare(node, lt, rt, ordered)
        elif lt.kind != rt.kind:
            lz, le = lt.describe()
            rz, re_ = rt.describe()
            self.error(node, f"不能比较{lz}与{rz}", f"cannot compare {le} with {re_}")
        elif ordered and lt.kind not in (NUMBER, DATE):
            lz, le = lt.describe()
            self.error(node, f"{lz}只能用 == 或 != 比较", f"{le} values can only be compared with == or !=")
        elif lt.kind == LIST:
            self.error(node, "列表不能直接比较（请用 any/all/count）", "lists cannot be compared (use any/all/count)")
        return Type(BOOL)

    def _check_enum_compare(self, node, lt: Type, rt: Type, ordered: bool) -> None:
        if ordered:
            self.error(node, "枚举只能用 == 或 != 比较", "enum values can only be compared with == or !=")
            return
        enum_t, other_node, other_t = (lt, node.right, rt) if lt.kind == ENUM else (rt, node.left, lt)
        if other_t.kind == ENUM:
            return
        if other_t.kind != STRING or not isinstance(other_node, ast.Str):
            oz, oe = other_t.describe()
            self.error(node, f"枚举只能与它声明的取值比较，不能与{oz}比较",
                       f"an enum can only be compared with one of its declared values, not with {oe}")
            return
        self._check_enum_value(other_node, enum_t.field)

    def _check_enum_value(self, node: ast.Str, f: Field) -> None:
        values = f.values or {}
        if node.value in values:
            return
        by_label = [v for v, label in values.items() if label == node.value]
        near = by_label or difflib.get_close_matches(node.value, list(values), n=1)
        hint_zh = f"（是否指 “{near[0]}”？）" if near else ""
        hint_en = f" (did you mean '{near[0]}'?)" if near else ""
        allowed = "、".join(values)
        self.error(node, f"“{node.value}” 不是字段 {f.name} 的取值{hint_zh}；可选：{allowed}",
                   f"'{node.value}' is not a value of {f.name}{hint_en}; allowed: {', '.join(values)}")

    def v_In(self, node: ast.In, scopes):
        t = self.visit(node.operand, scopes)
        if t is None:
            return Type(BOOL)
        for choice in node.choices:
            if t.kind == ENUM and isinstance(choice, ast.Str):
                self._check_enum_value(choice, t.field)
            elif t.kind == NUMBER and isinstance(choice, ast.Num):
                pass
            elif t.kind == STRING and isinstance(choice, ast.Str):
                pass
            else:
                z, e = t.describe()
                self.error(choice, f"列表中的值与{z}类型不符", f"choice does not match the {e} operand")
        return Type(BOOL)

    def _mismatch(self, node, want: str, got: Type, op: str) -> None:
        wz = Type(want).describe()[0]
        gz, ge = got.describe()
        self.error(node, f"“{op}” 需要{wz}，这里是{gz}", f"'{op}' needs {want}, this is {ge}")

    # -- functions -------------------------------------------------------------------------
    def v_Call(self, node: ast.Call, scopes):
        name = node.func
        if name not in FUNCTIONS:
            near = difflib.get_close_matches(name, sorted(FUNCTIONS), n=1)
            hint_zh = f"（是否指 {near[0]}？）" if near else ""
            hint_en = f" (did you mean {near[0]}?)" if near else ""
            self.error(node, f"未知函数 {name}(){hint_zh}", f"unknown function {name}(){hint_en}")
            return None
        return getattr(self, "f_" + name)(node, scopes)

    def _arity(self, node: ast.Call, low: int, high: int | None) -> bool:
        n = len(node.args)
        if n < low or (high is not None and n > high):
            want = str(low) if high == low else (f"至少 {low}" if high is None else f"{low}–{high}")
            want_en = str(low) if high == low else (f"at least {low}" if high is None else f"{low}-{high}")
            self.error(node, f"{node.func}() 需要 {want} 个参数，实际 {n} 个",
                       f"{node.func}() takes {want_en} arguments, got {n}")
            return False
        return True

    def _list_arg(self, node: ast.Call, scopes) -> Field | None:
        arg = node.args[0]
        t = self.visit(arg, scopes)
        if t is None:
            return None
        if t.kind != LIST or not isinstance(arg, ast.Name):
            self.error(arg, f"{node.func}() 的第一个参数应为列表字段", f"first argument of {node.func}() must be a list field")
            return None
        return t.field

    def _quantifier(self, node: ast.Call, scopes, body_kind: str) -> Field | None:
        if not self._arity(node, 2, 2):
            return None
        lf = self._list_arg(node, scopes)
        if lf is None:
            return None
        t = self.visit(node.args[1], scopes + [lf.item])
        if t is not None and t.kind != body_kind:
            self._mismatch(node.args[1], body_kind, t, node.func + "()")
        return lf

    def f_any(self, node, scopes):
        self._quantifier(node, scopes, BOOL)
        return Type(BOOL)

    f_all = f_any

    def f_count(self, node, scopes):
        self._quantifier(node, scopes, BOOL)
        return Type(NUMBER, interval=True)

    def f_sum(self, node, scopes):
        self._quantifier(node, scopes, NUMBER)
        return Type(NUMBER)

    def f_len(self, node, scopes):
        if self._arity(node, 1, 1):
            self._list_arg(node, scopes)
        return Type(NUMBER)

    def f_count_true(self, node, scopes):
        self._arity(node, 1, None)
        for arg in node.args:
            t = self.visit(arg, scopes)
            if t is not None and t.kind != BOOL:
                self._mismatch(arg, BOOL, t, "count_true()")
        return Type(NUMBER, interval=True)

    def f_known(self, node, scopes):
        if self._arity(node, 1, 1):
            if not isinstance(node.args[0], ast.Name):
                self.error(node.args[0], f"{node.func}() 的参数应为字段名", f"{node.func}() takes a field name")
            else:
                self.visit(node.args[0], scopes)
        return Type(BOOL)

    f_missing = f_known

    def f_min(self, node, scopes):
        self._arity(node, 2, None)
        for arg in node.args:
            t = self.visit(arg, scopes)
            if t is not None and t.kind != NUMBER:
                self._mismatch(arg, NUMBER, t, node.func + "()")
        return Type(NUMBER)

    f_max = f_min

    def f_abs(self, node, scopes):
        if self._arity(node, 1, 1):
            t = self.visit(node.args[0], scopes)
            if t is not None and t.kind != NUMBER:
                self._mismatch(node.args[0], NUMBER, t, "abs()")
        return Type(NUMBER)

    def f_days_between(self, node, scopes):
        if self._arity(node, 2, 2):
            for arg in node.args:
                t = self.visit(arg, scopes)
                if t is not None and t.kind != DATE:
                    self._mismatch(arg, DATE, t, "days_between()")
        return Type(NUMBER)

    def f_add_months(self, node, scopes):
        # The month count must be a whole-number literal: every back end shifts by a fixed calendar
        # offset (Polars "6mo", SQL INTERVAL / add_months), never by a per-record value.
        if self._arity(node, 2, 2):
            t = self.visit(node.args[0], scopes)
            if t is not None and t.kind != DATE:
                self._mismatch(node.args[0], DATE, t, "add_months()")
            n = node.args[1]
            if not (isinstance(n, ast.Num) and isinstance(n.value, int) and n.value >= 0):
                self.error(n, "add_months() 的第二个参数应为不小于 0 的整数常量（月数），如 add_months(appointed_date, 6)",
                           "second argument of add_months() must be a whole-number literal >= 0 (months), "
                           "e.g. add_months(appointed_date, 6)")
            else:
                self.types[id(n)] = Type(NUMBER)
        return Type(DATE)

    def f_lookup(self, node, scopes):
        if not self._arity(node, 2, 2):
            return None
        table_arg, key_arg = node.args
        if not isinstance(table_arg, ast.Name) or table_arg.name not in self.tables:
            names = "、".join(self.tables) or "（无）"
            self.error(table_arg, f"lookup() 的第一个参数应为 tables: 中声明的表名；已声明：{names}",
                       f"first argument of lookup() must be a table declared under tables:; declared: {', '.join(self.tables) or '(none)'}")
            return Type(NUMBER)
        table = self.tables[table_arg.name]
        t = self.visit(key_arg, scopes)
        if t is not None and (t.kind != ENUM or t.field is None or t.field is not self.root_fields.resolve(table.key)):
            self.error(key_arg, f"表 {table_arg.name} 以字段 {table.key} 为键", f"table {table_arg.name} is keyed by field {table.key}")
        return Type(NUMBER)
