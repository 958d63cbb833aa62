"""Exception handlers: every way a request can fail becomes an :class:`~.errors.ErrorBody`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import Diagnostic, HazardRulesError
from .errors import ApiError, BodyTooLarge, error_response, internal_error, pick_lang, status_of


def lang_of(request: Request) -> str:
    return pick_lang(request.headers.get("accept-language"))


def too_large(exc: BodyTooLarge, lang: str):
    mib = exc.limit / (1 << 20)
    err = HazardRulesError(Diagnostic("body_too_large", "body", f"请求体超过 {mib:g} MiB 的上限（可拆分为多次请求）",
                                      f"the request body exceeds the {mib:g} MiB limit (split it into several requests)"))
    return error_response(err, 413, lang)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError):
        return error_response(exc.error, exc.status, lang_of(request), exc.headers)

    @app.exception_handler(HazardRulesError)
    async def _engine(request: Request, exc: HazardRulesError):
        return error_response(exc, status_of(exc), lang_of(request))

    @app.exception_handler(BodyTooLarge)
    async def _large(request: Request, exc: BodyTooLarge):
        return too_large(exc, lang_of(request))

    @app.exception_handler(RequestValidationError)
    async def _params(request: Request, exc: RequestValidationError):
        diags = []
        for e in exc.errors()[:50]:
            where = ".".join(str(p) for p in e.get("loc", ()))
            diags.append(Diagnostic("bad_parameter", where, f"参数 {where} 无效：{e.get('msg', '')}",
                                    f"invalid parameter {where}: {e.get('msg', '')}"))
        if not diags:
            diags.append(Diagnostic("bad_parameter", "", "请求参数无效", "invalid request parameters"))
        return error_response(HazardRulesError(diags), 422, lang_of(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            d = Diagnostic("not_found", request.url.path, "没有这个地址（见 /docs 中的接口列表）",
                           "no such path (see /docs for the API)")
        elif exc.status_code == 405:
            d = Diagnostic("method_not_allowed", request.url.path, f"该地址不接受 {request.method} 请求",
                           f"this path does not accept {request.method}")
        else:
            d = Diagnostic("http_error", request.url.path, str(exc.detail), str(exc.detail))
        return error_response(HazardRulesError(d), exc.status_code, lang_of(request), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception):
        return internal_error(lang_of(request), exc)
