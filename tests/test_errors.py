"""One bad ruleset per failure mode (tests/errors/*.yaml), each naming its error code and position.

GIVEN a ruleset file whose first line says ``# expect: <code> <line>:<col>``
WHEN it is loaded and compiled
THEN the error carries that code, and its first diagnostic points at that line and column.
"""

from pathlib import Path

import pytest

from hazardrules import HazardRulesError, compile_ruleset, load_yaml

CASES = sorted((Path(__file__).parent / "errors").glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_error_fixture(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    _, _, spec = first.partition("# expect:")
    code, position = spec.split()
    with pytest.raises(HazardRulesError) as info:
        compile_ruleset(load_yaml(path))
    codes = [d.code for d in info.value.diagnostics]
    assert code in codes, info.value.render("en")
    diag = info.value.diagnostics[codes.index(code)]
    assert diag.where.split(" ")[0].endswith(f"{path.name}:{position}"), diag.render("en")
    assert diag.zh and diag.en
