"""hazardrules — executable 重大事故隐患判定标准 (major accident hazard determination standards).

The public API lives here; everything else is internal::

    from hazardrules import Engine
    det = Engine().evaluate({"ruleset": "coal-mine", "inspection_date": "2026-08-14", "facts": {...}})
    det.major_hazard, det.findings, det.undetermined, det.to_json()

Names are imported on first use (PEP 562), so ``import hazardrules`` — and the CLI's ``--help`` —
costs nothing until the engine is actually needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> the module defining it (imported on first access)
_PUBLIC = {
    "CompiledRule": "compile", "CompiledRuleset": "compile", "compile_ruleset": "compile",
    "Engine": "engine",
    "ConditionSyntaxError": "errors", "ConditionTypeError": "errors", "Diagnostic": "errors",
    "EditionNotEncoded": "errors", "HazardRulesError": "errors", "LoadError": "errors", "RecordError": "errors",
    "RulesetError": "errors", "RulesetNotFound": "errors", "SchemaError": "errors",
    "Condition": "expr", "FieldTable": "expr", "compile_condition": "expr",
    "load_yaml": "loader",
    "Determination": "results", "DeterminationModel": "result_models", "Finding": "results",
    "record_schema": "record_json_schema",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    try:  # `hazardrules.engine` etc. after a bare `import hazardrules`, as before the imports were lazy
        return importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__():
    return sorted(set(globals()) | set(_PUBLIC))


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from .compile import CompiledRule, CompiledRuleset, compile_ruleset
    from .engine import Engine
    from .errors import (
        ConditionSyntaxError,
        ConditionTypeError,
        Diagnostic,
        EditionNotEncoded,
        HazardRulesError,
        LoadError,
        RecordError,
        RulesetError,
        RulesetNotFound,
        SchemaError,
    )
    from .expr import Condition, FieldTable, compile_condition
    from .loader import load_yaml
    from .record_json_schema import record_schema
    from .result_models import DeterminationModel
    from .results import Determination, Finding
