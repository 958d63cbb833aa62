"""The ASGI application of ``hazardrules serve``: FastAPI routes over the engine and the ledger.

One :class:`Service` per process holds the compiled rulesets (compiled at start-up, shared read-only
by the request threads) and one ledger connection pool. Handlers that judge or touch the database
are plain functions run in the server's thread pool, so the event loop only moves bytes.

``create_app(Settings(...))`` builds an app (tests, embedding); ``app_from_env()`` is the factory
the server's workers call, configured by the environment ``hazardrules serve`` sets.
"""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI

from ..engine import Engine
from ..errors import HazardRulesError
from ..supervision.ledger import Ledger, resolve_url
from .auth import TokenCache
from .decision_writer import DecisionWriter
from .limits import BodyLimit, Limits

log = logging.getLogger("hazardrules.api")

DESCRIPTION = """\
重大事故隐患判定服务：提交检查记录，得到判定结论（与命令行 `hazardrules check --format json` 逐字节相同）；
获取空白检查表和记录的 JSON Schema 以生成表单；建立、流转督办案件；拉取统计报表。每次判定都记入只追加的判定日志
（何时、哪个令牌、记录哈希、规则集版本与摘要、结论、触发的条款），多年后仍可回答“这条记录由哪一版规则判定”。

访问控制：`Authorization: Bearer hzr_…`，令牌由管理员用 `hazardrules token create` 创建；角色为检查员（判定、
立案并流转本人所立案件）、监管部门（本辖区及下级的全部案件、报表、判定日志）、管理员（令牌、判定日志、逾期巡查）。
错误信息的语言由 `Accept-Language` 决定（中文默认，`en` 为英文）。

Major accident hazard determination as a service: records in, determinations out (byte-identical to
the CLI's JSON), blank checklists and record JSON Schemas for form builders, supervision cases,
reports, and an append-only decision log. Errors carry the CLI's codes and messages.
"""


@dataclass(frozen=True)
class Settings:
    """How one service process is configured (``hazardrules serve`` passes them to every worker)."""

    db_url: str | None = None
    rules_dir: str | None = None
    limits: Limits = field(default_factory=Limits)
    token_cache_seconds: float = 5.0

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        limits = Limits(body=int(env.get("HAZARDRULES_MAX_BODY", Limits.body)),
                        batch_body=int(env.get("HAZARDRULES_MAX_BATCH_BODY", Limits.batch_body)),
                        depth=int(env.get("HAZARDRULES_MAX_DEPTH", Limits.depth)))
        return cls(db_url=env.get("HAZARDRULES_DB"), rules_dir=env.get("HAZARDRULES_RULES"), limits=limits,
                   token_cache_seconds=float(env.get("HAZARDRULES_TOKEN_CACHE_SECONDS", 5.0)))


class Service:
    """What the handlers share: settings, the engine, the ledger, the token cache."""

    def __init__(self, settings: Settings, engine: Engine | None = None):
        self.settings = settings
        self.db_url = resolve_url(settings.db_url)
        self.engine = engine or Engine(settings.rules_dir)
        self.ledger = Ledger(self.db_url)
        if self.db_url.startswith("sqlite"):
            # every determination commits a decision-log row: WAL makes that commit ~4x cheaper than the
            # rollback journal (one fsync of the log instead of journal + database) and lets readers
            # run beside the writer; it stays durable (synchronous=FULL). Persistent in the file.
            with self.ledger.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        self.tokens = TokenCache(settings.token_cache_seconds)
        self.decisions = DecisionWriter(self.ledger.engine)
        self.compile_problems: list[str] = []
        self.editions_compiled = 0

    def compile_all(self) -> None:
        """Compile every edition now, so no request pays for it; remember what failed for /readyz."""
        try:
            ids = self.engine.ruleset_ids()
        except HazardRulesError as exc:
            self.compile_problems.append(exc.render("en"))
            return
        for rid in ids:
            try:
                self.editions_compiled += len(self.engine.editions(rid))
            except HazardRulesError as exc:
                self.compile_problems.append(f"{rid}: {exc.render('en')}")

    def supervision_settings(self):
        """Where the supervision policies come from: the service's rules directory (as ``--rules`` gives the CLI)."""
        from ..supervision.context import Settings as SupervisionSettings

        return SupervisionSettings.resolve(SupervisionSettings(rules_dir=self.settings.rules_dir))

    def close(self) -> None:
        self.decisions.close()
        self.ledger.close()


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The service as an ASGI app (rulesets compile and the ledger migrates here, not per request).

    ``engine`` shares an already compiled :class:`Engine` (embedding, tests); by default the app
    builds its own from ``settings.rules_dir``.
    """
    settings = settings or Settings()
    svc = Service(settings, engine)
    svc.compile_all()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        svc.close()

    app = FastAPI(title="hazardrules 重大事故隐患判定服务", version=_version(), description=DESCRIPTION,
                  lifespan=lifespan, openapi_tags=TAGS)
    app.state.svc = svc
    from . import handlers
    from .routes import admin, cases, determinations, health, reports, rulesets

    handlers.install(app)
    for module in (determinations, rulesets, cases, reports, admin, health):
        app.include_router(module.router)
    app.add_middleware(BodyLimit, limits=settings.limits)
    return app


def app_from_env() -> FastAPI:
    """Factory for the server's workers (``uvicorn --factory hazardrules.api.app:app_from_env``)."""
    return create_app(Settings.from_env())


TAGS = [
    {"name": "判定 determinations", "description": "判定检查记录（单条 JSON 或 JSONL 批量）/ judge records"},
    {"name": "规则集 rulesets", "description": "已编码的标准版本、记录 JSON Schema、空白检查表 / editions, schemas, checklists"},
    {"name": "督办案件 cases", "description": "案件列表、详情与流转（与命令行相同的状态机）/ supervision cases"},
    {"name": "报表 reports", "description": "整改率、每千次检查重大隐患数等 / supervision statistics"},
    {"name": "管理 admin", "description": "令牌与判定日志 / tokens and the decision log"},
    {"name": "运行状态 health", "description": "存活与就绪检查 / liveness and readiness"},
]


def _version() -> str:
    from .. import __version__

    return __version__
