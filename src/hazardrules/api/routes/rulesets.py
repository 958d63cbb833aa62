"""``GET /v1/rulesets…``: encoded editions, their metadata, record JSON Schema and blank checklist."""

from __future__ import annotations

from typing import Literal

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from ...compile import CompiledRuleset
from ...errors import HazardRulesError
from ...supervision.access import Principal
from ..auth import require
from ..errors import error_response, responses
from ..handlers import lang_of
from ..models import RulesetDetail, RulesetSummary

router = APIRouter(tags=["规则集 rulesets"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANY_ROLE = require("inspector", "regulator", "admin")
RulesetId = Path(max_length=80, description="规则集编号，如 coal-mine / ruleset id")
Edition = Path(max_length=40, description="版本，如 2026 / edition")


def _json(value) -> Response:
    return Response(orjson.dumps(value), media_type="application/json")


def not_encoded(rs: CompiledRuleset) -> list[dict]:
    """Clauses the edition declares it does not encode (a partial edition), as plain dicts."""
    return [{**{k: (str(d[k]) if d.get(k) is not None else None) for k in ("clause", "title", "reason", "note")},
             "part": bool(d.get("part")), "supersedes": [str(x) for x in d.get("supersedes") or ()]}
            for d in rs.not_encoded]


def summary(rs: CompiledRuleset) -> dict:
    return {"id": rs.id, "edition": rs.edition, "title": rs.title, "title_en": rs.title_en, "document": rs.document,
            "effective_from": rs.effective_from.isoformat(),
            "effective_to": rs.effective_to.isoformat() if rs.effective_to else None,
            "version": rs.version, "digest": rs.digest, "partial": rs.partial,
            "rules": len(rs.rules), "fields": len(rs.fields)}


def _edition(request: Request, ruleset_id: str, edition: str) -> CompiledRuleset:
    return request.app.state.svc.engine.ruleset(ruleset_id, edition=edition)


@router.get("/v1/rulesets", response_model=list[RulesetSummary], summary="已编码的规则集版本 / encoded editions",
            description="每个已编码版本一项：文号、施行期间、内容摘要、是否部分编码。\n\nOne item per encoded edition.",
            responses=responses(401, 403))
async def list_rulesets(request: Request, principal: Principal = Depends(ANY_ROLE)):
    return _json([summary(rs) for rs in request.app.state.svc.engine.all_editions()])


@router.get("/v1/rulesets/{ruleset_id}/{edition}", response_model=RulesetDetail,
            summary="一个版本的元数据 / one edition's metadata",
            description="来源文件、施行期间、版本摘要、条款列表、未编码条款（部分编码版本）。\n\n"
                        "Source, dates, digest, the rules and the clauses not encoded.",
            responses=responses(401, 403, 404))
async def get_ruleset(request: Request, ruleset_id: str = RulesetId, edition: str = Edition,
                      principal: Principal = Depends(ANY_ROLE)):
    try:
        rs = _edition(request, ruleset_id, edition)
    except HazardRulesError as exc:
        return error_response(exc, 404, lang_of(request))
    body = summary(rs)
    body.update(source={k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in rs.source.items()},
                history=[{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in h.items()} for h in rs.history],
                groups=[{"id": g.id, "title": g.title, "title_en": g.title_en, "cite": g.cite} for g in rs.groups],
                rule_list=[{"id": r.id, "cite": r.cite, "title": r.title, "title_en": r.title_en, "kind": r.kind,
                            "group": r.group} for r in rs.rules],
                not_encoded=not_encoded(rs))
    return _json(body)


@router.get("/v1/rulesets/{ruleset_id}/{edition}/schema", response_model=dict,
            summary="检查记录的 JSON Schema / JSON Schema of a record",
            description="用于生成检查表单：字段名称为 title，枚举带中文名称，注明单位，范围事实标记 x-scope。"
                        "Accept-Language: en 给出英文名称。\n\nFor form builders: labels as titles, enum labels, units, "
                        "scope facts marked `x-scope`.",
            responses=responses(401, 403, 404))
async def get_schema(request: Request, ruleset_id: str = RulesetId, edition: str = Edition,
                     principal: Principal = Depends(ANY_ROLE)):
    from ...record_json_schema import record_schema

    try:
        rs = _edition(request, ruleset_id, edition)
    except HazardRulesError as exc:
        return error_response(exc, 404, lang_of(request))
    return Response(orjson.dumps(record_schema(rs, lang_of(request))), media_type="application/schema+json")


@router.get("/v1/rulesets/{ruleset_id}/{edition}/checklist", response_model=None,
            summary="空白检查表 / blank checklist",
            description="与 `hazardrules checklist` 相同的空白记录：YAML（默认）或 Excel 工作簿（`format=xlsx`，下拉选项为"
                        "中文名称，填好后可用 `hazardrules check` 读回）；`set=字段=值` 只保留适用的章节。\n\n"
                        "The blank record `hazardrules checklist` writes: YAML, or an Excel workbook with `format=xlsx` "
                        "(read back by `hazardrules check`); `set=FIELD=VALUE` keeps only the sections that can apply.",
            responses={200: {"content": {"application/yaml": {"schema": {"type": "string"}},
                                         XLSX: {"schema": {"type": "string", "format": "binary"}}},
                             "description": "空白记录 / blank record"}, **responses(401, 403, 404, 422)})
async def get_checklist(request: Request, ruleset_id: str = RulesetId, edition: str = Edition,
                        set: list[str] = Query(default=[], max_length=200,  # noqa: A002 - the CLI's option name
                                               description="已知事实 字段=值 / known facts FIELD=VALUE"),
                        format: Literal["yaml", "xlsx"] = Query("yaml", description="yaml 或 xlsx"),  # noqa: A002
                        principal: Principal = Depends(ANY_ROLE)):
    lang = lang_of(request)
    try:
        rs = _edition(request, ruleset_id, edition)
    except HazardRulesError as exc:
        return error_response(exc, 404, lang)
    if format == "xlsx":
        data = await run_in_threadpool(_checklist_xlsx, rs, set)
        name = f"{rs.id}-{rs.edition}-checklist.xlsx"
        return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
    text = await run_in_threadpool(_checklist, rs, set, lang)
    return Response(text.encode(), media_type="application/yaml")


def _checklist_xlsx(rs: CompiledRuleset, sets: list[str]) -> bytes:
    """The workbook ``hazardrules checklist --format xlsx`` writes, dated as the CLI dates it."""
    import tempfile
    from datetime import date
    from pathlib import Path

    from ...paper.xlsx_checklist import write_checklist_xlsx

    facts = _given(rs, sets)
    today = date.today()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "checklist.xlsx"
        write_checklist_xlsx(rs, facts, path, inspection_day=today if rs.in_force(today) else rs.effective_from)
        return path.read_bytes()


def _checklist(rs: CompiledRuleset, sets: list[str], lang: str) -> str:
    from ...checklist import render_checklist

    return render_checklist(rs, _given(rs, sets), lang)


def _given(rs: CompiledRuleset, sets: list[str]) -> dict:
    """``set=FIELD=VALUE`` items, checked and typed as the CLI's ``--set`` (text coerced to the field's type)."""
    from ...errors import RecordError, diag
    from ...records import normalize_facts

    given = {}
    for item in sets:
        if "=" not in item:
            raise RecordError(diag("bad_set", f"set {item}", "应为 字段=值", "expected FIELD=VALUE"))
        key, value = item.split("=", 1)
        given[key.strip()] = value.strip()
    return normalize_facts(given, rs.fields, "set", coerce=True)
