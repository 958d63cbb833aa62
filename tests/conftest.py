import os
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
MINI_RULES = Path(__file__).parent / "data" / "rules"
sys.path.insert(0, str(Path(__file__).parent))  # shared helpers (strategies.py) under --import-mode=importlib

# The compiled-ruleset cache of this test run lives in its own directory (inherited by subprocesses), never
# in the user's cache: tests neither read entries another run left nor leave any behind.
_CACHE = tempfile.TemporaryDirectory(prefix="hazardrules-test-cache-")
os.environ["HAZARDRULES_CACHE_DIR"] = _CACHE.name


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(scope="session")
def shipped_engine():
    from hazardrules import Engine

    return Engine(ROOT / "rulesets")


@pytest.fixture(scope="session")
def mini_engine():
    from hazardrules import Engine

    return Engine(MINI_RULES)
