"""`hazardrules serve` as deployed: a real uvicorn with two worker processes on the loopback interface."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import orjson

from api_support import ROOT, fixture_record


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url, body=None, token=None, lang="zh"):
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET",
                                 headers={"Accept-Language": lang, **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_two_workers_serve_log_and_stop(tmp_path, runner):
    """GIVEN a token made with the CLI WHEN `serve --workers 2` runs THEN it is ready, judges a record like the CLI,
    logs it, refuses a bad token, and stops on SIGTERM."""
    from hazardrules.cli import main

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    made = runner.invoke(main, ["token", "create", "--db", db, "--name", "巡查员", "--role", "inspector"])
    token = made.stdout.strip()
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("HAZARDRULES_DB", None)
    proc = subprocess.Popen([sys.executable, "-c", "from hazardrules.cli import main; main()", "--rules",
                             str(ROOT / "rulesets"), "serve", "--db", db, "--port", str(port), "--workers", "2",
                             "--no-access-log"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, body = _request(f"{base}/readyz")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert status == 200, proc.stdout.read().decode() if proc.poll() is not None else "not ready in 120 s"
        record = fixture_record(ROOT / "fixtures/coal-mine/several-hazards.yaml")
        status, body = _request(f"{base}/v1/determinations", orjson.dumps(record), token)
        assert status == 200 and orjson.loads(body)["conclusion"] == "major_hazard"
        status, body = _request(f"{base}/v1/determinations", orjson.dumps(record), token + "x", lang="en")
        assert status == 401 and b"invalid or revoked" in body
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0].decode("utf-8", "replace")
    assert proc.returncode == 0, out
    assert "Traceback" not in out
    from sqlalchemy import text

    from hazardrules.supervision.ledger import Ledger

    with Ledger(db) as ledger, ledger.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM decision_log")).scalar() == 1
