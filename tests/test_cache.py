"""The compiled-ruleset cache: hits equal fresh compiles; stale, unreadable or untrusted entries are never used."""

import os
import shutil
from pathlib import Path

import pytest

from hazardrules import Engine, cache
from hazardrules import engine as engine_mod

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "data" / "rules"
RECORD = {"ruleset": "mini", "inspection_date": "2026-08-01", "facts": {"annual_output_t": 1330000,
                                                                       "approved_capacity_t": 1200000}}


@pytest.fixture
def rules(tmp_path):
    shutil.copytree(MINI, tmp_path / "rules")
    return tmp_path / "rules"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("HAZARDRULES_CACHE_DIR", str(d))
    monkeypatch.delenv("HAZARDRULES_CACHE", raising=False)
    return d


@pytest.fixture
def compiles(monkeypatch):
    """Counts real compilations done by the engine."""
    calls = []
    real = engine_mod.compile_ruleset

    def counting(root, parts=()):
        calls.append(root.path)
        return real(root, parts)

    monkeypatch.setattr(engine_mod, "compile_ruleset", counting)
    return calls


def _entries(d: Path) -> list[Path]:
    return sorted(d.glob("*.pickle"))


def test_hit_equals_fresh_compile(rules, cache_dir, compiles):
    fresh = Engine(rules).editions("mini")
    assert len(compiles) == 2 and len(_entries(cache_dir)) == 1
    cached = Engine(rules).editions("mini")
    assert len(compiles) == 2, "the second engine read the cache instead of compiling"
    for a, b in zip(fresh, cached, strict=True):
        assert (a.id, a.edition, a.digest, a.python_source) == (b.id, b.edition, b.digest, b.python_source)
        assert [f.name for f in a.fields] == [f.name for f in b.fields]
        assert [r.id for r in a.rules] == [r.id for r in b.rules]
    det_fresh = Engine(rules).evaluate(RECORD)
    det_cached = Engine(rules).evaluate(RECORD)
    assert det_fresh.to_dict() == det_cached.to_dict()
    assert det_cached.major_hazard and det_cached.findings[0].evidence  # explanations work on unpickled ASTs


def test_shipped_coal_mine_round_trips(cache_dir, compiles):
    """Every fixture of the largest ruleset judges the same from a cache hit as from a fresh compile."""
    import yaml

    fresh, cached = Engine(ROOT / "rulesets"), None
    fixtures = sorted((ROOT / "fixtures" / "coal-mine").glob("*.yaml"))
    records = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in fixtures if not p.name.endswith(".expected.yaml")]
    want = [fresh.evaluate(r).to_dict() for r in records]
    n = len(compiles)
    cached = Engine(ROOT / "rulesets")
    assert [cached.evaluate(r).to_dict() for r in records] == want
    assert len(compiles) == n


def test_stale_entry_is_not_used(rules, cache_dir, compiles):
    Engine(rules).editions("mini")
    path = rules / "mini" / "2026.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    Engine(rules).editions("mini")
    assert len(compiles) == 4, "an edited file invalidates the entry"
    assert len(_entries(cache_dir)) == 1, "the stale entry was replaced"


def test_engine_version_is_part_of_the_key(rules, cache_dir, compiles, monkeypatch):
    Engine(rules).editions("mini")
    monkeypatch.setattr(cache, "_engine_version", "another engine")
    Engine(rules).editions("mini")
    assert len(compiles) == 4


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncate", "wrong key"])
def test_unreadable_entry_is_rebuilt(rules, cache_dir, compiles, damage):
    Engine(rules).editions("mini")
    (entry,) = _entries(cache_dir)
    blob = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(blob[: len(blob) // 2])
    elif damage == "wrong key":
        entry.write_bytes(blob.replace(b"\n", b"x\n", 2))
    else:
        entry.write_bytes(damage)
    assert Engine(rules).evaluate(RECORD).major_hazard
    assert len(compiles) == 4
    assert Engine(rules).editions("mini") and len(compiles) == 4, "the rewritten entry is valid"


def _make_untrusted(kind: str, cache_dir: Path, entry: Path):
    if kind == "dir group-writable":
        os.chmod(cache_dir, 0o770)
    elif kind == "dir world-writable":
        os.chmod(cache_dir, 0o777)
    elif kind == "file group-writable":
        os.chmod(entry, 0o660)
    elif kind == "file world-writable":
        os.chmod(entry, 0o606)
    elif kind == "file owned by another user":
        os.chown(entry, os.geteuid() + 4242, -1)
    elif kind == "file is a symlink":
        target = cache_dir.parent / "elsewhere.pickle"
        entry.rename(target)
        entry.symlink_to(target)


UNTRUSTED = ["dir group-writable", "dir world-writable", "file group-writable", "file world-writable",
             "file owned by another user", "file is a symlink"]


@pytest.mark.parametrize("kind", UNTRUSTED)
def test_entry_from_a_place_others_can_write_is_never_loaded(rules, cache_dir, compiles, kind, monkeypatch):
    if kind == "file owned by another user" and os.geteuid() != 0:
        pytest.skip("changing a file's owner needs root")  # the check itself is the same st_uid comparison
    Engine(rules).editions("mini")
    (entry,) = _entries(cache_dir)
    _make_untrusted(kind, cache_dir, entry)
    loaded = []
    real_loads = cache.pickle.loads
    monkeypatch.setattr(cache.pickle, "loads", lambda b: loaded.append(1) or real_loads(b))
    assert Engine(rules).evaluate(RECORD).major_hazard
    assert loaded == [], "nothing was unpickled from an untrusted place"
    assert len(compiles) == 4


def test_untrusted_directory_is_not_written(rules, tmp_path, monkeypatch, compiles):
    d = tmp_path / "shared"
    d.mkdir()
    os.chmod(d, 0o777)
    monkeypatch.setenv("HAZARDRULES_CACHE_DIR", str(d))
    Engine(rules).editions("mini")
    assert list(d.iterdir()) == []


def test_new_cache_directory_is_private(rules, cache_dir):
    Engine(rules).editions("mini")
    assert cache_dir.stat().st_mode & 0o077 == 0
    (entry,) = _entries(cache_dir)
    assert entry.stat().st_mode & 0o077 == 0


def test_write_is_atomic(rules, cache_dir, compiles, monkeypatch):
    """A write that fails half-way leaves neither an entry nor a temporary file."""
    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(cache.os, "replace", failing_replace)
    assert Engine(rules).evaluate(RECORD).major_hazard
    assert list(cache_dir.iterdir()) == []
    monkeypatch.undo()


def test_cache_can_be_turned_off(rules, cache_dir, compiles, monkeypatch):
    monkeypatch.setenv("HAZARDRULES_CACHE", "off")
    Engine(rules).editions("mini")
    Engine(rules).editions("mini")
    assert len(compiles) == 4 and not cache_dir.exists()


def test_rulesets_lists_without_compiling_and_matches_the_compiled_editions(cache_dir, monkeypatch, runner):
    from hazardrules.cli import main

    compiled = Engine(ROOT / "rulesets").all_editions()
    want = [(rs.id, rs.edition, rs.version, len(rs.rules), str(rs.effective_from), rs.document, rs.partial,
             rs.clauses_encoded, rs.clauses_total) for rs in compiled]
    assert any(rs.partial for rs in compiled)  # the comparison covers a partial edition

    def no_compile(*a, **k):
        raise AssertionError("rulesets compiled an edition")

    monkeypatch.setattr(engine_mod, "compile_ruleset", no_compile)
    for _ in range(2):  # a light read, then the cached summaries
        got = [(s.id, s.edition, s.version, s.rule_count, s.effective_from, s.document, s.partial, s.clauses_encoded,
                s.clauses_total)
               for s in Engine(ROOT / "rulesets").summaries()]
        assert got == want
    r = runner.invoke(main, ["--rules", str(ROOT / "rulesets"), "rulesets"])
    assert r.exit_code == 0, r.output
    assert len(r.output.splitlines()) == len(want)
    coal26 = next(line for line in r.output.splitlines() if line.startswith("coal-mine") and " 2026 " in line)
    assert f"{len(next(rs for rs in compiled if rs.id == 'coal-mine' and rs.edition == '2026').rules)} 条规则" in coal26
