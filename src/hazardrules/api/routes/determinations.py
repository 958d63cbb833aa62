"""``POST /v1/determinations`` (one JSON record) and ``POST /v1/determinations:batch`` (JSONL).

The single determination's body is exactly what ``hazardrules check --format json`` prints for the
same record (same bytes), in the language of ``Accept-Language``. A batch answers one JSONL row per
non-blank input row, in order — the rows ``hazardrules batch`` writes, a determination or an error
object — streamed while it is computed. Every determination served is written to the decision log
before it is sent; a batch writes the log of each chunk of rows before sending that chunk, so no
determination leaves the service unlogged.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from ...batch.rows import error_row, judge
from ...batch.sources import RawRow
from ...errors import HazardRulesError, LoadError, diag
from ...supervision.access import Principal, decision_row
from ..auth import refuse_region, require
from ..errors import ApiError, responses
from ..handlers import lang_of
from ..limits import parse_json
from ..models import DeterminationWithCases

router = APIRouter(tags=["判定 determinations"])
CHUNK = 256  # batch rows judged, logged and sent together

RECORD_BODY = {
    "required": True,
    "description": "一条检查记录，格式同命令行的 JSON/YAML 记录 / one inspection record, as the CLI reads it",
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["ruleset"],
        "properties": {
            "ruleset": {"type": "string", "description": "规则集编号，如 coal-mine / ruleset id"},
            "edition": {"type": "string", "description": "指定版本（默认按检查日期）/ force an edition"},
            "record_id": {"type": "string", "description": "记录编号 / record id"},
            "inspection_date": {"type": "string", "format": "date", "description": "检查日期 / inspection date"},
            "found_by": {"type": "string", "enum": ["self_check", "county", "city", "province", "national", "report"]},
            "enterprise": {"type": "object", "description": "被检查单位：name, credit_code, region_code"},
            "facts": {"type": "object", "description": "检查事实；字段见 /v1/rulesets/{id}/{edition}/schema"},
        }}}},
}
BATCH_BODY = {
    "required": True,
    "description": "JSONL：每行一条记录 / JSONL, one record per line",
    "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
}


@router.post("/v1/determinations", response_model=None, summary="判定一条检查记录 / judge one record",
             description="返回判定结论（与 `hazardrules check --format json` 输出逐字节相同）。`open_cases=true` 时按督办"
                         "策略为发现的重大事故隐患立案（双重交办、挂牌督办、整改期限），结果附在 `cases` 中。\n\n"
                         "Returns the determination, byte-identical to `hazardrules check --format json`; with "
                         "`open_cases=true` also routes and opens supervision cases.",
             openapi_extra={"requestBody": RECORD_BODY},
             responses={200: {"model": DeterminationWithCases, "description": "判定结论 / the determination"},
                        **responses(400, 401, 403, 409, 413, 422, 503)})
async def determine(request: Request,
                    open_cases: bool = Query(False, description="为重大事故隐患立案 / open supervision cases"),
                    today: date | None = Query(None, description="立案日期（默认今天）/ the date cases are opened on"),
                    edition: str | None = Query(None, max_length=40, description="指定版本 / force an edition"),
                    principal: Principal = Depends(require("inspector", "regulator"))):
    body = await request.body()
    svc = request.app.state.svc
    out = await run_in_threadpool(_determine, svc, body, lang_of(request), principal, open_cases, today, edition)
    return Response(out, media_type="application/json")


def _determine(svc, body: bytes, lang: str, principal: Principal, open_cases: bool, today, edition) -> bytes:
    record = parse_json(body, "body", svc.settings.limits.depth)
    det = svc.engine.evaluate(record, where="body", edition=edition)
    from ...supervision.context import control_tier

    supervision = svc.supervision_settings()
    doc = det.to_dict(lang)
    doc["control_tier"] = control_tier(det, settings=supervision)  # as check --format json: every record
    if open_cases:
        from ...supervision import open_cases as open_for

        region = (det.enterprise or {}).get("region_code")
        if not principal.covers(region):
            raise refuse_region(principal, region, "被检查单位", "the inspected enterprise")
        doc["cases"] = open_for([det], svc.db_url, today or date.today(), actor=principal.name, settings=supervision)
    row = decision_row(principal, record, record_id=det.record_id, ruleset=det.ruleset, edition=det.edition,
                       version=det.version, digest=det.digest, conclusion=det.conclusion, fired=det.fired)
    try:
        svc.decisions.write([row])
    except Exception as exc:  # noqa: BLE001 - unlogged means unserved
        raise ApiError(503, "decision_log_unavailable", "decision_log",
                       f"判定日志无法写入，未返回判定结果（可重试）：{type(exc).__name__}",
                       f"the decision log cannot be written, so no determination is returned (retry): "
                       f"{type(exc).__name__}") from None
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"


@router.post("/v1/determinations:batch", response_model=None, summary="批量判定（JSONL）/ judge a JSONL batch",
             description="每个非空输入行对应一个输出行，顺序不变：判定结果，或指出行号与问题的错误对象（与 `hazardrules batch` "
                         "的输出行相同）。边计算边返回。\n\nOne output row per non-blank input row, in order, streamed: "
                         "the rows `hazardrules batch` writes (a determination, or an error object naming the line).",
             openapi_extra={"requestBody": BATCH_BODY},
             responses={200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}},
                              "description": "JSONL：每行一个结果 / one result per line"},
                        **responses(401, 403, 413, 422)})
async def determine_batch(request: Request,
                          detail: Literal["summary", "full"] = Query("summary", description="summary：结论与条款编号；"
                                                                      "full：完整判定 / full determinations"),
                          edition: str | None = Query(None, max_length=40, description="指定版本 / force an edition"),
                          principal: Principal = Depends(require("inspector", "regulator"))):
    body = await request.body()
    svc = request.app.state.svc
    return StreamingResponse(_batch(svc, body, lang_of(request), principal, detail, edition),
                             media_type="application/x-ndjson")


def _batch(svc, body: bytes, lang: str, principal: Principal, detail: str, edition: str | None):
    """Yield the output in chunks; each chunk's decisions are logged before the chunk is sent."""
    depth = svc.settings.limits.depth
    pending: list[tuple[RawRow, object]] = []
    n = 0
    for lineno, line in enumerate(body.split(b"\n"), 1):
        if not line.strip():
            continue  # blank lines are not records (as in hazardrules batch)
        n += 1
        pending.append((RawRow(n, f"body:{lineno}", "json", line), None))
        if len(pending) >= CHUNK:
            yield _chunk(svc, pending, lang, principal, detail, edition, depth)
            pending = []
    if pending:
        yield _chunk(svc, pending, lang, principal, detail, edition, depth)


def _chunk(svc, pending, lang, principal, detail, edition, depth) -> bytes:
    rows, log = [], []
    for raw, _ in pending:
        try:
            record = parse_json(raw.data, raw.where, depth)
        except LoadError as exc:
            if exc.code == "too_deep":
                rows.append(error_row(raw, exc, lang))
                continue
            record = None  # judge() reports the syntax error the way hazardrules batch does
        row = judge(svc.engine, raw, None, edition=edition, detail=detail, lang=lang)
        rows.append(row)
        if row["ok"]:
            fired = row["fired"] if "fired" in row else [f["rule"] for f in row["findings"]]
            log.append(decision_row(principal, record, record_id=row["record_id"], ruleset=row["ruleset"],
                                    edition=row["edition"], version=row["version"], digest=row["digest"],
                                    conclusion=row["conclusion"], fired=fired))
    try:
        svc.decisions.write(log)
    except Exception as exc:  # noqa: BLE001 - the log is unreachable: serve no unlogged determination
        err = HazardRulesError(diag("decision_log_unavailable", "", f"判定日志无法写入，本行未予判定：{type(exc).__name__}",
                                    f"the decision log cannot be written, so this row was not judged: "
                                    f"{type(exc).__name__}"))
        rows = [r if not r["ok"] else error_row(RawRow(r["row"], r["where"], "json", b""), err, lang) for r in rows]
    return b"".join(orjson.dumps(r) + b"\n" for r in rows)
