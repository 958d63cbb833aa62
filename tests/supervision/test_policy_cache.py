"""The compiled-policy cache (issue 15: a cold ``check`` no longer compiles the policies or imports pydantic).

GIVEN policies loaded once WHEN loaded again THEN nothing is compiled and every example still passes under both
reasoners; GIVEN a policy file edited THEN the next load compiles it anew; GIVEN an invalid policy THEN every load
reports it (an error is never cached); GIVEN a cached policy THEN loading it does not import pydantic.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hazardrules.errors import HazardRulesError
from hazardrules.supervision import policy as policy_mod
from hazardrules.supervision.examples import run_policy_examples

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rules(tmp_path, monkeypatch):
    monkeypatch.setenv("HAZARDRULES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HAZARDRULES_CACHE", raising=False)
    shutil.copytree(ROOT / "rulesets" / "policies", tmp_path / "rules" / "policies")
    return tmp_path / "rules"


@pytest.fixture
def compiles(monkeypatch):
    calls = []
    real = policy_mod.compile_policies

    def counting(files):
        calls.append(sorted(files))
        return real(files)

    monkeypatch.setattr(policy_mod, "compile_policies", counting)
    return calls


def test_a_hit_compiles_nothing_and_routes_like_a_fresh_compile(rules, compiles):
    fresh = policy_mod.load_policies(rules)
    cached = policy_mod.load_policies(rules)
    assert len(compiles) == 1 and cached is not fresh
    assert {p: c.digest for p, c in cached.items()} == {p: c.digest for p, c in fresh.items()}
    for pid, pol in cached.items():
        results = run_policy_examples(pol)
        assert results and all(r.ok for r in results), [r.problems for r in results if not r.ok]
        assert [(r.name, r.where) for r in results] == [(r.name, r.where) for r in run_policy_examples(fresh[pid])]


def test_an_edited_policy_is_compiled_anew(rules, compiles):
    before = policy_mod.load_policies(rules)["qingdao"]
    path = rules / "policies" / "qingdao.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"title: {before.title}", "title: 青岛市（改）", 1), encoding="utf-8")
    after = policy_mod.load_policies(rules)["qingdao"]
    assert len(compiles) == 2 and after.title == "青岛市（改）" and after.digest != before.digest


def test_an_invalid_policy_is_reported_on_every_load(rules, compiles):
    path = rules / "policies" / "qingdao.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nno_such_key: 1\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(HazardRulesError) as err:
            policy_mod.load_policies(rules)
        assert "no_such_key" in err.value.render("en")
    assert list((rules.parent / "cache").glob("policies-*.pickle")) == []


def test_a_cached_policy_loads_without_pydantic(rules):
    policy_mod.load_policies(rules)  # fills the cache
    probe = ("import sys\nfrom hazardrules.supervision.policy import load_policies\n"
             f"p = load_policies({str(rules)!r})\nprint(sorted(p), 'pydantic' in sys.modules)\n")
    env = {**__import__("os").environ}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("]")[-1].strip() == "False", done.stdout
