"""Supervision: control tiers, 双重交办 and 挂牌督办 routing, and the case ledger.

Public entry points (the CLI and other systems use only these):

- :func:`open_cases` — open cases for the hazards of determinations (``check --open-cases``);
- :func:`control_tier` — the control tier of one determination; :func:`tier_of_scores` for LEC/LS;
- :func:`sweep` — apply escalations and flag overdue time limits on a date (idempotent);
- :class:`Settings` — rules directory, the user's default jurisdiction, reasoner;
- :class:`Ledger` — the case ledger (append events, read history), :func:`load_policies`,
  :class:`Router`, :func:`validate_credit_code`, :func:`parse_region`.

Names are imported on first use so that ``check`` without ``--open-cases`` never loads SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module

_WHERE = {
    "Ledger": ".ledger", "Router": ".routing", "Settings": ".context", "control_tier": ".context",
    "tier_of_scores": ".context", "load_policies": ".policy", "select_policy": ".policy", "open_cases": ".service",
    "sweep": ".service", "parse_region": ".identity", "validate_credit_code": ".identity",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
