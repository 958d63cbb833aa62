"""The one small interface between policies and whatever evaluates them.

A reasoner answers a single question: *which of the policy's rules hold for these facts*, in policy
order. Everything else (levels, deadlines, targets) is decided from that list by :mod:`.routing`,
the same code whichever reasoner answered. Two implementations:

- :class:`CompiledReasoner` — our compiled conditions (the reference, and the fallback);
- :class:`~.durable_host.DurableReasoner` — the policy compiled into a durable_rules ruleset.

``make_reasoner`` picks one (``HAZARDRULES_REASONER`` = ``durable`` | ``compiled`` | ``auto``); ``auto``
uses durable_rules when it imports and can express every rule, and says why when it cannot.
"""

from __future__ import annotations

import os
from typing import Protocol

from ..errors import diag
from .errors import PolicyError
from .policy import Policy

KINDS = ("auto", "durable", "compiled")


class Reasoner(Protocol):
    name: str
    note: str | None

    def fired(self, facts: dict) -> list[str]:
        """Ids of the rules whose condition is true for the complete ``facts``, in policy order."""


class CompiledReasoner:
    """Evaluates each rule's compiled condition; ``True`` fires, ``False`` (and unknown) does not."""

    name = "compiled"

    def __init__(self, policy: Policy, note: str | None = None):
        self._rules = tuple((r.id, r.condition) for r in policy.rules)
        self.note = note

    def fired(self, facts: dict) -> list[str]:
        return [rid for rid, cond in self._rules if cond(facts) is True]


def make_reasoner(policy: Policy, kind: str | None = None) -> Reasoner:
    """A reasoner for ``policy``; ``kind`` defaults to ``$HAZARDRULES_REASONER`` or ``auto``."""
    kind = (kind or os.environ.get("HAZARDRULES_REASONER") or "auto").lower()
    if kind not in KINDS:
        raise PolicyError(diag("policy_error", "HAZARDRULES_REASONER", f"未知的推理器 {kind!r}（可选：{', '.join(KINDS)}）",
                               f"unknown reasoner {kind!r} (accepted: {', '.join(KINDS)})"))
    if kind == "compiled":
        return CompiledReasoner(policy)
    try:
        from .durable_host import DurableReasoner, NotExpressible

        return DurableReasoner.for_policy(policy)  # imports durable_rules itself (an optional C extension)
    except ImportError as exc:  # durable_rules not installed (the `reasoner` extra needs a C compiler)
        if kind == "durable":
            raise PolicyError(diag("policy_error", "durable_rules", f"无法加载 durable_rules：{exc}",
                                   f"durable_rules cannot be imported: {exc}")) from None
        return CompiledReasoner(policy, note=f"durable_rules unavailable ({exc}); using compiled conditions")
    except NotExpressible as exc:
        if kind == "durable":
            raise PolicyError(diag("policy_error", exc.where, f"durable_rules 无法表达此条件：{exc.reason}",
                                   f"durable_rules cannot express this condition: {exc.reason}")) from None
        return CompiledReasoner(policy, note=f"durable_rules cannot express {exc.where}: {exc.reason}")
