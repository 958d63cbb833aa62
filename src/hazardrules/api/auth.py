"""Bearer-token authentication and role/region checks (FastAPI dependencies).

Tokens are checked against the ledger database; a verified token is remembered for a few seconds
(``Settings.token_cache_seconds``), so a revocation takes effect within that time on every worker.
"""

from __future__ import annotations

import hashlib
import threading
import time

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..supervision.access import ROLES, Principal, verify_token
from .errors import ApiError

bearer = HTTPBearer(auto_error=False, description="API 令牌：Authorization: Bearer hzr_… / API token")


class TokenCache:
    """Verified tokens for a short time, keyed by a hash of the token text (never the text)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._seen: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def principal(self, engine, text: str) -> Principal | None:
        if self.seconds <= 0:
            return verify_token(engine, text)
        key = hashlib.sha256(text.encode()).hexdigest()
        now = time.monotonic()
        hit = self._seen.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        found = verify_token(engine, text)
        with self._lock:
            if found is None:
                self._seen.pop(key, None)
            else:
                if len(self._seen) > 10000:
                    self._seen.clear()
                self._seen[key] = (now + self.seconds, found)
        return found


def _unauthorized(zh: str, en: str) -> ApiError:
    return ApiError(401, "unauthorized", "Authorization", zh, en, headers={"WWW-Authenticate": "Bearer"})


def current_principal(request: Request,
                      credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
    if credentials is None:
        raise _unauthorized("缺少令牌：请求头应为 Authorization: Bearer hzr_…（令牌由管理员用 hazardrules token create 创建）",
                            "no token: send Authorization: Bearer hzr_… (an administrator creates tokens with "
                            "hazardrules token create)")
    svc = request.app.state.svc
    principal = svc.tokens.principal(svc.ledger.engine, credentials.credentials)
    if principal is None:
        raise _unauthorized("令牌无效或已吊销", "the token is invalid or revoked")
    request.state.principal = principal
    return principal


def require(*roles: str):
    """A dependency: the caller's principal, if its role is one of ``roles``; else 403."""
    zh_roles = "、".join(ROLES[r][0] for r in roles)

    def check(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.role not in roles:
            raise ApiError(403, "forbidden_role", principal.role,
                           f"角色“{ROLES[principal.role][0]}”无权执行此操作；需要：{zh_roles}",
                           f"the role '{principal.role}' may not do this; it needs: {', '.join(roles)}")
        return principal

    return check


def refuse_region(principal: Principal, region_code: str | None, what_zh: str, what_en: str) -> ApiError:
    scope = principal.region_code or "全国"
    return ApiError(403, "forbidden_region", str(region_code or "-"),
                    f"{what_zh}的行政区划 {region_code or '（未填）'} 不在令牌的管辖范围 {scope} 内",
                    f"{what_en} is in region {region_code or '(none)'}, outside this token's scope "
                    f"{principal.region_code or 'national'}")
