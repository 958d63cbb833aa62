import textwrap
from pathlib import Path

import pytest

from hazardrules import Engine

FIELDS = """\
  x: {type: number, label: X}
  b: {type: bool, label: B}
  s: {type: string, label: S}
  u:
    type: list
    label: U
    fields:
      id: {type: string, label: id}
      y: {type: number, label: Y}
"""


@pytest.fixture
def ruleset_with(tmp_path):
    """``ruleset_with(condition, fields=...)`` -> an Engine over a one-rule ruleset ``t``."""

    def make(condition: str, fields: str = FIELDS, name: str = "t") -> Engine:
        d = tmp_path / "rs" / name
        d.mkdir(parents=True, exist_ok=True)
        quoted = condition.replace("'", "''")
        (d / "2026.yaml").write_text(textwrap.dedent(f"""\
            ruleset: {name}
            edition: '2026'
            title: T
            source: {{issuer: a, document: b, issued: 2026-01-01, effective: 2026-01-01}}
            effective_from: 2026-01-01
            version: '1'
            fields:
            """) + fields + f"rules:\n  - id: t.1\n    cite: c\n    title: t\n    when: '{quoted}'\n", encoding="utf-8")
        return Engine(Path(tmp_path / "rs"))

    return make
