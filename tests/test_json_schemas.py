"""The shipped JSON Schemas equal what the models generate, and every shipped ruleset, policy and fixture
validates against the schema its modeline names (so an editor that follows the modeline checks what the
engine will check)."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson
import pytest

from hazardrules import Engine
from hazardrules.cli import main
from hazardrules.json_schemas import MODELINE, SCHEMA_DIR, dumps, shipped
from hazardrules.loader import load_yaml

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rulesets"
DOCS = sorted(p for p in RULES.glob("*/*.yaml") if p.parent.name != "calendars")
FIXTURES = sorted(p for p in (ROOT / "fixtures").glob("*/*.yaml") if not p.name.endswith(".expected.yaml"))


@pytest.fixture(scope="module")
def generated(shipped_engine):
    return shipped(RULES, shipped_engine)


def test_shipped_schemas_are_current(generated):
    """GIVEN the models and editions WHEN schemas are generated THEN the shipped files are byte for byte the same
    (regenerate with ``python -m hazardrules.json_schemas``) and no stale file lies beside them."""
    folder = RULES / SCHEMA_DIR
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*.json")}
    assert on_disk == set(generated), "run: python -m hazardrules.json_schemas"
    for rel, schema in generated.items():
        assert (folder / rel).read_bytes() == dumps(schema), f"{rel} is stale: run python -m hazardrules.json_schemas"


def _modeline(path: Path) -> Path | None:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    return (path.parent / first[len(MODELINE):]).resolve() if first.startswith(MODELINE) else None


@pytest.mark.parametrize("path", DOCS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_ruleset_and_policy_validates(path):
    schema_path = _modeline(path)
    assert schema_path is not None and schema_path.is_file(), f"{path} has no modeline naming a shipped schema"
    schema = orjson.loads(schema_path.read_bytes())
    jsonschema.validate(load_yaml(path).data, schema)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_validates(path, shipped_engine):
    """Each fixture names the record schema of the edition it is judged under; fixtures whose date has no encoded
    edition (they expect that error) carry no modeline."""
    schema_path = _modeline(path)
    data = load_yaml(path).data
    if schema_path is None:
        from hazardrules.errors import EditionNotEncoded

        with pytest.raises(EditionNotEncoded):
            shipped_engine.evaluate(data)
        return
    jsonschema.validate(data, orjson.loads(schema_path.read_bytes()))
    rid, edition = schema_path.name.removesuffix(".schema.json").rsplit("-", 1)
    assert shipped_engine.evaluate(data).edition == edition and data["ruleset"] == rid


def test_schema_refuses_what_the_loader_refuses(tmp_path):
    """A misspelt key is refused by the schema (an editor underlines it) as by validate."""
    schema = orjson.loads((RULES / SCHEMA_DIR / "ruleset.schema.json").read_bytes())
    data = load_yaml(RULES / "fireworks/2017.yaml").data
    data["effective_form"] = data.pop("effective_from")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


@pytest.mark.parametrize("args", [["ruleset"], ["policy"], ["record", "coal-mine", "--edition", "2020"],
                                  ["record", "fire", "--date", "2025-06-01"]])
def test_schema_command(runner, args, generated):
    result = runner.invoke(main, ["schema", *args])
    assert result.exit_code == 0, result.output
    printed = orjson.loads(result.output)
    key = {"ruleset": "ruleset.schema.json", "policy": "policy.schema.json"}.get(args[0])
    if key:
        assert printed == generated[key]
    else:
        assert printed["x-ruleset"]["edition"] == ("2020" if "coal-mine" in args else "2017")
        assert printed["properties"]["facts"]["x-scope-facts"]


def test_record_schema_accepts_every_envelope_key_the_engine_accepts(shipped_engine):
    """inspectors and supervision are part of a record (the 判定书, supervision facts): the schema says so."""
    from hazardrules.records import ENVELOPE_KEYS

    path = ROOT / "fixtures/coal-mine/over-capacity.yaml"
    schema = orjson.loads(_modeline(path).read_bytes())
    assert set(schema["properties"]) == set(ENVELOPE_KEYS)
    data = load_yaml(path).data
    data.update(inspectors=["张伟", "李娜"], supervision={})
    jsonschema.validate(data, schema)
    shipped_engine.evaluate(data)
