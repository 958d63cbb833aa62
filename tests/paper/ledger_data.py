"""A case ledger with known content for report tests and the paper benchmark.

Real determinations of a shipped coal-mine fixture, re-dated over several months and spread over several
regions, opened through the library as ``check --open-cases`` does; then a share of the cases is moved
through rectification, review and 销号 so every rate has something to count.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hazardrules import Engine
from hazardrules.loader import load_yaml
from hazardrules.supervision.service import open_cases, step

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures/coal-mine/over-capacity.yaml"
REGIONS = ("150622", "150303", "150102", "152502")  # Ordos, Wuhai, Hohhot, Xilingol (city codes 1506/1503/1501/1525)
MONTHS = (date(2026, 7, 6), date(2026, 8, 5), date(2026, 9, 3), date(2026, 10, 8))


def build_ledger(db_url: str, records: int) -> dict:
    """Open the cases of ``records`` inspections; move every third case to 销号 and every fifth to reported."""
    base = load_yaml(FIXTURE).data
    engine = Engine()
    dets = []
    for i in range(records):
        rec = dict(base)
        rec["record_id"] = f"RPT-{i:05d}"
        rec["inspection_date"] = (MONTHS[i % len(MONTHS)] + timedelta(days=i % 20)).isoformat()
        rec["enterprise"] = dict(base["enterprise"], region_code=REGIONS[i % len(REGIONS)],
                                 name=f"{base['enterprise']['name']}{i}")
        dets.append(engine.evaluate(rec))
    cases = []
    by_day: dict = {}
    for det in dets:  # each day's inspections opened on that day, as inspectors would
        by_day.setdefault(det.inspection_date, []).append(det)
    for day, group in sorted(by_day.items()):
        cases += open_cases(group, db_url, day)
    moved = {"closed": 0, "reported": 0}
    for n, case in enumerate(cases):
        found = date.fromisoformat(case["deadline"]) - timedelta(days=30) if case.get("deadline") else date(2026, 7, 1)
        if n % 3 == 0 or n % 5 == 0:
            on = max(found, date(2026, 7, 10))
            step(db_url, case["case"], "plan_submitted", actor="企业", on=on, data={"plan": _PLAN})
            step(db_url, case["case"], "rectification_reported", actor="企业", on=on + timedelta(days=1))
            if n % 3 == 0:
                step(db_url, case["case"], "review_passed", actor="旗应急管理局", on=on + timedelta(days=3))
                step(db_url, case["case"], "closed", actor="旗应急管理局", on=on + timedelta(days=4))
                moved["closed"] += 1
            else:
                moved["reported"] += 1
    return {"cases": len(cases), **moved}


_PLAN = {"goal_tasks": "消除超能力生产隐患", "methods": "按核定能力组织生产", "funds": "50万元", "organisation": "矿长负责",
         "time_limit": "30日", "safety": "停产整顿期间加强巡查"}
