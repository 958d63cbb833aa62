"""The printable 隐患判定书: PDF and HTML carry every finding's clause, render Chinese, and never half-write."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
import pytest

from hazardrules import Engine
from hazardrules.cli import main
from hazardrules.loader import load_yaml

ROOT = Path(__file__).resolve().parents[2]
SEVERAL = ROOT / "fixtures/coal-mine/several-hazards.yaml"


def _record(tmp_path) -> Path:
    text = SEVERAL.read_text(encoding="utf-8").replace("inspection_date:", "inspectors: [张伟, 李娜]\ninspection_date:", 1)
    path = tmp_path / "record.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _pdf_text(path: Path) -> tuple[str, list]:
    doc = pypdfium2.PdfDocument(str(path))
    pages = [doc[i] for i in range(len(doc))]
    return "".join(p.get_textpage().get_text_range() for p in pages), pages


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_has_every_clause_and_renders(runner, tmp_path):
    """GIVEN a record with nine major hazards WHEN printed as PDF with cases opened THEN the extracted text holds
    every finding's clause, the enterprise, inspectors, conclusion, digest and the case table, and page 1
    rendered to an image is not blank (glyphs drawn, not boxes of a missing font)."""
    record = _record(tmp_path)
    out = tmp_path / "判定书.pdf"
    db = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    result = runner.invoke(main, ["check", str(record), "--format", "pdf", "-o", str(out), "--open-cases", "--db", db,
                                  "--today", "2026-11-06"])
    assert result.exit_code == 1, result.output
    det = Engine(ROOT / "rulesets").evaluate(load_yaml(record).data)
    text, pages = _pdf_text(out)
    flat = _flat(text)
    for f in det.findings:
        assert _flat(f.cite) in flat, f.cite
    for needle in (det.enterprise["name"], "张伟、李娜", "存在重大事故隐患", det.digest, "挂牌督办层级", "交办对象",
                   "企业（主体责任）", "检查人员（签字）"):
        assert _flat(needle) in flat, needle
    image = pages[0].render(scale=0.5).to_pil().convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 2000, "page 1 is (nearly) blank"


def test_pdf_fonts_are_embedded(runner, tmp_path):
    """GIVEN a PDF 判定书 THEN it embeds its font (a subset), so a machine without Chinese fonts shows it."""
    out = tmp_path / "a.pdf"
    result = runner.invoke(main, ["check", "--exit-zero", str(_record(tmp_path)), "--format", "pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert b"/FontFile2" in raw and out.stat().st_size < 400_000


def test_html_is_self_contained_and_complete(runner, tmp_path):
    """GIVEN the same record as HTML THEN it names every clause and loads nothing from the network."""
    out = tmp_path / "a.html"
    result = runner.invoke(main, ["check", "--exit-zero", str(_record(tmp_path)), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    det = Engine(ROOT / "rulesets").evaluate(load_yaml(_record(tmp_path)).data)
    for f in det.findings:
        assert f.cite in html
    assert not re.search(r"(src|href)=\"?(https?:)?//", html) and "<script" not in html
    assert html.startswith("<!DOCTYPE html>") and 'charset="utf-8"' in html


def test_incomplete_record_document(runner, tmp_path):
    """GIVEN a blank checklist WHEN printed THEN the document says 未能得出结论 and lists facts to record —
    never 未发现."""
    blank = tmp_path / "blank.yaml"
    r = runner.invoke(main, ["checklist", "urban-gas"])
    blank.write_text(r.output, encoding="utf-8")
    out = tmp_path / "b.html"
    result = runner.invoke(main, ["check", str(blank), "--format", "html", "-o", str(out)])
    assert result.exit_code == 3, result.output
    html = out.read_text(encoding="utf-8")
    assert "未能得出结论" in html and "未发现" not in html and "需补充的事实" in html


def test_fire_document_uses_its_own_term(runner, tmp_path):
    """GIVEN a fire record with a finding THEN the document is a 重大火灾隐患判定书."""
    fixture = next(p for p in sorted((ROOT / "fixtures/fire").glob("*.yaml")) if not p.name.endswith(".expected.yaml")
                   and Engine(ROOT / "rulesets").evaluate(load_yaml(p).data).major_hazard)
    out = tmp_path / "f.html"
    result = runner.invoke(main, ["check", "--exit-zero", str(fixture), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "重大火灾隐患判定书" in out.read_text(encoding="utf-8")


def test_pdf_needs_output_and_english_works(runner, tmp_path):
    result = runner.invoke(main, ["check", str(_record(tmp_path)), "--format", "pdf"])
    assert result.exit_code == 2 and "-o" in result.output
    out = tmp_path / "en.html"
    result = runner.invoke(main, ["--lang", "en", "check", "--exit-zero", str(_record(tmp_path)), "--format", "html",
                                  "-o", str(out)])
    assert result.exit_code == 0 and "major accident hazard found" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_no_partial_file_when_rendering_fails(runner, tmp_path, monkeypatch, fmt):
    """GIVEN rendering that fails half-way THEN no output file and no temporary file is left."""
    from hazardrules.paper import determination_doc

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(determination_doc, "render_pdf" if fmt == "pdf" else "render_html", boom)
    out = tmp_path / f"x.{fmt}"
    runner.invoke(main, ["check", "--exit-zero", str(_record(tmp_path)), "--format", fmt, "-o", str(out)])
    assert not out.exists() and not list(tmp_path.glob(".x.*"))
