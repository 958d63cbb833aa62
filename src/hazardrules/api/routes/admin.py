"""Tokens (administrators) and the decision log (administrators and regulators, within their region)."""

from __future__ import annotations

from datetime import datetime, timezone

import orjson
from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from ...supervision import access
from ...supervision.access import Principal
from ..auth import require
from ..errors import responses
from ..models import Decision, NewToken, TokenInfo, TokenRequest

router = APIRouter(tags=["管理 admin"])
ADMIN = require("admin")


def _json(value, status: int = 200) -> Response:
    return Response(orjson.dumps(value), status_code=status, media_type="application/json")


@router.post("/v1/tokens", response_model=NewToken, status_code=201, summary="创建令牌 / create a token",
             description="令牌全文只在此响应中出现一次；库中只存其哈希。The token text appears only in this response.",
             responses=responses(400, 401, 403, 422))
async def create_token(request: Request, body: TokenRequest = Body(...), principal: Principal = Depends(ADMIN)):
    engine = request.app.state.svc.ledger.engine

    def run():
        token, row = access.create_token(engine, name=body.name, role=body.role, region_code=body.region_code,
                                         created_by=principal.name)
        return {**row, "token": token}

    return _json(await run_in_threadpool(run), 201)


@router.get("/v1/tokens", response_model=list[TokenInfo], summary="令牌列表 / list tokens", responses=responses(401, 403))
async def list_tokens(request: Request, principal: Principal = Depends(ADMIN)):
    return _json(await run_in_threadpool(access.list_tokens, request.app.state.svc.ledger.engine))


@router.delete("/v1/tokens/{token_id}", response_model=TokenInfo, summary="吊销令牌 / revoke a token",
               responses=responses(401, 403, 422))
async def revoke_token(request: Request, token_id: str = Path(max_length=24), principal: Principal = Depends(ADMIN)):
    return _json(await run_in_threadpool(access.revoke_token, request.app.state.svc.ledger.engine, token_id))


@router.get("/v1/decisions", response_model=list[Decision], summary="判定日志 / the decision log",
            description="按记录编号、记录哈希、时间查询每次判定：哪个令牌、哪一版规则（编号、版本、摘要）、结论、触发的条款。"
                        "监管部门只看到本辖区单位的记录。\n\nEvery determination served, by record and time: token, "
                        "ruleset id/edition/digest, conclusion, fired rules. Regulators see their region only.",
            responses=responses(401, 403, 422))
async def decisions(request: Request,
                    record_id: str | None = Query(None, max_length=200, description="记录编号 / record id"),
                    record_sha256: str | None = Query(None, pattern=r"^[0-9a-f]{64}$", description="记录哈希 / record hash"),
                    since: datetime | None = Query(None, description="起始时间（含）/ from (inclusive)"),
                    until: datetime | None = Query(None, description="截止时间（不含）/ until (exclusive)"),
                    after_id: int = Query(0, ge=0, le=2**62, description="从此编号之后 / after this id"),
                    limit: int = Query(100, ge=1, le=1000),
                    principal: Principal = Depends(require("regulator", "admin"))):
    engine = request.app.state.svc.ledger.engine
    rows = await run_in_threadpool(lambda: access.query_decisions(
        engine, record_id=record_id, record_sha256=record_sha256, since=_utc(since), until=_utc(until),
        region_prefix=principal.region_prefix, after_id=after_id, limit=limit))
    return _json(rows)


def _utc(value: datetime | None) -> datetime | None:
    """Compare in UTC, as stored (a time without a zone is taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
