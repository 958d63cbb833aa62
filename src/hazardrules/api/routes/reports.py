"""``GET /v1/reports``: the statistics of ``hazardrules report`` as JSON or CSV, within the caller's region."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from ...supervision import report as report_mod
from ...supervision.access import Principal
from ..auth import require
from ..errors import responses
from ..handlers import lang_of
from .cases import _scope_prefix

router = APIRouter(tags=["报表 reports"])


@router.get("/v1/reports", response_model=list[dict], summary="督办统计 / supervision report",
            description="整改率、重大隐患整改率（销号）、每千次检查重大隐患数、企业自查占比、逾期数、动态清零；"
                        "口径见 docs/supervision.md。监管部门只能查询本辖区。`format=csv` 返回 CSV。\n\n"
                        "The statistics of `hazardrules report`, limited to the caller's region; CSV with `format=csv` "
                        "(Chinese headers and a BOM as the CLI writes it; `headers=keys` for programs).",
            responses={200: {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                                         "text/csv": {"schema": {"type": "string"}}},
                             "description": "每组一行，最后一行为合计 / one row per group, then the total"},
                       **responses(401, 403, 422)})
async def get_report(request: Request,
                     start: date | None = Query(None, alias="from", description="起始日期 / period start"),
                     end: date | None = Query(None, alias="to", description="截止日期（默认今天）/ as-of date"),
                     by: Literal[report_mod.GROUPINGS] = Query("none", description="分组 / group by"),  # type: ignore[valid-type]
                     period: Literal[report_mod.PERIODS] = Query("month"),  # type: ignore[valid-type]
                     region: str | None = Query(None, pattern=r"^[0-9]{2,6}$", description="行政区划代码前缀 / region prefix"),
                     sector: str | None = Query(None, max_length=80, description="规则集 / ruleset id"),
                     format: Literal["json", "csv"] = Query("json"),  # noqa: A002
                     headers: Literal["labels", "keys"] = Query(
                         "labels", description="CSV 表头：中文名称（带 UTF-8 BOM，Excel 可直接打开）或字段键名 / "
                                               "CSV headers: labels (with a UTF-8 BOM, for Excel) or keys"),
                     principal: Principal = Depends(require("regulator"))):
    prefix = _scope_prefix(principal, region) or None
    svc = request.app.state.svc
    lang = lang_of(request)

    def run():
        rows = report_mod.compute(svc.db_url, start=start, end=end or date.today(), by=by, period=period,
                                  region=prefix, sector=sector)
        return report_mod.render(rows, format, lang, headers=headers)

    text = await run_in_threadpool(run)
    if format == "csv":
        return Response((text + "\n").encode(), media_type="text/csv; charset=utf-8")
    return Response(text.encode(), media_type="application/json")
