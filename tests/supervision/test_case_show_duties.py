"""The enterprise's own 16号令 duty — quarterly statistics by the 15th of the next quarter, annual by 31 January —
is readable where a regulator looks at a case (``case show``, text and JSON), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from hazardrules.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args, code=0):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == code, res.output
    return res.output


def test_case_show_lists_the_enterprise_reports(db_url):
    run("check", "--open-cases", "--db", db_url, ROOT / "fixtures/coal-mine/over-capacity.yaml", code=1)
    run("case", "stats", "--db", db_url, "--credit-code", "91150622MA13R8HW0K", "--period", "2026Q3",
        "--by", "企业安全科", "--date", "2026-10-20")
    text = run("case", "show", "1", "--db", db_url, "--today", "2027-02-10")
    assert "企业隐患排查治理统计分析表" in text
    assert "2026Q3  截止 2026-10-15  逾期报送  报送 2026-10-20" in text
    assert "2026Q4  截止 2027-01-15  逾期未报" in text and "2026    截止 2027-01-31  逾期未报" in text
    body = orjson.loads(run("case", "show", "1", "--db", db_url, "--today", "2026-12-01", "--format", "json"))
    assert body["enterprise_reports"] == [{"period": "2026Q3", "due": "2026-10-15", "submitted_on": "2026-10-20",
                                           "status": "late"}]
    english = run("--lang", "en", "case", "show", "1", "--db", db_url, "--today", "2027-01-10")
    assert "enterprise statistics reports" in english and "not yet due" in english
