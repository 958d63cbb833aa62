"""Issue 11 items 8, 10 and 14 (empty input) for ``check``.

GIVEN many records, WHEN ``check --format jsonl|json`` runs, THEN at most a couple of
determinations are alive at any moment (output is written as it goes, bounded memory) and the JSON
is byte-identical to dumping the whole list.
GIVEN an empty file, THEN it says "0 records" and exits 2 (never a silent "no major hazard").
GIVEN ``--open-cases`` with a bad file next to good ones, THEN no case is opened and it says so;
run twice, THEN the second run says how many cases already existed instead of claiming new ones.
"""

from __future__ import annotations

import orjson
import pytest

from hazardrules.cli import main
from hazardrules.inputs import read_records
from hazardrules.results import Determination

FIXTURE = "fixtures/coal-mine/several-hazards.yaml"


def _record() -> dict:
    (_, record), = read_records(FIXTURE)
    return record


@pytest.fixture
def live_determinations(monkeypatch):
    """Counts Determination objects alive at each evaluation (CPython frees them at once)."""
    state = {"live": 0, "peak": 0}

    def created(self, *args, **kwargs):
        original(self, *args, **kwargs)
        state["live"] += 1
        state["peak"] = max(state["peak"], state["live"])

    def freed(self):
        state["live"] -= 1

    original = Determination.__init__
    monkeypatch.setattr(Determination, "__init__", created)
    monkeypatch.setattr(Determination, "__del__", freed, raising=False)
    return state


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_check_streams_in_bounded_memory(runner, tmp_path, live_determinations, fmt):
    record = _record()
    src = tmp_path / "many.jsonl"
    src.write_bytes(b"".join(orjson.dumps(record | {"record_id": f"R{n}"}) + b"\n" for n in range(120)))
    result = runner.invoke(main, ["check", "--format", fmt, str(src)])
    assert result.exit_code == 1, result.output
    assert live_determinations["peak"] <= 3
    if fmt == "jsonl":
        rows = [orjson.loads(line) for line in result.stdout_bytes.splitlines()]
    else:
        rows = orjson.loads(result.stdout_bytes)
        assert result.stdout_bytes == orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n"
    assert [r["record_id"] for r in rows] == [f"R{n}" for n in range(120)]


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_json_output_is_an_object_for_one_record_and_an_array_otherwise(runner, tmp_path, n):
    src = tmp_path / "list.json"
    src.write_bytes(orjson.dumps([_record() | {"record_id": f"R{i}"} for i in range(n)]))
    result = runner.invoke(main, ["check", "--format", "json", str(src)])
    body = orjson.loads(result.stdout_bytes)
    if n == 1:
        assert isinstance(body, dict) and body["record_id"] == "R0"
    else:
        assert [r["record_id"] for r in body] == [f"R{i}" for i in range(n)]
    assert result.stdout_bytes == orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n"


@pytest.mark.parametrize(("name", "content"), [("empty.jsonl", b""), ("blank.jsonl", b"\n\n"), ("empty.json", b"[]")])
def test_empty_input_says_zero_records_and_is_not_clean(runner, tmp_path, name, content):
    src = tmp_path / name
    src.write_bytes(content)
    result = runner.invoke(main, ["check", str(src)])
    assert result.exit_code == 2
    assert "没有记录（0 条）" in result.stderr


def test_open_cases_with_a_bad_file_opens_none_and_says_so(runner, tmp_path):
    db = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    bad = tmp_path / "bad.json"
    bad.write_text('{"ruleset": "coal-mine", "inspection_date": "2026-08-01", "facts": {"annual_output_t": "many"}}')
    result = runner.invoke(main, ["check", "--open-cases", "--db", db, "--today", "2026-08-20", FIXTURE, str(bad)])
    assert result.exit_code == 2
    assert "未建立督办案件" in result.stderr
    listed = runner.invoke(main, ["case", "list", "--db", db])
    # nothing was opened, so not even a ledger exists (read commands never create one: issue 12 item 9)
    assert listed.exit_code == 2 and "没有案件库" in listed.output and not (tmp_path / "cases.sqlite").exists()


def test_open_cases_twice_reports_created_and_existing_exactly(runner, tmp_path):
    db = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    args = ["check", "--open-cases", "--db", db, "--today", "2026-08-20", FIXTURE]
    first = runner.invoke(main, args)
    assert first.exit_code == 1, first.output
    created = int(first.stderr.split("新建 ")[1].split(" 个")[0])
    assert created > 0 and "此前已建立" not in first.stderr
    second = runner.invoke(main, args)
    assert f"新建 0 个，{created} 个此前已建立" in second.stderr
