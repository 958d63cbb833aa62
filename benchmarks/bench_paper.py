"""Paper and spreadsheet outputs: one 隐患判定书 (PDF, HTML) and the supervision report over 1,000 cases.

Run: ``python -m pytest benchmarks/bench_paper.py --benchmark-enable``; file sizes are printed with ``-s``
and kept in each benchmark's ``extra_info``.

- ``document``: one 判定书 of the nine-hazard coal record, rendered to PDF (fpdf2, the shipped CJK font
  embedded as a subset) and to HTML (Jinja2);
- ``report``: ``hazardrules report`` over a ledger of 1,000 cases (1,000 inspections, a third closed) written
  as xlsx (three views with charts), HTML (inline SVG charts) and CSV.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "paper"))

from ledger_data import build_ledger  # noqa: E402

from hazardrules import Engine  # noqa: E402
from hazardrules.loader import load_yaml  # noqa: E402
from hazardrules.paper import report_files  # noqa: E402
from hazardrules.paper.determination_doc import document_context, render_html, render_pdf  # noqa: E402
from hazardrules.supervision import report as report_mod  # noqa: E402


@pytest.fixture(scope="module")
def doc():
    record = load_yaml(ROOT / "fixtures/coal-mine/several-hazards.yaml").data
    det = Engine().evaluate(record)
    return document_context(det, record, "zh", tier="", cases=[])


@pytest.mark.benchmark(group="document")
def test_determination_pdf(benchmark, doc, tmp_path):
    out = tmp_path / "判定书.pdf"
    benchmark.pedantic(render_pdf, args=([doc], out), rounds=5, iterations=1, warmup_rounds=0)
    benchmark.extra_info["bytes"] = out.stat().st_size
    print(f"\n判定书 PDF: {out.stat().st_size:,} bytes")


@pytest.mark.benchmark(group="document")
def test_determination_html(benchmark, doc):
    html = benchmark(render_html, [doc])
    benchmark.extra_info["bytes"] = len(html.encode())
    print(f"\n判定书 HTML: {len(html.encode()):,} bytes")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('paper') / 'ledger.sqlite'}"
    made = build_ledger(url, 1000)
    assert made["cases"] == 1000
    return url


def _views(url):
    return report_files.compute_views(url, end=date(2026, 12, 31))


@pytest.mark.benchmark(group="report")
@pytest.mark.parametrize("fmt", ["xlsx", "html", "csv"])
def test_report_1000_cases(benchmark, ledger, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"

    def run():
        if fmt == "csv":
            rows = report_mod.compute(ledger, end=date(2026, 12, 31), by="region")
            out.write_text(report_mod.render(rows, "csv"), encoding="utf-8")
        elif fmt == "xlsx":
            report_files.write_xlsx(_views(ledger), str(out))
        else:
            out.write_text(report_files.render_html(_views(ledger)), encoding="utf-8")

    benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=1)
    benchmark.extra_info["bytes"] = os.path.getsize(out)
    print(f"\nreport {fmt}: {os.path.getsize(out):,} bytes")
