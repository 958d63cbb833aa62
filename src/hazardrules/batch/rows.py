"""One input row -> one output row: parse the raw row, judge it, or describe what is wrong.

This runs inside the worker processes. Output rows are plain dicts with a fixed key order, so the
JSONL output is deterministic: the same inputs and ruleset digests give byte-identical output.

Two levels of detail: ``summary`` (default; what a platform re-judging millions of records needs:
the verdict and the rule ids) and ``full`` (the whole :class:`~hazardrules.results.Determination`,
with evidence and rendered explanations — about ten times slower, see docs/speed.md).
"""

from __future__ import annotations

from itertools import compress

import orjson

from ..errors import Diagnostic, HazardRulesError, RecordError, diag
from ..records import ENVELOPE_KEYS, parse_date
from ..results import Determination, conclusion_of
from .sources import RawRow

DETAILS = ("summary", "full")
_ENVELOPE = frozenset(ENVELOPE_KEYS) - {"facts", "enterprise"}


def record_from(raw: RawRow, header: tuple[str, ...] | None):
    """The record dict of a raw row; raise :class:`HazardRulesError` naming the row if it is unreadable."""
    if raw.kind == "json":
        try:
            return orjson.loads(raw.data)
        except orjson.JSONDecodeError as exc:
            truncated = not raw.data.rstrip().endswith((b"}", b"]"))
            zh = f"JSON 语法错误：{exc.msg}" + ("（行似乎被截断）" if truncated else "")
            en = f"JSON syntax error: {exc.msg}" + (" (the line looks truncated)" if truncated else "")
            raise RecordError(diag("json_syntax", f"{raw.where}:{exc.colno}", zh, en)) from None
    if raw.kind == "csv":
        return _from_cells(raw, header or ())
    if raw.kind == "dict":
        return _from_columns(raw.data, raw.where, text=False)
    raise HazardRulesError(raw.data)  # "error": the reader already knew


def _workbook_record(engine, path: str) -> dict:
    """A filled Excel checklist as a record; its errors name the sheet, cell and label."""
    from ..paper.xlsx_record import read_xlsx_record

    return read_xlsx_record(path, lambda rid, ed: engine.ruleset(rid, edition=ed).fields).record


def _from_cells(raw: RawRow, header: tuple[str, ...]) -> dict:
    cells = raw.data
    if len(cells) != len(header):
        raise RecordError(diag("csv_columns", raw.where, f"该行有 {len(cells)} 列，表头有 {len(header)} 列（检查引号和逗号）",
                               f"this row has {len(cells)} columns, the header has {len(header)} (check quotes and commas)"))
    for name, cell in zip(header, cells):
        try:
            cell.encode("utf-8")
        except UnicodeEncodeError:
            raise RecordError(diag("csv_encoding", f"{raw.where} {name}", "该单元格不是 UTF-8 文本",
                                   "this cell is not UTF-8 text")) from None
    return _from_columns(dict(zip(header, cells)), raw.where, text=True)


def _from_columns(row: dict, where: str, *, text: bool) -> dict:
    """Flat columns -> ``{ruleset, ..., enterprise, facts}`` (see :mod:`.sources` for the conventions)."""
    record: dict = {}
    facts: dict = {}
    enterprise: dict = {}
    for name, value in row.items():
        if text:
            value = value.strip()
            if value == "":
                continue  # empty cell: not recorded
        elif value is None:
            continue
        elif isinstance(value, (list, dict)):
            value = _without_nulls(value)
        if name in _ENVELOPE:
            record[name] = value
        elif name == "facts":
            facts.update(_json_cell(value, where, name, dict) if isinstance(value, str) else _plain(value, where, name))
        elif name.startswith("enterprise."):
            enterprise[name[11:]] = value
        else:
            fact = name[6:] if name.startswith("facts.") else name
            if text and value[:1] in ("[", "{"):
                value = _json_cell(value, where, name, (list, dict))
            facts[fact] = value
    if enterprise:
        record["enterprise"] = enterprise
    record["facts"] = facts
    return record


def _plain(value, where: str, name: str) -> dict:
    if not isinstance(value, dict):
        raise RecordError(diag("facts_not_mapping", f"{where} {name}", "facts 列应为映射（字段: 值）", "the facts column must be a mapping"))
    return value


def _without_nulls(value):
    """A Parquet struct has every field in every row (and every unit): a null field is "not
    recorded", exactly like a null column, so it is dropped rather than checked as a key."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _json_cell(value: str, where: str, name: str, kinds):
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise RecordError(diag("json_syntax", f"{where} {name}", f"单元格中的 JSON 无法解析：{exc.msg}",
                               f"the JSON in this cell does not parse: {exc.msg}")) from None
    if not isinstance(parsed, kinds):
        raise RecordError(diag("bad_value", f"{where} {name}", "单元格应为 JSON 数组或对象", "the cell must hold a JSON array or object"))
    return parsed


def judge(engine, raw: RawRow, header, *, edition: str | None, detail: str, lang: str) -> dict:
    """The output row for one input row: a determination, or an error object. Never raises."""
    record = None
    try:
        record = _workbook_record(engine, raw.data) if raw.kind == "xlsx" else record_from(raw, header)
        rs, facts, statuses = engine.judge(record, where=raw.where, edition=edition, coerce=raw.kind not in ("json", "xlsx"))
    except HazardRulesError as exc:
        return error_row(raw, exc, lang, record)
    except Exception as exc:  # a bug must not stop the batch or lose the row: report it on the row
        return error_row(raw, HazardRulesError(diag("internal_error", raw.where, f"内部错误（请报告此问题）：{exc!r}",
                                                    f"internal error (please report it): {exc!r}")), lang, record)
    record_id = record.get("record_id")
    record_id = None if record_id is None else str(record_id)
    day = parse_date(record.get("inspection_date"))
    if detail == "full":
        det = Determination(rs, facts, statuses, record_id, day, record.get("enterprise"))
        return {"row": raw.row, "where": raw.where, "ok": True, **det.to_dict(lang)}
    ids, all_major = _rule_ids(rs)
    fired = list(compress(ids, map(_FIRED, statuses)))
    if all_major:  # the common edition: every rule is a major-hazard rule, so the scans run in C
        major, complete = bool(fired), not rs.partial and 2 not in statuses
    else:
        major = bool(fired) and any(statuses[i] == 1 for i in rs.major_indexes)
        complete = not rs.partial and not any(statuses[i] == 2 for i in rs.major_indexes)
    deferred = [rs.rules[i].id for i in rs.deferral_indexes if statuses[i] == 1]
    if rs.deferral_indexes:  # deferrals point to another ruleset: never findings, and never a complete verdict
        fired = [r for r in fired if r not in deferred]
        complete = complete and not any(statuses[i] in (1, 2) for i in rs.deferral_indexes)
    return {"row": raw.row, "where": raw.where, "ok": True, "record_id": record_id, "ruleset": rs.id,
            "edition": rs.edition, "version": rs.version, "digest": rs.digest,
            "inspection_date": None if day is None else day.isoformat(),
            "major_hazard": major, "conclusion": conclusion_of(major, complete), "fired": fired,
            "undetermined": list(compress(ids, map(_UNDETERMINED, statuses))),
            **({"deferred": deferred} if rs.deferral_indexes else {})}


_FIRED, _UNDETERMINED = (1).__eq__, (2).__eq__
_IDS: dict = {}


def _rule_ids(rs) -> tuple[tuple, bool]:
    """Rule ids in status order and whether every rule is a major-hazard rule, cached per compiled edition
    (kept alive with it)."""
    found = _IDS.get(id(rs))
    if found is None or found[0] is not rs:
        found = _IDS[id(rs)] = (rs, tuple(r.id for r in rs.rules), len(rs.major_indexes) == len(rs.rules))
    return found[1], found[2]


def error_row(raw: RawRow, exc: HazardRulesError, lang: str, record=None) -> dict:
    """The error object standing in for a row: row number, place, code and every problem, zh and en."""
    record = record if isinstance(record, dict) else {}
    rid = record.get("record_id")
    ruleset = record.get("ruleset")
    return {"row": raw.row, "where": raw.where, "ok": False,
            "record_id": None if rid is None else str(rid), "ruleset": ruleset if isinstance(ruleset, str) else None,
            "error": exc.code, "message": exc.render(lang), "message_en": exc.render("en"),
            "diagnostics": [_diag(d) for d in exc.diagnostics]}


def _diag(d: Diagnostic) -> dict:
    return {"code": d.code, "where": d.where, "zh": d.zh, "en": d.en}
