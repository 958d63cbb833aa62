"""hazardrules — executable 重大事故隐患判定标准 (major accident hazard determination standards).

The public API lives here; everything else is internal::

    from hazardrules import Engine
    det = Engine().evaluate({"ruleset": "coal-mine", "inspection_date": "2026-08-14", "facts": {...}})
    det.major_hazard, det.findings, det.undetermined, det.to_json()
"""

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
from .results import Determination, DeterminationModel, Finding

__version__ = "0.1.0"

__all__ = [
    "CompiledRule",
    "CompiledRuleset",
    "Condition",
    "ConditionSyntaxError",
    "ConditionTypeError",
    "Determination",
    "DeterminationModel",
    "Diagnostic",
    "EditionNotEncoded",
    "Engine",
    "FieldTable",
    "Finding",
    "HazardRulesError",
    "LoadError",
    "RecordError",
    "RulesetError",
    "RulesetNotFound",
    "SchemaError",
    "compile_condition",
    "compile_ruleset",
    "load_yaml",
]
