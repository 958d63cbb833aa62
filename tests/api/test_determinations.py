"""POST /v1/determinations and :batch: the CLI's bytes, the CLI's errors, limits, streaming."""

from __future__ import annotations

import orjson
import pytest
import yaml

from api_support import FIXTURES, ROOT, fixture_record


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_service_and_cli_give_byte_identical_determinations_for_every_fixture(shared_api, runner, lang, monkeypatch):
    """GIVEN every shipped fixture WHEN judged by `check --format json` and by the service THEN the bytes are equal."""
    from hazardrules.cli import check, main

    engine = shared_api.app.state.svc.engine  # compiled once; the CLI would compile per invocation
    monkeypatch.setattr(check, "engine_from", lambda ctx: engine)

    assert len(FIXTURES) > 50
    for path in FIXTURES:
        cli = runner.invoke(main, ["--rules", str(ROOT / "rulesets"), "--lang", lang, "check", "--format", "json",
                                   "--exit-zero", str(path)])
        r = shared_api.post("/v1/determinations", "inspector", content=orjson.dumps(fixture_record(path)),
                            headers={"Accept-Language": "en-GB,en;q=0.9" if lang == "en" else "zh-CN"})
        expected = path.with_name(path.stem + ".expected.yaml")
        error = yaml.safe_load(expected.read_text(encoding="utf-8")).get("error") if expected.exists() else None
        if error:  # a fixture whose expected outcome is an error: both refuse it with the same code
            assert cli.exit_code == 2, (path, cli.output)
            assert r.status_code in (400, 422) and orjson.loads(r.content)["error"] == error, (path, r.text)
            continue
        assert cli.exit_code in (0, 3), (path, cli.output)
        assert r.status_code == 200, (path, r.text)
        assert r.content == cli.stdout_bytes, path


def test_batch_gives_one_row_per_input_row_in_order(shared_api):
    """GIVEN a JSONL body with good rows, a blank line, bad JSON and a bad field WHEN posted to :batch
    THEN one output row per non-blank input row, in order, errors naming the line."""
    good = [fixture_record(p) for p in FIXTURES[:5]]
    lines = [orjson.dumps(r) for r in good[:2]] + [b"", b'{"ruleset": "coal-mine",'] + \
            [orjson.dumps({"ruleset": "coal-mine", "inspection_date": "2026-08-01", "facts": {"no_such_fact": 1}})] + \
            [orjson.dumps(r) for r in good[2:]]
    r = shared_api.post("/v1/determinations:batch", "regulator", content=b"\n".join(lines) + b"\n")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    rows = [orjson.loads(x) for x in r.content.splitlines()]
    assert [x["row"] for x in rows] == list(range(1, 8))
    assert [x["ok"] for x in rows] == [True, True, False, False, True, True, True]
    assert rows[2]["where"] == "body:4:25" or rows[2]["where"].startswith("body:4")
    assert rows[2]["error"] == "json_syntax"
    assert rows[3]["error"] == "unknown_field" and rows[3]["where"] == "body:5"
    assert [x["record_id"] for x in rows if x["ok"]] == [g.get("record_id") for g in good]


def test_batch_full_detail_equals_the_single_determination(shared_api):
    rec = fixture_record(FIXTURES[0])
    single = orjson.loads(shared_api.post("/v1/determinations", "inspector", content=orjson.dumps(rec)).content)
    r = shared_api.post("/v1/determinations:batch?detail=full", "inspector", content=orjson.dumps(rec))
    row = orjson.loads(r.content)
    assert single.pop("control_tier")["policy"]  # the single determination also carries the control tier (as check)
    assert {k: v for k, v in row.items() if k not in ("row", "where", "ok")} == single


def test_batch_streams_more_than_one_chunk(shared_api):
    """GIVEN more rows than one chunk WHEN posted THEN every row comes back (the stream is not cut at a chunk)."""
    from hazardrules.api.routes.determinations import CHUNK

    rec = orjson.dumps(fixture_record(FIXTURES[0]))
    n = CHUNK * 2 + 3
    with shared_api.client.stream("POST", "/v1/determinations:batch", content=b"\n".join([rec] * n),
                                  headers=shared_api.headers("inspector")) as r:
        pieces = list(r.iter_bytes())
    body = b"".join(pieces)
    assert len(body.splitlines()) == n
    assert all(orjson.loads(x)["ok"] for x in body.splitlines())


@pytest.mark.parametrize("lang,expected", [("zh", "未声明的字段"), ("en", "undeclared field")])
def test_a_bad_field_is_422_with_the_cli_code_place_and_message(shared_api, runner, tmp_path, lang, expected,
                                                                monkeypatch):
    from hazardrules.cli import check, main

    monkeypatch.setattr(check, "engine_from", lambda ctx: shared_api.app.state.svc.engine)
    rec = {"ruleset": "coal-mine", "inspection_date": "2026-08-14", "facts": {"annual_outptu_t": 5}}
    r = shared_api.post("/v1/determinations", "inspector", content=orjson.dumps(rec), headers={"Accept-Language": lang})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "unknown_field"
    assert body["diagnostics"][0]["where"] == "body annual_outptu_t"
    assert expected in body["message"] and "annual_output_t" in body["message"]  # did-you-mean, as the CLI says
    path = tmp_path / "body"
    path.write_bytes(orjson.dumps(rec))
    path = path.rename(tmp_path / "body.json")
    cli = runner.invoke(main, ["--lang", lang, "check", str(path)])
    assert cli.exit_code == 2
    assert body["diagnostics"][0]["message"] in cli.stderr  # the same message text, only the place differs


@pytest.mark.parametrize("body,status,code", [
    (b'{"ruleset": ', 400, "json_syntax"),
    (b"\xff\xfe", 400, "json_syntax"),
    (b"[1, 2]", 422, "record_not_mapping"),
    (b'{"ruleset": "coal-mien", "inspection_date": "2026-08-14"}', 422, "ruleset_not_found"),
    (b'{"ruleset": "coal-mine", "inspection_date": "1999-01-01"}', 422, "edition_not_encoded"),
    (b'{"ruleset": "coal-mine", "inspection_date": "2026-08-14", "facts": {"annual_output_t": "many"}}', 422, None),
])
def test_unreadable_and_refused_bodies(shared_api, body, status, code):
    r = shared_api.post("/v1/determinations", "inspector", content=body)
    assert r.status_code == status, r.text
    out = r.json()
    assert out["status"] == status and out["message"] and out["diagnostics"]
    if code:
        assert out["error"] == code
    assert "Traceback" not in r.text


def test_unknown_ruleset_suggests_the_near_one(shared_api):
    r = shared_api.post("/v1/determinations", "inspector",
                        content=b'{"ruleset": "coal-mien", "inspection_date": "2026-08-14"}')
    assert "coal-mine" in r.json()["message"]


def test_size_and_depth_limits(sqlite_url):
    from api_support import make_api
    from hazardrules.api import Limits

    api = make_api(sqlite_url, limits=Limits(body=2048, batch_body=4096, depth=8))
    big = b'{"ruleset": "coal-mine", "facts": {"mine_name": "' + b"x" * 3000 + b'"}}'
    r = api.post("/v1/determinations", "inspector", content=big)
    assert r.status_code == 413 and r.json()["error"] == "body_too_large"
    r = api.post("/v1/determinations:batch", "inspector", content=big)  # the batch limit is larger
    assert r.status_code == 200 and orjson.loads(r.content)["ok"] is False
    r = api.post("/v1/determinations:batch", "inspector", content=big * 2)
    assert r.status_code == 413
    deep = b'{"ruleset": "coal-mine", "facts": {"a": ' + b"[" * 20 + b"]" * 20 + b"}}"
    r = api.post("/v1/determinations", "inspector", content=deep)
    assert r.status_code == 400 and r.json()["error"] == "too_deep"
    r = api.post("/v1/determinations:batch", "inspector", content=deep)
    assert orjson.loads(r.content)["error"] == "too_deep"


def test_a_chunked_body_over_the_limit_is_refused_while_read(sqlite_url):
    """GIVEN no Content-Length (chunked upload) WHEN the body passes the limit THEN 413, not a partial read."""
    from api_support import make_api
    from hazardrules.api import Limits

    api = make_api(sqlite_url, limits=Limits(body=2048))

    def chunks():
        for _ in range(10):
            yield b" " * 1000

    r = api.post("/v1/determinations", "inspector", content=chunks())
    assert r.status_code == 413


def test_internal_errors_are_500_with_an_incident_and_no_traceback(api, monkeypatch):
    def boom(*a, **k):
        raise ZeroDivisionError("secret detail")

    monkeypatch.setattr(api.app.state.svc.engine, "evaluate", boom)
    r = api.post("/v1/determinations", "inspector", content=orjson.dumps(fixture_record(FIXTURES[0])))
    assert r.status_code == 500
    assert r.json()["error"] == "internal_error"
    assert "secret detail" not in r.text and "Traceback" not in r.text and "incident" in r.json()["message"] or \
        "事件编号" in r.json()["message"]


def test_open_cases_routes_and_opens_cases(api):
    rec = fixture_record(ROOT / "fixtures/coal-mine/several-hazards.yaml")
    r = api.post("/v1/determinations?open_cases=true&today=2026-11-06", "inspector", content=orjson.dumps(rec))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["major_hazard"] and len(body["cases"]) == sum(1 for f in body["findings"] if f["kind"] == "major")
    assert all(c["created"] for c in body["cases"])
    again = api.post("/v1/determinations?open_cases=true&today=2026-11-06", "inspector", content=orjson.dumps(rec)).json()
    assert [c["case"] for c in again["cases"]] == [c["case"] for c in body["cases"]]
    assert not any(c["created"] for c in again["cases"])  # idempotent, and says so
    listed = api.get("/v1/cases", "inspector").json()
    assert sorted(c["id"] for c in listed) == sorted(c["case"] for c in body["cases"])


@pytest.mark.parametrize("value", [{}, [], ["county"]])
def test_found_by_of_the_wrong_type_is_a_clear_error_not_a_crash(shared_api, runner, tmp_path, value):
    """Found by the contract tests: `found_by: {}` raised TypeError (unhashable) in the record check, in the CLI too."""
    from hazardrules.cli import main

    rec = {"ruleset": "coal-mine", "inspection_date": "2026-08-14", "found_by": value, "facts": {}}
    r = shared_api.post("/v1/determinations", "inspector", content=orjson.dumps(rec))
    assert r.status_code == 422 and r.json()["error"] == "bad_found_by"
    path = tmp_path / "r.json"
    path.write_bytes(orjson.dumps(rec))
    cli = runner.invoke(main, ["check", str(path)])
    assert cli.exit_code == 2 and "found_by" in cli.stderr


def test_the_control_tier_is_the_supervision_policys(shared_api):
    """GIVEN a major hazard WHEN judged by the service THEN the body carries the tier the jurisdiction's policy gives."""
    from hazardrules.supervision import control_tier

    rec = fixture_record(ROOT / "fixtures/coal-mine/several-hazards.yaml")
    body = shared_api.post("/v1/determinations", "inspector", content=orjson.dumps(rec)).json()
    expected = control_tier(shared_api.app.state.svc.engine.evaluate(rec))
    assert body["control_tier"] == orjson.loads(orjson.dumps(expected))
    assert expected["color"] and expected["interval_days"] > 0


def test_fixtures_that_expect_an_error_get_the_clis_code_and_message(shared_api, runner, monkeypatch):
    """GIVEN every fixture whose expected result is an error (e.g. no encoded edition in force) WHEN posted THEN 422
    with the code the fixture expects and the message the CLI prints."""
    import yaml

    from api_support import _judged
    from hazardrules.cli import check, main

    monkeypatch.setattr(check, "engine_from", lambda ctx: shared_api.app.state.svc.engine)
    errors = sorted(p for p in (ROOT / "fixtures").glob("*/*.yaml")
                    if not p.name.endswith(".expected.yaml") and not _judged(p))
    assert errors, "no fixture expects an error any more: this test has nothing to compare"
    for path in errors:
        expected = yaml.safe_load(path.with_name(path.stem + ".expected.yaml").read_text(encoding="utf-8"))["error"]
        r = shared_api.post("/v1/determinations", "inspector", content=orjson.dumps(fixture_record(path)))
        assert r.status_code == 422, (path, r.text)
        assert r.json()["error"] == expected, (path, r.json()["error"], expected)
        cli = runner.invoke(main, ["check", "--format", "json", str(path)])
        assert cli.exit_code == 2 and r.json()["diagnostics"][0]["message"] in cli.stderr, path


def test_a_chunked_oversize_body_on_a_modelled_route_is_413_too(sqlite_url):
    """GIVEN a route whose body FastAPI parses (a case step) WHEN a chunked body passes the limit THEN 413, not 400."""
    from api_support import make_api
    from hazardrules.api import Limits

    api = make_api(sqlite_url, limits=Limits(body=2048))

    def chunks():
        yield b'{"on": "2026-12-01", "note": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    r = api.post("/v1/cases/1/rectify", "inspector", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "body_too_large"
