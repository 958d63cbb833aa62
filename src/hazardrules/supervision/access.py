"""API tokens and the decision log, stored in the ledger database (tables in :mod:`.schema`).

Tokens look like ``hzr_<id>_<secret>``: the id is public (it names the token in the decision log),
the secret is 32 random bytes shown once at creation. Only the SHA-256 of the secret is stored: the
secret is random and long, so a fast hash is as safe as a slow one here (nothing to brute-force),
and checking a request costs microseconds. Roles:

- ``inspector``: determinations; opens cases and moves the cases it opened;
- ``regulator``: determinations; every case of its region and below, reports, the decision log;
- ``admin``: tokens, the decision log, the escalation sweep.

A region scope is a 行政区划代码 checked by :func:`.identity.parse_region`; ``150600`` covers every
code starting ``1506``, ``150000`` the whole province; no region means the whole country.

The decision log is append-only in the database itself (migration ``serve_0003``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

import orjson
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import HazardRulesError, diag
from .identity import parse_region
from .schema import api_tokens, decision_log

ROLES = {"inspector": ("检查员", "inspector"), "regulator": ("监管部门", "regulator"), "admin": ("管理员", "administrator")}
PREFIX = "hzr_"


class TokenError(HazardRulesError):
    """A token cannot be created or revoked as asked (duplicate name, unknown role or id)."""

    code = "token_error"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the token's id, name (the actor on case events), role and region scope."""

    token_id: str
    name: str
    role: str
    region_code: str | None

    @property
    def region_prefix(self) -> str:
        """Codes this principal covers start with this ('' = the whole country)."""
        code = self.region_code
        if not code:
            return ""
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
        return code

    def covers(self, region_code: str | None) -> bool:
        """Whether a case or record of ``region_code`` is inside this principal's scope."""
        prefix = self.region_prefix
        if not prefix:
            return True
        return bool(region_code) and str(region_code).startswith(prefix)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(engine, *, name: str, role: str, region_code: str | None, created_by: str) -> tuple[str, dict]:
    """Create a token; return ``(the token text, shown once, its row)``."""
    if role not in ROLES:
        raise TokenError(diag("bad_role", "role", f"角色 {role!r} 无效；可选：{'、'.join(ROLES)}",
                              f"unknown role {role!r}; accepted: {', '.join(ROLES)}"))
    if not name or len(name) > 120:
        raise TokenError(diag("bad_name", "name", "名称应为 1–120 个字符", "the name must have 1 to 120 characters"))
    region = parse_region(region_code, "region").code if region_code else None
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    row = dict(id=token_id, name=name, role=role, region_code=region, secret_sha256=_hash(secret),
               created_at=datetime.now(timezone.utc), created_by=created_by, revoked_at=None)
    try:
        with engine.begin() as conn:
            conn.execute(insert(api_tokens).values(**row))
    except IntegrityError:
        raise TokenError(diag("duplicate_name", "name", f"已有名为 {name!r} 的令牌（名称即案件事件中的操作人，须唯一）",
                              f"a token named {name!r} exists already (the name is the actor on case events and must "
                              "be unique)")) from None
    return f"{PREFIX}{token_id}_{secret}", _public(row)


def verify_token(engine, text: str) -> Principal | None:
    """The principal of a valid, unrevoked token; None for anything else (never says which part failed)."""
    if not isinstance(text, str) or not text.startswith(PREFIX) or len(text) > 200:
        return None
    token_id, _, secret = text[len(PREFIX):].partition("_")
    if not token_id or not secret:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).mappings().first()
    if row is None or row["revoked_at"] is not None:
        return None
    if not hmac.compare_digest(row["secret_sha256"], _hash(secret)):
        return None
    return Principal(row["id"], row["name"], row["role"], row["region_code"])


def list_tokens(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(api_tokens).order_by(api_tokens.c.created_at)).mappings().all()
    return [_public(r) for r in rows]


def revoke_token(engine, token_id: str) -> dict:
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        done = conn.execute(update(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                            .values(revoked_at=now))
        row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).mappings().first()
    if row is None:
        raise TokenError(diag("token_not_found", token_id, f"没有令牌 {token_id}", f"no token {token_id}"))
    if done.rowcount != 1:
        raise TokenError(diag("already_revoked", token_id, f"令牌 {token_id} 已于 {row['revoked_at']} 吊销",
                              f"token {token_id} was revoked already on {row['revoked_at']}"))
    return _public(row)


def _public(row) -> dict:
    """A token row without its hash."""
    return {"id": row["id"], "name": row["name"], "role": row["role"], "region_code": row["region_code"],
            "created_at": _iso(row["created_at"]), "created_by": row["created_by"], "revoked_at": _iso(row["revoked_at"])}


def _iso(value) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite returns naive datetimes; they were written in UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


# -- the decision log ------------------------------------------------------------------------------

def record_sha256(record: dict) -> str:
    """SHA-256 of the record's canonical JSON (keys sorted, no spaces): the same record, however its
    keys were ordered or spaced, gets the same hash."""
    return hashlib.sha256(orjson.dumps(record, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)).hexdigest()


def decision_row(principal: Principal, record: dict, *, record_id, ruleset: str, edition: str, version: str,
                 digest: str, conclusion: str, fired: list[str]) -> dict:
    """One decision-log row (not yet written)."""
    ent = record.get("enterprise") if isinstance(record.get("enterprise"), dict) else {}
    region = ent.get("region_code")
    region = str(region)[:6] if isinstance(region, (str, int)) and str(region).isdigit() else None
    return dict(recorded_at=datetime.now(timezone.utc), token_id=principal.token_id,
                record_id=None if record_id is None else str(record_id)[:200], record_sha256=record_sha256(record),
                ruleset=ruleset, edition=edition, version=version, digest=digest, conclusion=conclusion,
                fired=orjson.dumps(fired).decode(), region_code=region)


def append_decisions(engine, rows: list[dict]) -> None:
    """Write decision-log rows in one transaction (nothing is written if one fails)."""
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(decision_log), rows)


def query_decisions(engine, *, record_id: str | None = None, record_sha256: str | None = None,
                    since: datetime | None = None, until: datetime | None = None, region_prefix: str = "",
                    after_id: int = 0, limit: int = 100) -> list[dict]:
    """Decisions in the order they were recorded, filtered by record and time (and region scope)."""
    q = select(decision_log).where(decision_log.c.id > after_id).order_by(decision_log.c.id).limit(limit)
    if record_id is not None:
        q = q.where(decision_log.c.record_id == record_id)
    if record_sha256 is not None:
        q = q.where(decision_log.c.record_sha256 == record_sha256)
    if since is not None:
        q = q.where(decision_log.c.recorded_at >= since)
    if until is not None:
        q = q.where(decision_log.c.recorded_at < until)
    if region_prefix:
        q = q.where(decision_log.c.region_code.startswith(region_prefix))
    with engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    return [{**{str(k): r[k] for k in r.keys()}, "recorded_at": _iso(r["recorded_at"]), "fired": orjson.loads(r["fired"])}
            for r in rows]
