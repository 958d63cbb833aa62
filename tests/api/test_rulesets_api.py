"""GET /v1/rulesets…: metadata with digest and partial, the record schema, the checklist in YAML and xlsx."""

from __future__ import annotations

import io

import pytest

from api_support import ROOT


def test_every_edition_is_listed_with_its_digest_and_partial_flag(shared_api):
    engine = shared_api.app.state.svc.engine
    listed = {(r["id"], r["edition"]): r for r in shared_api.get("/v1/rulesets", "inspector").json()}
    assert set(listed) == {(rs.id, rs.edition) for rs in engine.all_editions()}
    for rs in engine.all_editions():
        row = listed[(rs.id, rs.edition)]
        assert (row["digest"], row["partial"], row["rules"]) == (rs.digest, rs.partial, len(rs.rules))
    assert any(r["partial"] for r in listed.values()) and not all(r["partial"] for r in listed.values())


def test_a_partial_edition_names_the_clauses_it_does_not_encode(shared_api):
    engine = shared_api.app.state.svc.engine
    rs = next(rs for rs in engine.all_editions() if rs.partial)
    body = shared_api.get(f"/v1/rulesets/{rs.id}/{rs.edition}", "regulator").json()
    assert body["partial"] is True
    assert [c["clause"] for c in body["not_encoded"]] == [c["clause"] for c in rs.not_encoded]
    assert [r["id"] for r in body["rule_list"]] == [r.id for r in rs.rules]
    assert body["source"]["document"] == rs.document


@pytest.mark.parametrize("path", ["/v1/rulesets/coal-mien/2026", "/v1/rulesets/coal-mine/1999/schema",
                                  "/v1/rulesets/coal-mine/1999/checklist"])
def test_unknown_ruleset_or_edition_is_404_with_the_engines_message(shared_api, path):
    r = shared_api.get(path, "inspector")
    assert r.status_code == 404 and r.json()["error"] in ("ruleset_not_found", "edition_not_found")
    assert "coal-mine" in r.json()["message"]


def test_schema_endpoint_is_the_library_function_in_the_asked_language(shared_api):
    from hazardrules import record_schema

    rs = shared_api.app.state.svc.engine.ruleset("coal-mine", edition="2026")
    assert shared_api.get("/v1/rulesets/coal-mine/2026/schema", "inspector").json() == record_schema(rs)
    en = shared_api.get("/v1/rulesets/coal-mine/2026/schema", "inspector", headers={"Accept-Language": "en"}).json()
    assert en == record_schema(rs, "en")
    with_scope = next(rs for rs in shared_api.app.state.svc.engine.all_editions() if any(f.scope for f in rs.fields))
    body = shared_api.get(f"/v1/rulesets/{with_scope.id}/{with_scope.edition}/schema", "inspector").json()
    facts = list(body["properties"]["facts"]["properties"])
    scope = body["properties"]["facts"]["x-scope-facts"]
    assert scope == [f.name for f in with_scope.fields if f.scope]
    assert facts[:len(scope)] == scope  # scope facts first, as the checklist asks them


def test_checklist_yaml_equals_the_cli(shared_api, runner, monkeypatch):
    from hazardrules.cli import checklist, main

    monkeypatch.setattr(checklist, "engine_from", lambda ctx: shared_api.app.state.svc.engine)
    cli = runner.invoke(main, ["checklist", "industry-trade", "--edition", "2023", "--set", "industry=metallurgy"])
    r = shared_api.get("/v1/rulesets/industry-trade/2023/checklist?set=industry=metallurgy", "inspector")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/yaml")
    assert r.text == cli.stdout


def test_checklist_xlsx_is_the_cli_workbook(shared_api, runner, tmp_path, monkeypatch):
    import openpyxl

    from hazardrules.cli import checklist, main

    monkeypatch.setattr(checklist, "engine_from", lambda ctx: shared_api.app.state.svc.engine)
    out = tmp_path / "c.xlsx"
    cli = runner.invoke(main, ["checklist", "coal-mine", "--edition", "2026", "--format", "xlsx", "-o", str(out)])
    assert cli.exit_code == 0, cli.output
    r = shared_api.get("/v1/rulesets/coal-mine/2026/checklist?format=xlsx", "inspector")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    served, written = openpyxl.load_workbook(io.BytesIO(r.content)), openpyxl.load_workbook(out)
    assert served.sheetnames == written.sheetnames
    for name in served.sheetnames:
        assert [[c.value for c in row] for row in served[name].iter_rows()] == \
            [[c.value for c in row] for row in written[name].iter_rows()]


def test_checklist_bad_set_is_422(shared_api):
    r = shared_api.get("/v1/rulesets/coal-mine/2026/checklist?set=no_equals_sign", "inspector")
    assert r.status_code == 422 and r.json()["error"] == "bad_set"
    r = shared_api.get("/v1/rulesets/coal-mine/2026/checklist?set=mine_tipe=underground", "inspector")
    assert r.status_code == 422 and r.json()["error"] == "unknown_field"


def test_openapi_document_describes_every_operation_in_chinese(shared_api):
    doc = shared_api.get("/openapi.json").json()
    assert doc["info"]["title"].startswith("hazardrules") and "判定" in doc["info"]["description"]
    ops = [(p, m, op) for p, item in doc["paths"].items() for m, op in item.items()]
    assert len(ops) >= 20
    for path, method, op in ops:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op.get("summary", "")), (method, path)
    assert (ROOT / "README.md").read_text(encoding="utf-8").count("/v1/") >= 10
