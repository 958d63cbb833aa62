"""An inspection that could not be concluded (未能得出结论) is never counted as one that found nothing: the
ledger stores each inspection's conclusion, the report counts such inspections apart, leaves them out of the
base of 每千次检查发现重大隐患数量, and 动态清零 is 未确定 while one of them stands (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, select

from hazardrules import Engine
from hazardrules.loader import load_yaml
from hazardrules.supervision import open_cases
from hazardrules.supervision.report import compute, render
from hazardrules.supervision.schema import inspections

ROOT = Path(__file__).resolve().parents[2]


def _det(name: str):
    return Engine(ROOT / "rulesets").evaluate(load_yaml(ROOT / "fixtures/coal-mine" / name).data)


def test_incomplete_inspections_counted_apart(db_url):
    dets = [_det("clean-underground-low-gas.yaml"), _det("scope-fact-missing.yaml"), _det("over-capacity.yaml")]
    assert [d.conclusion for d in dets] == ["no_major_hazard", "incomplete", "major_hazard"]
    majors = len([f for f in dets[2].findings if f.kind == "major"])
    open_cases(dets, db_url, date(2026, 9, 3))
    engine = create_engine(db_url)
    with engine.connect() as conn:
        stored = dict(conn.execute(select(inspections.c.record_id, inspections.c.conclusion)).all())
    engine.dispose()
    assert stored == {d.record_id: d.conclusion for d in dets}
    total = compute(db_url, end=date(2026, 9, 30))[-1]
    assert (total["inspections"], total["inspections_incomplete"]) == (3, 1)
    assert total["major_per_1000_inspections"] == round(1000.0 * majors / 2, 1)  # two concluded inspections
    assert total["overdue"] == 0 and total["dynamic_clearance"] is None  # not 是: one inspection is open
    text = render(compute(db_url, end=date(2026, 9, 30)), "table")
    assert "未能得出结论的检查" in text and "未确定" in text


def test_clearance_false_wins_over_undetermined(db_url):
    """An overdue major case makes 动态清零 否 whatever else is open."""
    dets = [_det("scope-fact-missing.yaml"), _det("over-capacity.yaml")]
    open_cases(dets, db_url, date(2026, 9, 3))
    total = compute(db_url, end=date(2027, 12, 31))[-1]
    assert total["overdue"] > 0 and total["dynamic_clearance"] is False


def test_only_concluded_inspections_clear(db_url):
    """Clean inspections only: 动态清零 是 and the per-1000 figure is 0, not undefined."""
    open_cases([_det("clean-underground-low-gas.yaml")], db_url, date(2026, 8, 14))
    total = compute(db_url, end=date(2026, 9, 30))[-1]
    assert (total["inspections_incomplete"], total["major_per_1000_inspections"], total["dynamic_clearance"]) == (0, 0.0, True)
