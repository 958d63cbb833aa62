"""Who may do what: 401 without a valid token, 403 for the wrong role or region, each with a clear body."""

from __future__ import annotations

import orjson
import pytest

from api_support import ROOT, fixture_record

RECORD = ROOT / "fixtures/coal-mine/several-hazards.yaml"  # enterprise in 鄂尔多斯 (1506xx)
PROTECTED = [("post", "/v1/determinations"), ("post", "/v1/determinations:batch"), ("get", "/v1/rulesets"),
             ("get", "/v1/rulesets/coal-mine/2026/schema"), ("get", "/v1/cases"), ("get", "/v1/cases/1"),
             ("get", "/v1/reports"), ("get", "/v1/tokens"), ("get", "/v1/decisions"), ("post", "/v1/cases:sweep")]


def _call(api, method, path, who, body=b"{}"):
    if method == "get":
        return api.get(path, who)
    return api.post(path, who, content=body)


@pytest.mark.parametrize("method,path", PROTECTED)
def test_no_token_and_a_bad_token_are_401_with_a_clear_body(shared_api, method, path):
    r = _call(shared_api, method, path, None)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"] == "unauthorized" and "Authorization: Bearer" in r.json()["message"]
    bad = shared_api.client.get(path, headers={"Authorization": "Bearer hzr_000000000000_nope"}) if method == "get" \
        else shared_api.client.post(path, content=b"{}", headers={"Authorization": "Bearer hzr_000000000000_nope"})
    assert bad.status_code == 401 and "无效" in bad.json()["message"]


ALLOWED = {  # (method, path) -> roles that pass the role check
    ("get", "/v1/reports"): {"regulator"},
    ("get", "/v1/tokens"): {"admin"},
    ("get", "/v1/decisions"): {"regulator", "admin"},
    ("get", "/v1/cases"): {"inspector", "regulator"},
    ("post", "/v1/determinations"): {"inspector", "regulator"},
    ("get", "/v1/rulesets"): {"inspector", "regulator", "admin"},
}


@pytest.mark.parametrize("who", ["inspector", "regulator", "admin"])
@pytest.mark.parametrize("method,path", sorted(ALLOWED))
def test_each_role_gets_exactly_its_endpoints(shared_api, who, method, path):
    body = orjson.dumps(fixture_record(RECORD))
    r = _call(shared_api, method, path, who, body)
    if who in ALLOWED[(method, path)]:
        assert r.status_code == 200, r.text
    else:
        assert r.status_code == 403 and r.json()["error"] == "forbidden_role", r.text
        assert who in r.json()["message"] or "角色" in r.json()["message"]


def test_a_revoked_token_stops_working(api):
    r = api.post("/v1/tokens", "admin", json={"name": "temp", "role": "inspector"})
    assert r.status_code == 201
    token = r.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/v1/rulesets", headers=headers).status_code == 200
    assert api.delete(f"/v1/tokens/{r.json()['id']}", "admin").status_code == 200
    assert api.client.get("/v1/rulesets", headers=headers).status_code == 401  # cache off in this fixture
    listed = {t["id"]: t for t in api.get("/v1/tokens", "admin").json()}
    assert listed[r.json()["id"]]["revoked_at"] and "secret_sha256" not in listed[r.json()["id"]]


def _open(api, who="inspector"):
    r = api.post("/v1/determinations?open_cases=true&today=2026-11-06", who, content=orjson.dumps(fixture_record(RECORD)))
    assert r.status_code == 200, r.text
    return [c["case"] for c in r.json()["cases"]]


def test_regions_scope_what_a_regulator_sees_and_moves(api):
    ids = _open(api)
    assert api.get(f"/v1/cases/{ids[0]}", "regulator_ordos").status_code == 200
    assert sorted(c["id"] for c in api.get("/v1/cases", "regulator_ordos").json()) == sorted(ids)
    assert api.get("/v1/cases", "regulator_baotou").json() == []
    r = api.get(f"/v1/cases/{ids[0]}", "regulator_baotou")
    assert r.status_code == 403 and r.json()["error"] == "forbidden_region" and "150200" in r.json()["message"]
    r = api.post(f"/v1/cases/{ids[0]}/rectify", "regulator_baotou", json={"on": "2026-11-20"})
    assert r.status_code == 403
    assert api.get("/v1/cases?region=1502", "regulator_ordos").status_code == 403  # outside its scope
    assert api.get("/v1/reports", "regulator_baotou").json()[-1]["found_major"] == 0
    assert api.get("/v1/reports", "regulator_ordos").json()[-1]["found_major"] == len(ids)


def test_an_inspector_moves_only_the_cases_it_opened(api):
    ids = _open(api)
    assert api.get("/v1/cases", "inspector2").json() == []
    r = api.post(f"/v1/cases/{ids[0]}/rectify", "inspector2", json={"on": "2026-11-20"})
    assert r.status_code == 403 and r.json()["error"] == "forbidden_case"
    r = api.post(f"/v1/cases/{ids[0]}/rectify", "inspector", json={"on": "2026-11-20"})
    assert r.status_code == 200 and r.json()["state"] == "reported"
    events = api.get(f"/v1/cases/{ids[0]}", "inspector").json()["events"]
    assert events[-1]["kind"] == "rectification_reported" and events[-1]["actor"] == "inspector"


def test_opening_cases_outside_the_tokens_region_is_403(api):
    r = api.post("/v1/determinations?open_cases=true", "regulator_baotou", content=orjson.dumps(fixture_record(RECORD)))
    assert r.status_code == 403 and r.json()["error"] == "forbidden_region"
    assert api.get("/v1/cases", "regulator").json() == []  # nothing was opened


def test_only_national_regulators_and_admins_sweep(api):
    _open(api)
    assert api.post("/v1/cases:sweep", "regulator_ordos", json={"today": "2027-06-01"}).status_code == 403
    r = api.post("/v1/cases:sweep", "admin", json={"today": "2027-06-01"})
    assert r.status_code == 200 and r.json()
    again = api.post("/v1/cases:sweep", "regulator", json={"today": "2027-06-01"})
    assert again.status_code == 200 and again.json() == []  # idempotent, as the CLI


def test_report_csv_is_the_cli_csv(api, runner):
    """GIVEN cases in the service's ledger WHEN the regional regulator asks for CSV THEN the bytes are the CLI's
    for the same region and date: Chinese headers with a BOM by default, machine keys with headers=keys."""
    from hazardrules.cli import main

    _open(api)
    for query, extra in (("", []), ("&headers=keys", ["--headers", "keys"])):
        served = api.get(f"/v1/reports?format=csv&to=2026-12-31{query}", "regulator_ordos")
        assert served.status_code == 200 and served.headers["content-type"].startswith("text/csv")
        cli = runner.invoke(main, ["report", "--db", api.app.state.svc.db_url, "--to", "2026-12-31", "--region", "1506",
                                   "--format", "csv", *extra])
        assert cli.exit_code == 0, cli.output
        assert served.content == cli.output.encode("utf-8")
    assert served.text.startswith("group,") and not served.text.startswith("\ufeff")
