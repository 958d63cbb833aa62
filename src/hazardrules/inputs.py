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
    if str(path) == "-":
        yield from _stdin()
        return
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


def _stdin() -> Iterator[tuple[str, object]]:
    """``check -``: a record (or list of records) piped in as JSON, JSONL or YAML, told apart by its text."""
    import sys

    shown = "<stdin>"
    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(diag("not_utf8", shown, f"不是 UTF-8 编码的文本（第 {exc.start} 字节）",
                             f"not UTF-8 text (byte {exc.start})")) from None
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise LoadError(diag("empty_input", shown, "标准输入为空：没有记录", "standard input is empty: no record"))
    if lines[0].lstrip().startswith(("{", "[")):
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines):  # JSONL
                for lineno, line in enumerate(text.splitlines(), 1):
                    if line.strip():
                        yield from _json_line(line.encode("utf-8"), f"{shown}:{lineno}")
                return
            data = None
        if data is not None:
            yield from _records_of(data, shown)
            return
    yield from _records_of(load_yaml(shown, text=text).data, shown)


def _records_of(data, shown: str):
    if isinstance(data, list):
        for n, record in enumerate(data, 1):
            yield f"{shown} #{n}", record
    else:
        yield shown, data


def _json_line(line: bytes, where: str):
    try:
        yield where, orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        yield where, LoadError(diag("json_syntax", f"{where}:{exc.colno}", f"JSON 语法错误：{exc.msg}",
                                    f"JSON syntax error: {exc.msg}"))


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
