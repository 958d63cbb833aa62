"""The condition language: parse -> check -> compile (Python) / interpret (reference).

``compile_condition`` is the one-call entry used by rulesets and supervision policies alike.
"""

from __future__ import annotations

from .checker import Checked, Type, check
from .compiler import Emitter, ExprCompiler, field_var
from .fields import Field, FieldTable
from .interpreter import evaluate as interpret
from .parser import parse
from .runtime import GLOBALS, generated_state, rebuild_generated

__all__ = ["Checked", "Condition", "Field", "FieldTable", "Type", "check", "compile_condition", "interpret", "parse"]


class Condition:
    """A compiled stand-alone condition: ``cond(facts) -> True | False | None``."""

    __slots__ = ("checked", "fields", "source", "_fn")

    def __init__(self, checked: Checked, source: str, fn):
        self.checked = checked
        self.fields = checked.fields
        self.source = source
        self._fn = fn

    def __call__(self, facts: dict):
        return self._fn(facts)

    def __repr__(self) -> str:
        return f"Condition({self.checked.text!r})"

    # Pickling (the compiled-policy cache): as a compiled ruleset's generated code (runtime.generated_state).
    def __getstate__(self):
        return self.checked, self.source, generated_state({"fn": self._fn})

    def __setstate__(self, state):
        checked, source, generated = state
        self.checked, self.fields, self.source, self._fn = checked, checked.fields, source, rebuild_generated(generated)["fn"]

def compile_condition(text: str, fields: FieldTable, where: str | None = None, *, tables: dict | None = None,
                      locate=None) -> Condition:
    """Parse, type-check and compile one condition over ``fields``.

    ``where`` is the ``file:line:col`` of the condition (errors add the column offset to it when
    ``locate`` — a function offset -> position string — is not given).
    """
    if locate is None:
        base = where or "<condition>"
        locate = (lambda off: f"{base}+{off}") if where else (lambda off: f"col {off + 1}")
    checked = check(text, parse(text, locate), fields, locate, tables=tables)
    em = Emitter()
    table_consts = {name: em.const(dict(t.values), "table") for name, t in (tables or {}).items()}
    compiler = ExprCompiler(checked, em, table_consts)
    expr = compiler.compile(locate(0))
    loads = "".join(f"    {field_var(n)} = f.get({n!r})\n" for n in sorted(checked.fields))
    prelude = "".join(f"    {line}\n" for line in compiler.prelude)
    source = f"def _cond(f):\n{loads}{prelude}    return {expr}\n"
    namespace = dict(GLOBALS)
    namespace.update(em.consts)  # constants are injected, not rebuilt by generated code
    exec(compile(source, f"<condition {text[:40]!r}>", "exec"), namespace)  # generated from the checked AST only
    return Condition(checked, source, namespace["_cond"])
