"""The few helpers generated code calls: Kleene quantifiers, count intervals, safe division.

Generated code imports nothing else; these functions are the whole run-time surface.
"""

from __future__ import annotations

import calendar
import marshal
import operator
import types
from datetime import date

OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


REL_TOL = 1e-9  # far below any measurement's precision, far above binary rounding error


def close(a, b) -> bool:
    """Equal up to binary rounding: 6 * 1.1 is 6.6 (a legal threshold must hold exactly at its number)."""
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))


def cmp_tolerant(a, op: str, b):
    """A comparison where one side was computed: exact-equality cases decided as the law reads them."""
    if a is None or b is None:
        return None
    if close(a, b):
        return op in ("==", "<=", ">=")
    return OPS[op](a, b)


def any3(values):
    """Kleene OR over an iterable: True if one is True, None if one is unknown, else False."""
    unknown = False
    for v in values:
        if v is True:
            return True
        if v is None:
            unknown = True
    return None if unknown else False


def all3(values):
    """Kleene AND over an iterable."""
    unknown = False
    for v in values:
        if v is False:
            return False
        if v is None:
            unknown = True
    return None if unknown else True


def count3(values):
    """How many are true, as an interval (lo, hi): unknown members may or may not count."""
    lo = hi = 0
    for v in values:
        if v is True:
            lo += 1
            hi += 1
        elif v is None:
            hi += 1
    return (lo, hi)


def sum3(values):
    total = 0
    for v in values:
        if v is None:
            return None
        total += v
    return total


def cmp_interval(iv, op: str, k):
    """Compare a count interval with a number: decided only when every value in it agrees."""
    if iv is None or k is None:
        return None
    lo, hi = iv
    fn = OPS[op]
    if lo == hi:
        return fn(lo, k)
    if op in ("==", "!="):
        inside = lo <= k <= hi
        return None if inside else (op == "!=")
    at_lo, at_hi = fn(lo, k), fn(hi, k)
    return at_lo if at_lo == at_hi else None


def interval_number(iv):
    if iv is None:
        return None
    lo, hi = iv
    return lo if lo == hi else None


def div(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def minmax(fn, values):
    if any(v is None for v in values):
        return None
    return fn(values)


def days_between(a, b):
    if a is None or b is None:
        return None
    return (b - a).days


def add_months(d, n: int):
    """The date ``n`` calendar months after ``d``: the same day of the month, or the month's last day
    when that month has no such day (民法典 第二百零二条: 到期月的对应日; 没有对应日的, 月末日)."""
    if d is None:
        return None
    months = d.year * 12 + d.month - 1 + n
    year, month = divmod(months, 12)
    month += 1
    if not 1 <= year <= 9999:  # "valid until 9999-12-31" (长期有效) plus a period: saturate, never crash
        return date.max if year > 9999 else date.min
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


GLOBALS = {
    "__builtins__": {},
    "_any3": any3,
    "_all3": all3,
    "_count3": count3,
    "_sum3": sum3,
    "_civ": cmp_interval,
    "_cmpt": cmp_tolerant,
    "_ivn": interval_number,
    "_div": div,
    "_minmax": minmax,
    "_min": min,
    "_max": max,
    "_abs": abs,
    "_days": days_between,
    "_addm": add_months,
    "_len": len,
}


# Pickling generated code (the compiled-ruleset and compiled-policy caches, worker processes): functions that share
# one generated namespace travel as marshalled code objects plus the constants injected into that namespace, and
# are rebuilt over GLOBALS.
def generated_state(fns: dict) -> tuple:
    """The picklable state of generated functions ``{attr: fn}`` that share one namespace."""
    names = {fn.__name__ for fn in fns.values()}
    consts = {k: v for k, v in next(iter(fns.values())).__globals__.items() if k not in GLOBALS and k not in names}
    return {attr: (marshal.dumps(fn.__code__), fn.__name__) for attr, fn in fns.items()}, consts


def rebuild_generated(state: tuple) -> dict:
    """``{attr: fn}`` again from :func:`generated_state`, in one fresh namespace."""
    codes, consts = state
    namespace = dict(GLOBALS)
    namespace.update(consts)
    out = {}
    for attr, (code, name) in codes.items():
        namespace[name] = out[attr] = types.FunctionType(marshal.loads(code), namespace, name)
    return out
