"""Request limits: body size (checked against Content-Length and while reading) and JSON depth.

A record nests a few levels (record → facts → list of units → unit → value); a body nested
hundreds deep is an attack or a bug, and is refused before the engine sees it, with the same
place-naming message style as the CLI's reader.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from ..errors import LoadError, diag
from .errors import BodyTooLarge


@dataclass(frozen=True)
class Limits:
    """Maximum sizes; ``batch_body`` applies to ``POST /v1/determinations:batch``."""

    body: int = 1 << 20  # 1 MiB: one record
    batch_body: int = 64 << 20  # 64 MiB: a JSONL batch (the output is streamed, the input is read first)
    depth: int = 16  # nesting of objects and arrays in one record


class BodyLimit:
    """ASGI middleware: refuse a body over its limit, by header at once, else while it is read."""

    def __init__(self, app, limits: Limits):
        self.app = app
        self.limits = limits

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit = self.limits.batch_body if scope["path"].endswith(":batch") else self.limits.body
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = False
                if too_big:
                    return await self._refuse(scope, receive, send, limit)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        return await self.app(scope, limited, send)

    async def _refuse(self, scope, receive, send, limit):
        from starlette.requests import Request

        from .errors import pick_lang
        from .handlers import too_large

        lang = pick_lang(Request(scope).headers.get("accept-language"))
        await too_large(BodyTooLarge(limit), lang)(scope, receive, send)


def parse_json(body: bytes, where: str, max_depth: int):
    """The parsed body, or :class:`LoadError` naming line:column (bad JSON) or the depth limit."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise LoadError(diag("json_syntax", f"{where}:{exc.lineno}:{exc.colno}", f"JSON 语法错误：{exc.msg}",
                             f"JSON syntax error: {exc.msg}")) from None
    check_depth(value, where, max_depth)
    return value


def check_depth(value, where: str, max_depth: int) -> None:
    """Refuse nesting deeper than ``max_depth`` (iterative: a deep value cannot exhaust the stack)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            raise LoadError(diag("too_deep", where, f"JSON 嵌套超过 {max_depth} 层（检查记录最多只需数层）",
                                 f"JSON nested deeper than {max_depth} levels (a record needs only a few)"))
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
