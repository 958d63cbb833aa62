"""Helpers of the HTTP service tests (tests/api): fixture records as JSON, a client with a token per role."""

from __future__ import annotations

import datetime
import warnings
from pathlib import Path

import yaml



ROOT = Path(__file__).resolve().parents[1]


def _judged(path: Path) -> bool:
    """A fixture whose expected result is a determination (not an error such as no edition in force)."""
    expected = path.with_name(path.stem + ".expected.yaml")
    return not (expected.exists() and "error" in (yaml.safe_load(expected.read_text(encoding="utf-8")) or {}))


FIXTURES = sorted(p for p in (ROOT / "fixtures").glob("*/*.yaml")
                  if not p.name.endswith(".expected.yaml") and _judged(p))

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")


def as_json(value):
    """A YAML record as JSON would carry it (dates as ISO strings)."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def fixture_record(path: Path) -> dict:
    from hazardrules import load_yaml

    return as_json(load_yaml(path).data)


class Api:
    """A TestClient plus the token of each principal; ``api.post(path, who, ...)``."""

    def __init__(self, app, tokens: dict[str, str]):
        from fastapi.testclient import TestClient

        self.app = app
        self.client = TestClient(app, raise_server_exceptions=False)
        self.tokens = tokens

    def headers(self, who: str | None, **extra) -> dict:
        h = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        h.update(extra)
        return h

    def get(self, path, who=None, **kw):
        return self.client.get(path, headers=self.headers(who, **kw.pop("headers", {})), **kw)

    def post(self, path, who=None, **kw):
        return self.client.post(path, headers=self.headers(who, **kw.pop("headers", {})), **kw)

    def delete(self, path, who=None, **kw):
        return self.client.delete(path, headers=self.headers(who, **kw.pop("headers", {})), **kw)


PRINCIPALS = {  # name -> (role, region)
    "inspector": ("inspector", None),
    "inspector2": ("inspector", None),
    "regulator": ("regulator", None),  # national
    "regulator_ordos": ("regulator", "150600"),  # 鄂尔多斯市
    "regulator_baotou": ("regulator", "150200"),  # 包头市
    "admin": ("admin", None),
}


_ENGINE = []


def shared_engine():
    """One compiled engine of the shipped rulesets for every test service (compiling takes seconds)."""
    if not _ENGINE:
        from hazardrules import Engine

        _ENGINE.append(Engine(ROOT / "rulesets"))
    return _ENGINE[0]


def make_api(db_url: str, **settings) -> Api:
    from hazardrules.api import Settings, create_app
    from hazardrules.supervision.access import create_token

    app = create_app(Settings(db_url=db_url, rules_dir=str(ROOT / "rulesets"), **settings), engine=shared_engine())
    tokens = {}
    for name, (role, region) in PRINCIPALS.items():
        tokens[name], _ = create_token(app.state.svc.ledger.engine, name=name, role=role, region_code=region,
                                       created_by="test")
    return Api(app, tokens)


