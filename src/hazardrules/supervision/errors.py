"""Errors of the supervision stage (policies, identity, case ledger), each with a stable code.

All subclass :class:`hazardrules.errors.HazardRulesError`, so the CLI maps them to exit 2 with the
message and no traceback. Messages come in Chinese and English (``Diagnostic.zh`` / ``.en``).
"""

from __future__ import annotations

from ..errors import HazardRulesError, diag


class PolicyError(HazardRulesError):
    """A policy file is inconsistent (unknown level, duplicate rule id, bad extends, …)."""

    code = "policy_error"


class IdentityError(HazardRulesError):
    """A 统一社会信用代码 or 行政区划代码 is malformed."""

    code = "identity_error"


class CaseNotFound(HazardRulesError):
    """No case with that id in the ledger."""

    code = "case_not_found"


class TransitionError(HazardRulesError):
    """A step the lifecycle does not allow from the case's current state (nothing was written)."""

    code = "illegal_transition"


class ConflictError(HazardRulesError):
    """Another process changed the case between our read and our write (nothing was written)."""

    code = "conflict"


class LedgerError(HazardRulesError):
    """The ledger database cannot be opened or migrated."""

    code = "ledger_error"


def error(cls: type[HazardRulesError], where: str, zh: str, en: str) -> HazardRulesError:
    """Build an error of class ``cls`` with one bilingual diagnostic."""
    return cls(diag(cls.code, where, zh, en))
