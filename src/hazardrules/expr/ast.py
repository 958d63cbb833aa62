"""The condition language's syntax tree: small frozen nodes, each with its offset in the source text.

One parse gives one tree; the checker, the Python compiler, the reference interpreter, the explainer
and the SQL/columnar back ends all read this same tree. ``dump()`` prints a canonical form for
golden tests.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    pos: int


@dataclass(frozen=True, slots=True, eq=False)
class Num(Node):
    value: int | float


@dataclass(frozen=True, slots=True, eq=False)
class Str(Node):
    value: str


@dataclass(frozen=True, slots=True, eq=False)
class Bool(Node):
    value: bool


@dataclass(frozen=True, slots=True, eq=False)
class DateLit(Node):
    value: date


@dataclass(frozen=True, slots=True, eq=False)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True, eq=False)
class Unary(Node):
    op: str  # "-" or "not"
    operand: Node


@dataclass(frozen=True, slots=True, eq=False)
class Binary(Node):
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True, slots=True, eq=False)
class Compare(Node):
    op: str  # == != < <= > >=
    left: Node
    right: Node


@dataclass(frozen=True, slots=True, eq=False)
class Logic(Node):
    op: str  # "and" / "or"
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True, eq=False)
class In(Node):
    operand: Node
    choices: tuple[Node, ...]
    negated: bool


@dataclass(frozen=True, slots=True, eq=False)
class Call(Node):
    func: str
    args: tuple[Node, ...]


def dump(node: Node) -> str:
    """Canonical one-line form, e.g. ``Compare(>=, Name(a), Binary(*, Name(b), Num(1.1)))``."""
    if isinstance(node, (Num, Str, Bool, DateLit)):
        return f"{type(node).__name__}({node.value!r})"
    if isinstance(node, Name):
        return f"Name({node.name})"
    parts = []
    for f in fields(node):
        if f.name == "pos":
            continue
        value = getattr(node, f.name)
        if isinstance(value, tuple):
            parts.append("[" + ", ".join(dump(v) for v in value) + "]")
        elif isinstance(value, Node):
            parts.append(dump(value))
        else:
            parts.append(str(value))
    return f"{type(node).__name__}({', '.join(parts)})"


def walk(node: Node):
    """Every node of the tree, depth first."""
    yield node
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            yield from walk(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Node):
                    yield from walk(item)
