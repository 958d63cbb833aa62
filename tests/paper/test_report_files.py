"""Reports people read: CSV with Chinese headers and a BOM, an Excel workbook with charts, one HTML file."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import orjson
import pytest

from hazardrules.cli import main
from hazardrules.supervision.report import BOM, COLUMNS

from .ledger_data import REGIONS, build_ledger


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'ledger.sqlite'}"
    made = build_ledger(url, 24)
    assert made["cases"] == 24 and made["closed"] and made["reported"]
    return url


def _json(runner, ledger, *args) -> list[dict]:
    result = runner.invoke(main, ["report", "--db", ledger, "--to", "2026-12-31", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return orjson.loads(result.output)


def test_csv_has_chinese_headers_and_a_bom(runner, ledger, tmp_path):
    """GIVEN a ledger WHEN report --format csv THEN the text starts with the UTF-8 BOM, the headers are the Chinese
    labels, yes/no in words; --headers keys gives the machine keys and no BOM; -o writes the same bytes."""
    result = runner.invoke(main, ["report", "--db", ledger, "--to", "2026-12-31", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(BOM)
    head, total = result.output[1:].splitlines()
    assert head.split(",") == [zh for _, zh, _ in COLUMNS]
    assert total.endswith(",否") or total.endswith(",是")
    keys = runner.invoke(main, ["report", "--db", ledger, "--to", "2026-12-31", "--format", "csv", "--headers", "keys"])
    assert keys.output.splitlines()[0].split(",") == [k for k, _, _ in COLUMNS] and not keys.output.startswith(BOM)
    out = tmp_path / "r.csv"
    runner.invoke(main, ["report", "--db", ledger, "--to", "2026-12-31", "--format", "csv", "-o", str(out)])
    assert out.read_bytes() == result.output.encode("utf-8")
    assert out.read_text(encoding="utf-8-sig").startswith("分组,检查次数")  # what Excel reads


def test_xlsx_report_views_charts_and_figures(runner, ledger, tmp_path):
    """GIVEN the ledger WHEN report --format xlsx THEN three sheets (month, region, sector) hold exactly the rows
    of report --by period/region/sector, with Chinese headers, a frozen header and charts on month and region."""
    out = tmp_path / "报表.xlsx"
    result = runner.invoke(main, ["report", "--db", ledger, "--to", "2026-12-31", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["按月份", "按地区", "按行业"]
    for sheet, by, charts in (("按月份", "period", 2), ("按地区", "region", 2), ("按行业", "sector", 0)):
        ws = wb[sheet]
        expected = _json(runner, ledger, "--by", by)
        header = [c.value for c in ws[3]]
        assert header[1:] == [zh for key, zh, _ in COLUMNS if key != "group"]
        rows = list(ws.iter_rows(min_row=4, max_row=3 + len(expected), values_only=True))
        assert [r[0] for r in rows] == [e["group"] for e in expected]
        for row, e in zip(rows, expected):
            for (key, _, _), value in zip(COLUMNS, row):
                want = e[key]
                if isinstance(want, bool):
                    want = "是" if want else "否"
                assert value == want, (sheet, key, value, want)
        assert ws.freeze_panes == "B4" and len(ws._charts) == charts
    regions = [r[0] for r in wb["按地区"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert {f"{c[:4]}00" for c in REGIONS} <= set(regions)


def test_xlsx_needs_an_output_file(runner, ledger):
    result = runner.invoke(main, ["report", "--db", ledger, "--format", "xlsx"])
    assert result.exit_code == 2 and "-o" in result.output


def test_html_report_is_one_self_contained_file(runner, ledger, tmp_path):
    """GIVEN the ledger WHEN report --format html THEN one file holds every view's figures and inline SVG charts,
    and nothing in it is fetched from elsewhere (no scripts, stylesheets, images or fonts by address)."""
    out = tmp_path / "报表.html"
    result = runner.invoke(main, ["report", "--db", ledger, "--to", "2026-12-31", "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg") == 4 and "<script" not in html and "<link" not in html
    assert not re.search(r"""(src|href)\s*=|url\(|@import""", html)
    text = re.sub(r"<[^>]+>", " ", html)
    for by in ("period", "region", "sector"):
        for row in _json(runner, ledger, "--by", by):
            assert row["group"] in text
            assert f"{row['major_per_1000_inspections']}" in text
    total = _json(runner, ledger)[-1]
    assert f">{total['overdue']}<" in html and "按月份" in html and "整改率（重大）" in html
    english = runner.invoke(main, ["--lang", "en", "report", "--db", ledger, "--to", "2026-12-31", "--format", "html"])
    assert english.exit_code == 0 and "By month" in english.output and "按月份" not in english.output


def test_svg_chart_gaps_are_not_zero():
    """A rate with nothing to divide by is a gap in the line, never a point at zero."""
    from hazardrules.paper.svg_charts import line_chart

    svg = line_chart("t", ["a", "b", "c"], [("s", [50.0, None, 20.0])])
    assert svg.count("<circle") == 2 and "<polyline" not in svg  # two isolated points, no line through the gap
    joined = line_chart("t", ["a", "b"], [("s", [50.0, 20.0])])
    assert joined.count("<polyline") == 1
