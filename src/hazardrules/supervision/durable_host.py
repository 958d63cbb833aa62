"""The policy as a durable_rules ruleset, behind the :class:`~.reasoner.Reasoner` interface.

durable_rules (a C extension, last release 2020) has traps that give wrong results silently. This
host is built around each of them:

- an *event* fires only the first matching rule → we **assert facts** and retract them afterwards;
- a message that matches no rule raises → every ruleset has a catch-all rule on the request tag;
- batch calls raise if any message matches nothing and run actions later on a thread → one fact at
  a time, synchronously;
- a two-parameter action is silently asynchronous and stalls → every action takes one parameter;
- a rule whose only condition is "field absent" can hang → facts are complete (:mod:`.facts`) and
  no condition tests absence; ``known()``/``missing()`` are refused;
- arithmetic (and division) on the left of a comparison fails → the bare field goes left (the
  comparison is flipped), anything else is refused as not expressible; on the right, a field may
  follow only a bare field (``m.a + m.b``, ``m.a * 2 + 1`` work; ``(m.a + 1) + m.b`` fails to
  serialise: "Object of type value is not JSON serializable", found by the hypothesis test);
- ``not`` does not exist → pushed down to the comparisons (De Morgan; sound because facts are
  complete, so there is no unknown);
- its arithmetic builder tests ``if self._right:``, so a literal ``0`` followed by another operation is
  dropped *silently* (``m.b * 0 + 2`` evaluates as ``m.b + 2``; found by the hypothesis test) → such
  an expression is refused as not expressible;
- its JSON reader rejects some floats written with an exponent (``1e-05``, ``1e+16``: "Could not
  assert fact, error code: 204", found by the hypothesis test) → a request holding a float whose
  Python form has an exponent is answered by the compiled conditions instead (counted in
  ``fallbacks``); routing facts are integers, booleans, strings and LEC values, so this is rare;
- it adds a ``sid`` key to the dicts it is given and keeps global state → it gets copies, there is
  one host per policy digest per process (rulesets are never re-registered), and a lock serialises
  every request.

The translation reads the *checked AST* of the compiled condition (one parse, one tree), so the
compiled reasoner and this one cannot drift apart in parsing; the hypothesis test checks they agree.
"""

from __future__ import annotations

import threading
from itertools import count

from ..expr import ast
from .policy import Policy

_FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NEGATE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_TAG = "hz_request"
_HOSTS: dict[str, "DurableReasoner"] = {}
_HOSTS_LOCK = threading.Lock()
_NAMES = count(1)


class NotExpressible(Exception):
    """A condition uses something durable_rules cannot evaluate faithfully."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


def _compare(lhs, op: str, rhs):
    return {"==": lambda: lhs == rhs, "!=": lambda: lhs != rhs, "<": lambda: lhs < rhs,
            "<=": lambda: lhs <= rhs, ">": lambda: lhs > rhs, ">=": lambda: lhs >= rhs}[op]()


class _Translator:
    """Checked AST → durable_rules condition objects (``m.x > 3`` …)."""

    def __init__(self, m, where: str):
        self.m, self.where = m, where

    def fail(self, reason: str):
        raise NotExpressible(self.where, reason)

    def cond(self, node: ast.Node, negate: bool = False):
        if isinstance(node, ast.Logic):
            parts = [self.cond(n, negate) for n in node.operands]
            conj = (node.op == "and") != negate
            out = parts[0]
            for p in parts[1:]:
                out = (out & p) if conj else (out | p)
            return out
        if isinstance(node, ast.Unary) and node.op == "not":
            return self.cond(node.operand, not negate)
        if isinstance(node, ast.Name):  # a bool fact used as a condition
            return getattr(self.m, node.name) == (not negate)
        if isinstance(node, ast.Compare):
            return self.compare(node, negate)
        if isinstance(node, ast.In):
            if not isinstance(node.operand, ast.Name):
                self.fail("in 的左边应为字段 / the left of 'in' must be a field")
            field = getattr(self.m, node.operand.name)
            values = [self.literal(c) for c in node.choices]
            negated = node.negated != negate
            out = None
            for v in values:
                p = (field != v) if negated else (field == v)
                out = p if out is None else ((out & p) if negated else (out | p))
            return out
        self.fail(f"不支持的条件 {ast.dump(node)} / unsupported condition")

    def compare(self, node: ast.Compare, negate: bool):
        op = _NEGATE[node.op] if negate else node.op
        left, right = node.left, node.right
        if not isinstance(left, ast.Name):
            if isinstance(right, ast.Name):
                left, right, op = right, left, _FLIP[op]
            elif not _has_name(left) and not _has_name(right):
                self.fail("比较两边都是常量 / constant comparison")
            else:
                self.fail("比较的一边应为单个字段 / one side of a comparison must be a bare field")
        return _compare(getattr(self.m, left.name), op, self.value(right))

    def value(self, node: ast.Node):
        if isinstance(node, ast.Name):
            return getattr(self.m, node.name)
        if isinstance(node, (ast.Num, ast.Str, ast.Bool)):
            return node.value
        if isinstance(node, ast.Unary) and node.op == "-" and isinstance(node.operand, ast.Num):
            return -node.operand.value
        if isinstance(node, ast.Binary) and node.op in "+-*" and _has_name(node):
            if not _has_name(node.left):
                self.fail("算术的左边应含字段 / arithmetic must start with a field")
            if not isinstance(node.left, ast.Name) and _has_name(node.right):
                # durable_rules cannot serialise (m.a + 1) + m.b: a field may follow only a bare field
                self.fail("复合算术的右边只能是常量 / after a compound term only a literal may follow")
            if isinstance(node.left, ast.Binary) and isinstance(node.left.right, ast.Num) and node.left.right.value == 0:
                # durable_rules' avalue._set_right tests `if self._right:`, so in m.b * 0 + 2 the zero is
                # taken for "no operand" and the expression silently becomes m.b + 2
                self.fail("算术中的 0 之后不能再接运算 / a 0 operand may not be followed by another operation")
            lhs, rhs = self.value(node.left), self.value(node.right)
            return {"+": lambda: lhs + rhs, "-": lambda: lhs - rhs, "*": lambda: lhs * rhs}[node.op]()
        self.fail(f"不支持的取值 {ast.dump(node)} / unsupported operand")

    def literal(self, node: ast.Node):
        if isinstance(node, (ast.Num, ast.Str, ast.Bool)):
            return node.value
        self.fail("in 列表只能含常量 / 'in' lists take literals only")


def _has_name(node: ast.Node) -> bool:
    return any(isinstance(n, ast.Name) for n in ast.walk(node))


class DurableReasoner:
    """One durable_rules ruleset per policy digest per process; requests serialised by a lock."""

    name = "durable"
    note = None

    def __init__(self, policy: Policy):
        from durable.lang import m, ruleset, when_all  # imported here: the C extension is optional

        self._order = {r.id: i for i, r in enumerate(policy.rules)}
        self._reference = tuple((r.id, r.condition) for r in policy.rules)
        self.fallbacks = 0
        self._sink: list[str] = []
        self._lock = threading.Lock()
        self._seq = count(1)
        translated = []
        for rule in policy.rules:  # translate everything first: nothing registered on failure
            cond = _Translator(m, rule.where).cond(rule.condition.checked.root)
            translated.append((rule.id, (m.t == _TAG) & cond))
        self._name = f"hazardrules_{policy.id}_{policy.digest[7:19]}_{next(_NAMES)}"
        with ruleset(self._name):
            for rid, cond in translated:
                when_all(cond)(self._action(rid))
            when_all(m.t == _TAG)(self._action(None))  # catch-all: a request that matches nothing must not raise

    def _action(self, rid):
        sink = self._sink

        def action(c):  # exactly one parameter: two would make durable_rules run it asynchronously
            if rid is not None:
                sink.append(rid)

        action.__name__ = f"rule_{rid or 'catch_all'}"
        return action

    @classmethod
    def for_policy(cls, policy: Policy) -> "DurableReasoner":
        """The process-wide host for this policy content (durable_rules rulesets are global)."""
        with _HOSTS_LOCK:
            host = _HOSTS.get(policy.digest)
            if host is None:
                host = _HOSTS[policy.digest] = cls(policy)
            return host

    def fired(self, facts: dict) -> list[str]:
        from durable.lang import assert_fact, retract_fact

        if any(isinstance(v, float) and "e" in repr(v) for v in facts.values()):
            self.fallbacks += 1  # durable_rules cannot read this number (see the module docstring)
            return [rid for rid, cond in self._reference if cond(facts) is True]

        with self._lock:
            fact = dict(facts)
            fact["t"] = _TAG
            fact["hz_seq"] = next(self._seq)  # unique, so a fact is never taken for an earlier one
            self._sink.clear()
            assert_fact(self._name, dict(fact))  # copies: durable_rules adds a 'sid' key
            try:
                out = list(self._sink)
            finally:
                retract_fact(self._name, dict(fact))
                self._sink.clear()
        return sorted(set(out), key=self._order.__getitem__)
