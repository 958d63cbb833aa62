"""``GET /healthz`` (the process answers) and ``GET /readyz`` (database reachable, rulesets compiled)."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import text
from starlette.responses import Response

from ..models import Health, Ready

router = APIRouter(tags=["运行状态 health"])


@router.get("/healthz", response_model=Health, summary="存活检查 / liveness")
async def healthz():
    return Response(b'{"status":"ok"}', media_type="application/json")


@router.get("/readyz", response_model=Ready, summary="就绪检查 / readiness",
            description="案件库可连接且全部规则集已编译时返回 200，否则 503 并列出问题。\n\n"
                        "200 when the ledger answers and every ruleset compiled; else 503 with the problems.",
            responses={503: {"model": Ready, "description": "未就绪 / not ready"}})
async def readyz(request: Request):
    svc = request.app.state.svc
    problems = list(svc.compile_problems)

    def ping() -> str:
        try:
            with svc.ledger.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means: not ready
            return f"unreachable: {type(exc).__name__}"

    database = await run_in_threadpool(ping)
    if database != "ok":
        problems.append(f"database {database}")
    ok = not problems and svc.editions_compiled > 0
    if svc.editions_compiled == 0 and not problems:
        problems.append("no ruleset edition compiled")
    body = {"status": "ready" if ok else "not_ready", "database": database,
            "editions_compiled": svc.editions_compiled, "problems": problems}
    return Response(orjson.dumps(body), status_code=200 if ok else 503, media_type="application/json")
