"""hazardrules token create|list|revoke: tokens stored hashed in the ledger, usable by the service."""

from __future__ import annotations

import orjson


def test_create_list_revoke(runner, sqlite_url):
    from sqlalchemy import text

    from hazardrules.cli import main
    from hazardrules.supervision.access import verify_token
    from hazardrules.supervision.ledger import Ledger

    refused = runner.invoke(main, ["token", "create", "--db", sqlite_url, "--name", "盟应急局", "--role", "regulator"])
    assert refused.exit_code == 2 and "--national" in refused.stderr
    bad_region = runner.invoke(main, ["token", "create", "--db", sqlite_url, "--name", "x", "--role", "regulator",
                                      "--region", "159999"])
    assert bad_region.exit_code == 2 and "159999" in bad_region.stderr
    made = runner.invoke(main, ["token", "create", "--db", sqlite_url, "--name", "鄂尔多斯市应急管理局", "--role", "regulator",
                                "--region", "150600"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("hzr_") and "鄂尔多斯市应急管理局" in made.stderr
    dup = runner.invoke(main, ["token", "create", "--db", sqlite_url, "--name", "鄂尔多斯市应急管理局", "--role", "inspector"])
    assert dup.exit_code == 2 and "duplicate_name" not in dup.stderr and "已有" in dup.stderr
    with Ledger(sqlite_url) as ledger:
        principal = verify_token(ledger.engine, token)
        assert (principal.role, principal.region_code, principal.region_prefix) == ("regulator", "150600", "1506")
        with ledger.engine.connect() as conn:
            stored = conn.execute(text("SELECT secret_sha256 FROM api_tokens")).scalar()
        assert token.split("_", 2)[2] not in stored  # only the hash is stored
    listed = orjson.loads(runner.invoke(main, ["token", "list", "--db", sqlite_url, "--format", "json"]).stdout)
    assert [t["name"] for t in listed] == ["鄂尔多斯市应急管理局"] and "secret_sha256" not in listed[0]
    token_id = listed[0]["id"]
    assert runner.invoke(main, ["token", "revoke", "--db", sqlite_url, token_id]).exit_code == 0
    again = runner.invoke(main, ["token", "revoke", "--db", sqlite_url, token_id])
    assert again.exit_code == 2
    with Ledger(sqlite_url) as ledger:
        assert verify_token(ledger.engine, token) is None
        assert verify_token(ledger.engine, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
