"""Supervision: control tiers, 双重交办 and 挂牌督办 routing, and the case ledger.

Public entry points (the CLI and other systems use only these):

- :func:`open_cases` — open cases for the hazards of determinations (``check --open-cases``);
- :func:`control_tier` — the control tier of one determination;
- :func:`sweep` — apply escalations on a date (idempotent);
- :class:`Ledger` — the case ledger (append events, read history), :func:`load_policies`,
  :class:`Router`, :func:`validate_credit_code`, :func:`parse_region`.
"""

from .identity import parse_region, validate_credit_code
from .ledger import Ledger
from .policy import load_policies, select_policy
from .routing import Router
from .service import control_tier, open_cases, sweep

__all__ = ["Ledger", "Router", "control_tier", "load_policies", "open_cases", "parse_region", "select_policy",
           "sweep", "validate_credit_code"]
