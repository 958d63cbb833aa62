"""Cases through the service follow the CLI's state machine; the decision log answers "which rules judged this"."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api_support import FIXTURES, ROOT, fixture_record, make_api

RECORD = ROOT / "fixtures/coal-mine/several-hazards.yaml"


def test_lifecycle_and_its_refusals_match_the_cli(api, runner, sqlite_url):
    from hazardrules.cli import main

    r = api.post("/v1/determinations?open_cases=true&today=2026-11-06", "inspector",
                 content=orjson.dumps(fixture_record(RECORD)))
    case = r.json()["cases"][0]["case"]
    refused = api.post(f"/v1/cases/{case}/close", "inspector", json={"on": "2026-11-20"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 409 and refused.json()["error"] == "illegal_transition"
    cli = runner.invoke(main, ["--lang", "en", "case", "close", str(case), "--db", sqlite_url, "--by", "x",
                               "--date", "2026-11-20"])
    assert cli.exit_code == 2 and refused.json()["message"] in cli.stderr  # same code and message as the CLI
    steps = [("rectify", {}), ("verify", {"passed": False}), ("rectify", {}), ("verify", {}), ("close", {}),
             ("reopen", {})]
    states = []
    for n, (step, extra) in enumerate(steps):  # the enterprise's side reports, the regulator reviews (复核)
        who = "inspector" if step == "rectify" else "regulator"
        r = api.post(f"/v1/cases/{case}/{step}", who, json={"on": f"2026-12-{n + 1:02d}", **extra})
        assert r.status_code == 200, r.text
        states.append(r.json()["state"])
    assert states == ["reported", "rectifying", "reported", "verified", "closed", "rectifying"]
    r = api.post(f"/v1/cases/{case}/rectify", "regulator", json={"on": "2026-11-01"})  # before the last step
    assert r.status_code == 409
    r = api.post(f"/v1/cases/{case}/verify", "inspector", json={"on": "2026-12-08"})
    assert r.status_code == 409 and "复核" in r.json()["message"]  # verify from 'rectifying' is refused
    assert api.get("/v1/cases/999999", "regulator").status_code == 404
    detail = api.get(f"/v1/cases/{case}", "regulator").json()
    assert [e["kind"] for e in detail["events"]][-1] == "reopened"


def test_every_determination_is_logged_and_queryable_by_record_and_time(api):
    from hazardrules.supervision.access import record_sha256

    rec = fixture_record(RECORD)
    r = api.post("/v1/determinations", "inspector", content=orjson.dumps(rec))
    det = r.json()
    shuffled = dict(reversed(list(rec.items())))  # the same record, keys in another order
    api.post("/v1/determinations:batch", "inspector",
             content=orjson.dumps(shuffled) + b"\n" + b'{"bad json' + b"\n" + orjson.dumps(fixture_record(FIXTURES[0])))
    rows = api.get(f"/v1/decisions?record_id={rec['record_id']}", "regulator").json()
    assert len(rows) == 2
    first = rows[0]
    tokens = {t["name"]: t["id"] for t in api.get("/v1/tokens", "admin").json()}
    assert first["token_id"] == tokens["inspector"]
    assert (first["ruleset"], first["edition"], first["version"], first["digest"]) == \
        (det["ruleset"], det["edition"], det["version"], det["digest"])
    assert first["conclusion"] == det["conclusion"] == "major_hazard"
    assert first["fired"] == [f["rule"] for f in det["findings"]]
    assert rows[0]["record_sha256"] == rows[1]["record_sha256"] == record_sha256(rec)
    assert len(api.get("/v1/decisions", "admin").json()) == 3  # the bad JSON row judged nothing, logged nothing
    by_hash = api.get(f"/v1/decisions?record_sha256={record_sha256(rec)}", "admin").json()
    assert [x["id"] for x in by_hash] == [x["id"] for x in rows]
    assert api.get(f"/v1/decisions?since={first['recorded_at'].replace('+', '%2B')}", "admin").json()[0]["id"] == first["id"]
    assert api.get("/v1/decisions?until=2000-01-01T00:00:00Z", "admin").json() == []
    assert len(api.get("/v1/decisions", "regulator_ordos").json()) == 2  # the third record is not in 鄂尔多斯
    assert api.get("/v1/decisions", "regulator_baotou").json() == []


def test_a_refused_record_is_not_logged(api):
    api.post("/v1/determinations", "inspector", content=b'{"ruleset": "coal-mine", "inspection_date": "2026-08-14", '
                                                        b'"facts": {"x": 1}}')
    assert api.get("/v1/decisions", "admin").json() == []


def test_the_decision_log_is_append_only_in_the_database(db_url):
    """GIVEN a logged decision WHEN anyone tries to UPDATE, DELETE, REPLACE or TRUNCATE it with SQL THEN the database refuses."""
    api = make_api(db_url)
    api.post("/v1/determinations", "inspector", content=orjson.dumps(fixture_record(RECORD)))
    engine = api.app.state.svc.ledger.engine
    attempts = ["UPDATE decision_log SET conclusion = 'no_major_hazard'", "DELETE FROM decision_log"]
    if engine.dialect.name == "sqlite":
        attempts += ["REPLACE INTO decision_log SELECT * FROM decision_log",
                     "INSERT OR REPLACE INTO decision_log SELECT * FROM decision_log"]
    else:
        attempts += ["TRUNCATE decision_log"]
    for sql in attempts:
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(sql))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT conclusion FROM decision_log")).scalars().all() == ["major_hazard"]
    api.app.state.svc.close()


def test_when_the_log_cannot_be_written_no_determination_is_served(api, monkeypatch):
    """GIVEN a decision log that refuses writes WHEN a record is posted THEN 503 and no determination, single or batch."""
    from hazardrules.api import decision_writer

    def refuse(engine, rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(decision_writer, "append_decisions", refuse)
    body = orjson.dumps(fixture_record(RECORD))
    r = api.post("/v1/determinations", "inspector", content=body)
    assert r.status_code == 503 and r.json()["error"] == "decision_log_unavailable" and "findings" not in r.text
    rows = [orjson.loads(x) for x in api.post("/v1/determinations:batch", "inspector", content=body + b"\n" + body).content.splitlines()]
    assert [x["ok"] for x in rows] == [False, False]
    assert {x["error"] for x in rows} == {"decision_log_unavailable"}


def test_concurrent_requests_share_commits_and_every_one_is_logged(api):
    """GIVEN 40 requests from 8 threads WHEN served THEN the log holds exactly 40 rows, one per determination."""
    from concurrent.futures import ThreadPoolExecutor

    body = orjson.dumps(fixture_record(RECORD))
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: api.post("/v1/determinations", "inspector", content=body).status_code, range(40)))
    assert codes == [200] * 40
    assert len(api.get("/v1/decisions?limit=1000", "admin").json()) == 40
