"""Shared fixtures: a fresh ledger per test on SQLite (a temp file) and on PostgreSQL (a database
created for the test on 127.0.0.1:5432, user postgres, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest

PG_ADMIN = os.environ.get("HAZARDRULES_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3, autocommit=True):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        return f"PostgreSQL not reachable at {PG_ADMIN}: {exc}"


_PG_SKIP = _pg_available()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.sqlite'}"


@pytest.fixture
def pg_url():
    if _PG_SKIP:
        if os.environ.get("CI"):
            pytest.fail(_PG_SKIP)
        pytest.skip(_PG_SKIP)
    import psycopg

    name = f"hz_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


class FakeFinding:
    def __init__(self, rule, kind="major", cite="第四条第（一）项", title="测试隐患"):
        self.rule, self.kind, self.cite, self.title = rule, kind, cite, title
        self.group, self.evidence, self.units = "1", {"x": 1}, []


class FakeDetermination:
    """The attributes of hazardrules.Determination that supervision reads, for ledger-only tests."""

    def __init__(self, record_id, findings, *, ruleset="coal-mine", enterprise=None, on=date(2026, 8, 14),
                 conclusion=None):
        self.record_id, self.ruleset, self.edition, self.version, self.digest = record_id, ruleset, "2026", "2026.1", "sha256:x"
        self.inspection_date = on
        self.enterprise = enterprise if enterprise is not None else {
            "name": "鄂尔多斯市某煤矿有限公司", "credit_code": "91350100M000100Y43", "region_code": "150602"}
        self.findings = findings
        self.major_hazard = any(f.kind == "major" for f in findings)
        self.conclusion = conclusion or ("major_hazard" if self.major_hazard else "no_major_hazard")


@pytest.fixture
def det():
    return FakeDetermination


@pytest.fixture
def finding():
    return FakeFinding
