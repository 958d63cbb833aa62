"""Error bodies of the HTTP service: the CLI's codes, places and messages, as JSON.

Every refusal has the same shape (:class:`ErrorBody`): a stable ``error`` code (the
:class:`~hazardrules.errors.HazardRulesError` code the CLI would exit 2 with), the message rendered
in the language ``Accept-Language`` asks for, and each diagnostic with its place. Status codes:
400 unreadable body (bad JSON, too deep), 401 no or bad token, 403 role or region refused, 404 no
such thing, 409 a case step the lifecycle forbids or a concurrent change, 413 body too large,
422 a readable body the engine refuses (unknown ruleset, bad field, …), 503 the ledger is
unreachable. An unexpected exception is a 500 whose body names an incident id; the traceback goes
to the server log only, never into a response.
"""

from __future__ import annotations

import logging
import secrets

import orjson
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from ..errors import Diagnostic, EditionNotEncoded, HazardRulesError, LoadError, RecordError, RulesetNotFound

log = logging.getLogger("hazardrules.api")


class DiagnosticBody(BaseModel):
    code: str = Field(description="稳定的错误代码 / stable code")
    where: str = Field(description="出错位置（请求体、行号、字段）/ where: body, line, field")
    message: str = Field(description="说明（按 Accept-Language 选择中文或英文）/ message in the chosen language")


class ErrorBody(BaseModel):
    """所有错误响应的统一格式。The body of every error response."""

    error: str = Field(description="错误代码，与命令行相同 / error code, the same as the CLI's")
    status: int = Field(description="HTTP 状态码 / HTTP status")
    message: str = Field(description="完整说明，与命令行输出相同 / the message the CLI prints")
    diagnostics: list[DiagnosticBody] = Field(default_factory=list, description="逐项问题 / each problem")


class ApiError(Exception):
    """A refusal with an HTTP status and one bilingual diagnostic."""

    def __init__(self, status: int, code: str, where: str, zh: str, en: str, headers: dict | None = None):
        super().__init__(en)
        self.status = status
        self.error = HazardRulesError(Diagnostic(code, where, zh, en), code=code)
        self.headers = headers or {}


class BodyTooLarge(StarletteHTTPException):
    """Raised by the size-limit middleware's ``receive`` when a body passes its limit (an HTTPException, so
    FastAPI's own body parsing lets it through as it is instead of turning it into a 400)."""

    def __init__(self, limit: int):
        super().__init__(413)
        self.limit = limit


def pick_lang(accept_language: str | None) -> str:
    """``zh`` or ``en`` from an ``Accept-Language`` header (highest weight wins; default Chinese)."""
    if not accept_language:
        return "zh"
    best, best_q = "zh", -1.0
    for n, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        tag = tag.strip().lower()
        lang = "en" if tag.startswith("en") else ("zh" if tag.startswith("zh") or tag == "*" else None)
        if lang and (q > best_q):
            best, best_q = lang, q
    return best


def status_of(exc: HazardRulesError, *, missing_ruleset: int = 422) -> int:
    """The HTTP status for an engine/ledger error (the CLI exits 2 for all of them)."""
    from ..supervision.errors import CaseNotFound, ConflictError, IdentityError, LedgerError, TransitionError

    if isinstance(exc, LoadError):
        return 400
    if isinstance(exc, RulesetNotFound):
        return missing_ruleset
    if isinstance(exc, CaseNotFound):
        return 404
    if isinstance(exc, (TransitionError, ConflictError)):
        return 409
    if isinstance(exc, LedgerError):
        return 503
    if isinstance(exc, (RecordError, EditionNotEncoded, IdentityError)):
        return 422
    return 422


def error_body(exc: HazardRulesError, status: int, lang: str) -> dict:
    return {"error": exc.code, "status": status, "message": exc.render(lang),
            "diagnostics": [{"code": d.code, "where": d.where, "message": d.zh if lang == "zh" else d.en}
                            for d in exc.diagnostics]}


def error_response(exc: HazardRulesError, status: int, lang: str, headers: dict | None = None) -> Response:
    return Response(orjson.dumps(error_body(exc, status, lang)), status_code=status, media_type="application/json",
                    headers=headers)


def internal_error(lang: str, exc: BaseException) -> Response:
    """A 500 that says it is our bug and where the details went, never the traceback itself."""
    incident = secrets.token_hex(6)
    log.error("internal error, incident %s", incident, exc_info=exc)
    err = HazardRulesError(Diagnostic("internal_error", "", f"内部错误（系统缺陷，请报告）；详情已记入服务日志，事件编号 {incident}",
                                      f"internal error (a bug, please report it); details are in the service log, "
                                      f"incident {incident}"))
    return error_response(err, 500, lang)


def responses(*statuses: int) -> dict:
    """OpenAPI ``responses`` entries for the error statuses a route can return."""
    text = {400: "请求体无法读取（JSON 语法、嵌套过深）/ unreadable body", 401: "缺少或无效的令牌 / missing or invalid token",
            403: "角色或地区无权限 / role or region not allowed", 404: "不存在 / not found",
            409: "案件状态不允许该操作，或并发冲突 / lifecycle refused the step, or a concurrent change",
            413: "请求体过大 / body too large", 422: "内容无效（规则集、字段、取值）/ the engine refused the content",
            503: "案件库不可用 / ledger unavailable"}
    return {s: {"model": ErrorBody, "description": text[s]} for s in statuses}
