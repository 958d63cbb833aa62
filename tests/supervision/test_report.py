"""Report metrics are computed as of a date, from the events."""

from datetime import date

from hazardrules.supervision import open_cases
from hazardrules.supervision.report import compute, render
from hazardrules.supervision.service import step


def test_as_of_dates_and_rates(db_url, det, finding):
    a, b = (c["case"] for c in open_cases(
        [det("A", [finding("coal26.4.1")], on=date(2026, 3, 1)), det("B", [finding("coal26.5.1")], on=date(2026, 4, 1))],
        db_url, date(2026, 4, 1)))
    step(db_url, a, "rectification_reported", actor="企业", on=date(2026, 4, 10))
    step(db_url, a, "review_passed", actor="局", on=date(2026, 4, 20))
    step(db_url, a, "closed", actor="局", on=date(2026, 5, 5))

    def total(end, **kw):
        return compute(db_url, end=end, **kw)[-1]

    t = total(date(2026, 4, 30))
    assert (t["found_major"], t["rectification_rate_major"], t["major_closed_rate"]) == (2, 50.0, 0.0)
    t = total(date(2026, 5, 31))
    assert (t["rectification_rate_major"], t["major_closed_rate"], t["overdue"], t["dynamic_clearance"]) == (50.0, 50.0, 0, True)
    t = total(date(2026, 7, 1))  # B's deadline (2026-06-30) has passed
    assert (t["overdue"], t["dynamic_clearance"]) == (1, False)
    by_month = compute(db_url, end=date(2026, 7, 1), by="period", period="month")
    assert [r["group"] for r in by_month] == ["2026-03", "2026-04", "合计/total"]
    assert compute(db_url, end=date(2026, 3, 31), start=date(2026, 3, 1))[-1]["found_major"] == 1
    text = render(by_month, "table", "en")
    assert "major closed % (销号)" in text and "2026-04" in text
