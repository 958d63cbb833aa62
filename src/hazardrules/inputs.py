"""Reading inspection records from files: JSON, JSONL and YAML, one record or many.

Each record comes with a place (file, and record number or JSONL line) for error messages. A file
that cannot be parsed at all is one error; a bad record inside a good file is that record's error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson

from .errors import LoadError, diag
from .loader import load_yaml


def read_records(path: str | Path, engine=None) -> Iterator[tuple[str, object]]:
    """Yield ``(where, record)`` for every record in the file; raise LoadError if it is unreadable.

    An Excel checklist (.xlsx, written by ``hazardrules checklist --format xlsx``) needs ``engine`` to
    know its ruleset's fields; its errors name sheet and cell.
    """
    p = Path(path)
    shown = str(path)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        yield shown, _xlsx(p, engine)
        return
    if suffix == ".jsonl":
        yield from _jsonl(p, shown)
        return
    if suffix == ".json":
        try:
            data = orjson.loads(p.read_bytes())
        except FileNotFoundError:
            raise LoadError(diag("file_not_found", shown, "文件不存在", "file not found")) from None
        except orjson.JSONDecodeError as exc:
            raise LoadError(diag("json_syntax", f"{shown}:{exc.lineno}:{exc.colno}", f"JSON 语法错误：{exc.msg}",
                                 f"JSON syntax error: {exc.msg}")) from None
    elif suffix in (".yaml", ".yml"):
        data = load_yaml(p).data
    else:
        raise LoadError(diag("unknown_format", shown, "不支持的文件类型：应为 .json、.jsonl、.yaml、.yml 或 .xlsx",
                             "unsupported file type: expected .json, .jsonl, .yaml, .yml or .xlsx"))
    if isinstance(data, list):
        for n, record in enumerate(data, 1):
            yield f"{shown} #{n}", record
    else:
        yield shown, data


def _xlsx(p: Path, engine):
    from .engine import Engine
    from .paper.xlsx_record import read_xlsx_record

    engine = engine or Engine()
    return read_xlsx_record(p, lambda rid, ed: engine.ruleset(rid, edition=ed).fields).record


def _jsonl(p: Path, shown: str):
    try:
        handle = p.open("rb")
    except FileNotFoundError:
        raise LoadError(diag("file_not_found", shown, "文件不存在", "file not found")) from None
    with handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield f"{shown}:{lineno}", orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield f"{shown}:{lineno}", LoadError(diag("json_syntax", f"{shown}:{lineno}:{exc.colno}",
                                                          f"JSON 语法错误：{exc.msg}", f"JSON syntax error: {exc.msg}"))
