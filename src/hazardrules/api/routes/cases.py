"""Supervision cases: list and filter, one case with its events, lifecycle steps, the sweep.

Steps go through :func:`hazardrules.supervision.service.step` — the same state machine and checks
as ``hazardrules case rectify|verify|close|reopen`` — with the token's name as the actor. Who sees
what: a regulator every case of its region and below; an inspector the cases it opened (the actor
of the case's ``opened`` event); the sweep belongs to administrators and national regulators.
"""

from __future__ import annotations

from typing import Literal

import orjson
from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from starlette.responses import Response

from ...supervision.access import Principal
from ...supervision.lifecycle import OPEN_STATES, STATES
from ...supervision.schema import case_events, cases
from ..auth import refuse_region, require
from ..errors import ApiError, responses
from ..models import CaseDetail, CaseRow, CaseStep, ExtendStep, PlanStep, StepResult, SweepRequest, SweepResult, VerifyStep

router = APIRouter(tags=["督办案件 cases"])
CASE_ROLES = require("inspector", "regulator")
CaseId = Path(ge=1, le=2**31 - 1, description="案件编号 / case id")
LIST_KEYS = ("id", "record_id", "ruleset", "rule", "hazard_class", "enterprise_name", "region_code", "state", "level",
             "deadline", "found_on", "closed_on", "policy")


def _json(value) -> Response:
    return Response(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS), media_type="application/json")


def _opened_by(name: str):
    return select(case_events.c.case_id).where(case_events.c.seq == 1, case_events.c.actor == name)


def _scope_prefix(principal: Principal, region: str | None) -> str:
    """The region prefix a listing may use: the caller's scope, narrowed by ``region`` if inside it."""
    own = principal.region_prefix
    if not region:
        return own
    if region.startswith(own):
        return region
    if own.startswith(region):
        return own
    raise refuse_region(principal, region, "所查地区", "the region asked for")


@router.get("/v1/cases", response_model=list[CaseRow], summary="案件列表 / list cases",
            description="按状态、地区、行业筛选；检查员只看到本人所立案件，监管部门看到本辖区及下级。\n\n"
                        "Filter by state, region, sector; inspectors see the cases they opened, regulators their region.",
            responses=responses(401, 403, 422))
async def list_cases(request: Request,
                     state: Literal[tuple(STATES)] | None = Query(None, description="状态 / state"),  # type: ignore[valid-type]
                     open: bool = Query(False, description="只列未销号案件 / only open cases"),  # noqa: A002
                     region: str | None = Query(None, pattern=r"^[0-9]{2,6}$", description="行政区划代码前缀 / region prefix"),
                     ruleset: str | None = Query(None, max_length=80, description="规则集 / sector"),
                     after_id: int = Query(0, ge=0, le=2**31 - 1, description="从此编号之后开始 / start after this id"),
                     limit: int = Query(100, ge=1, le=1000, description="最多条数 / at most"),
                     principal: Principal = Depends(CASE_ROLES)):
    prefix = _scope_prefix(principal, region)
    q = select(cases).where(cases.c.id > after_id).order_by(cases.c.id).limit(limit)
    if state:
        q = q.where(cases.c.state == state)
    if open:
        q = q.where(cases.c.state.in_(sorted(OPEN_STATES)))
    if prefix:
        q = q.where(cases.c.region_code.startswith(prefix))
    if ruleset:
        q = q.where(cases.c.ruleset == ruleset)
    if principal.role == "inspector":
        q = q.where(cases.c.id.in_(_opened_by(principal.name)))

    def read():
        with request.app.state.svc.ledger.engine.connect() as conn:
            return [{k: r[k] for k in LIST_KEYS} for r in conn.execute(q).mappings().all()]

    return _json(await run_in_threadpool(read))


def _check_access(svc, principal: Principal, case_id: int) -> dict:
    """The case row, if the caller may see and move it; else 403 (404 if there is no such case)."""
    row = svc.ledger.case_row(case_id)
    if principal.role == "inspector":
        with svc.ledger.engine.connect() as conn:
            opener = conn.execute(select(case_events.c.actor).where(case_events.c.case_id == case_id,
                                                                    case_events.c.seq == 1)).scalar()
        if opener != principal.name:
            raise ApiError(403, "forbidden_case", f"case {case_id}", f"案件 {case_id} 不是本令牌（{principal.name}）所立",
                           f"case {case_id} was not opened by this token ({principal.name})")
    elif not principal.covers(row["region_code"]):
        raise refuse_region(principal, row["region_code"], f"案件 {case_id} ", f"case {case_id}")
    return row


@router.get("/v1/cases/{case_id}", response_model=CaseDetail, summary="案件详情与事件历史 / a case and its history",
            responses=responses(401, 403, 404))
async def get_case(request: Request, case_id: int = CaseId, principal: Principal = Depends(CASE_ROLES)):
    svc = request.app.state.svc

    def read():
        row = _check_access(svc, principal, case_id)
        history = svc.ledger.history(case_id)
        body = {k: v for k, v in row.items() if k not in ("routing", "finding", "natural_key", "version",
                                                          "ruleset_version", "source", "policy_version")}
        body.update(routing=orjson.loads(row["routing"]), finding=orjson.loads(row["finding"]),
                    events=[{"seq": e["seq"], "kind": e["kind"], "actor": e["actor"], "on_date": e["on_date"],
                             "recorded_at": e["recorded_at"].isoformat(), "data": e["data"]} for e in history])
        return body

    return _json(await run_in_threadpool(read))


def _step(request: Request, principal: Principal, case_id: int, kind: str, body: CaseStep, data: dict):
    svc = request.app.state.svc

    def run():
        from ...supervision import service

        _check_access(svc, principal, case_id)
        if body.note:
            data["note"] = body.note
        return service.step(svc.db_url, case_id, kind, actor=principal.name, on=body.on, data=data,
                            settings=svc.supervision_settings())

    return run_in_threadpool(run)


_STEP_DOC = responses(400, 401, 403, 404, 409, 422)


@router.post("/v1/cases/{case_id}/plan", response_model=StepResult, summary="报送治理方案 / submit the plan",
             responses=_STEP_DOC)
async def plan(request: Request, case_id: int = CaseId, body: PlanStep = Body(...),
               principal: Principal = Depends(CASE_ROLES)):
    from ...supervision.lifecycle import PLAN_ELEMENTS

    plan = {k: getattr(body, k) for k, _, _ in PLAN_ELEMENTS}
    return _json(await _step(request, principal, case_id, "plan_submitted", body, {"plan": plan}))


@router.post("/v1/cases/{case_id}/rectify", response_model=StepResult, summary="报告整改完成 / report rectified",
             responses=_STEP_DOC)
async def rectify(request: Request, case_id: int = CaseId, body: CaseStep = Body(...),
                  principal: Principal = Depends(CASE_ROLES)):
    return _json(await _step(request, principal, case_id, "rectification_reported", body, {}))


@router.post("/v1/cases/{case_id}/verify", response_model=StepResult, summary="复核 / review (复核)",
             description="`passed=false` 表示复核不通过。`passed=false` records a failed review.", responses=_STEP_DOC)
async def verify(request: Request, case_id: int = CaseId, body: VerifyStep = Body(...),
                 principal: Principal = Depends(CASE_ROLES)):
    kind = "review_passed" if body.passed else "review_failed"
    return _json(await _step(request, principal, case_id, kind, body, {}))


@router.post("/v1/cases/{case_id}/close", response_model=StepResult, summary="销号 / close (销号)",
             description="须先复核通过。Only after a passed review.", responses=_STEP_DOC)
async def close(request: Request, case_id: int = CaseId, body: CaseStep = Body(...),
                principal: Principal = Depends(CASE_ROLES)):
    return _json(await _step(request, principal, case_id, "closed", body, {}))


@router.post("/v1/cases/{case_id}/reopen", response_model=StepResult, summary="重新打开 / reopen",
             responses=_STEP_DOC)
async def reopen(request: Request, case_id: int = CaseId, body: CaseStep = Body(...),
                 principal: Principal = Depends(CASE_ROLES)):
    return _json(await _step(request, principal, case_id, "reopened", body, {}))


@router.post("/v1/cases/{case_id}/extend", response_model=StepResult, summary="延长整改期限 / extend the deadline",
             responses=_STEP_DOC)
async def extend(request: Request, case_id: int = CaseId, body: ExtendStep = Body(...),
                 principal: Principal = Depends(CASE_ROLES)):
    svc = request.app.state.svc

    def run():  # caps and request limits of the case's policy, as the CLI's case extend
        from ...supervision.steps import extend as extend_case

        row = _check_access(svc, principal, case_id)
        out = extend_case(svc.db_url, case_id, body.deadline, actor=principal.name, on=body.on,
                          requested_on=body.requested_on, override_reason=body.override_reason,
                          approved_by=body.approved_by, note=body.note)
        return {"case": case_id, "state": out["state"], "level": row["level"], "deadline": out["deadline"]}

    return _json(await run_in_threadpool(run))


@router.post("/v1/cases:sweep", response_model=list[SweepResult], summary="逾期巡查 / escalation sweep",
             description="逾期案件提级督办并通报；重复运行不会重复处理。仅管理员或全国范围的监管部门。\n\n"
                         "Escalate overdue cases (idempotent); administrators and national regulators only.",
             responses=responses(400, 401, 403, 422))
async def sweep(request: Request, body: SweepRequest = Body(...),
                principal: Principal = Depends(require("regulator", "admin"))):
    if principal.region_prefix:
        raise ApiError(403, "forbidden_region", principal.region_code,
                       "逾期巡查处理全部案件，只能由管理员或全国范围的监管部门执行",
                       "the sweep acts on every case: only administrators and national regulators may run it")
    svc = request.app.state.svc

    def run():
        from ...supervision import service

        return service.sweep(svc.db_url, body.today, actor=principal.name, settings=svc.supervision_settings())

    return _json(await run_in_threadpool(run))
