"""Fixtures of the HTTP service tests: a service on a fresh ledger with one token per role."""

from __future__ import annotations

import pytest

from api_support import make_api
from supervision.conftest import db_url, pg_url  # noqa: F401  (the shared PostgreSQL fixtures)


@pytest.fixture
def api(sqlite_url):
    return make_api(sqlite_url, token_cache_seconds=0)


@pytest.fixture(scope="module")
def shared_api(tmp_path_factory):
    """One service for read-mostly tests of a module (rulesets compile once)."""
    path = tmp_path_factory.mktemp("api") / "ledger.sqlite"
    return make_api(f"sqlite:///{path}")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
