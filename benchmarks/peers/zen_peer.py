"""The 21 rules as a GoRules JDM decision table run by zen-engine (hit policy ``collect``).

One table row per outcome that is not "passed": a row "fired" (applicability and condition) and a
row "not applicable" (no applicability) for each rule; the matched rows give the statuses. The
cells are zen expressions over the whole input (the input column has no field).
"""

from __future__ import annotations

import json

import zen

from .common import RULE_IDS
from .rule_engine_peer import RULES


def _zen(expr: str) -> str:
    return expr.replace(" in ['high', 'outburst']", " in ['high', 'outburst']")  # same syntax; kept explicit


def decision_content() -> dict:
    rows = []
    for rid, (applies, when) in zip(RULE_IDS, RULES):
        fired = f"({applies}) and ({when})" if applies else when
        rows.append({"_id": f"{rid}-fired", "cond": _zen(fired), "rule": json.dumps(rid), "status": "1"})
        if applies:
            rows.append({"_id": f"{rid}-na", "cond": _zen(f"not ({applies})"), "rule": json.dumps(rid), "status": "3"})
    table = {"hitPolicy": "collect", "inputs": [{"id": "cond", "name": "condition", "field": ""}],
             "outputs": [{"id": "rule", "name": "rule", "field": "rule"}, {"id": "status", "name": "status", "field": "status"}],
             "rules": rows}
    return {"nodes": [{"id": "in", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}},
                      {"id": "dt", "type": "decisionTableNode", "name": "coal", "position": {"x": 1, "y": 0}, "content": table},
                      {"id": "out", "type": "outputNode", "name": "response", "position": {"x": 2, "y": 0}}],
            "edges": [{"id": "e1", "sourceId": "in", "targetId": "dt", "type": "edge"},
                      {"id": "e2", "sourceId": "dt", "targetId": "out", "type": "edge"}]}


_DECISION = zen.ZenEngine().create_decision(json.dumps(decision_content()))
_INDEX = {rid: i for i, rid in enumerate(RULE_IDS)}


def judge(facts: dict) -> tuple:
    statuses = [0] * len(RULE_IDS)
    for hit in _DECISION.evaluate(facts)["result"]:
        statuses[_INDEX[hit["rule"]]] = hit["status"]
    return tuple(statuses)
