"""``hazardrules serve``: run the HTTP service (FastAPI on uvicorn; needs the ``serve`` extra).

The ledger is migrated once here, before the workers start, so workers never race to migrate;
each worker compiles the rulesets once at start-up and then serves from memory.
"""

from __future__ import annotations

import os

import click

from ..errors import HazardRulesError, diag
from .case import db_option


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / address to bind")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口 / port")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 256),
              help="工作进程数（建议每个 CPU 核一个）/ worker processes (one per core is a good start)")
@click.option("--max-body", default=1 << 20, show_default=True, type=click.IntRange(1024),
              help="单条记录请求体上限（字节）/ byte limit of a single-record body")
@click.option("--max-batch-body", default=64 << 20, show_default=True, type=click.IntRange(1024),
              help="批量请求体上限（字节）/ byte limit of a batch body")
@click.option("--forwarded-allow-ips", default="127.0.0.1", show_default=True,
              help="信任其 X-Forwarded-* 头的反向代理地址 / reverse proxies whose X-Forwarded-* headers are trusted")
@click.option("--root-path", default="", help="反向代理下的路径前缀，如 /hazardrules / path prefix behind a proxy")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="访问日志 / access log")
@click.pass_context
def serve(ctx, db_url, host, port, workers, max_body, max_batch_body, forwarded_allow_ips, root_path, access_log):
    """启动 HTTP 服务（OpenAPI 文档见 /docs）。Run the HTTP service (OpenAPI at /docs)."""
    try:
        import uvicorn  # noqa: F401
        import fastapi  # noqa: F401
    except ImportError:
        raise HazardRulesError(diag("missing_extra", "serve", "需要安装 serve 扩展：pip install 'hazardrules[serve]'",
                                    "the service needs the serve extra: pip install 'hazardrules[serve]'")) from None
    import uvicorn

    from ..supervision.access import list_tokens
    from ..supervision.ledger import Ledger, resolve_url

    url = resolve_url(db_url)
    with Ledger(url) as ledger:  # migrate once, before any worker starts
        active = [t for t in list_tokens(ledger.engine) if not t["revoked_at"]]
    lang = ctx.obj["lang"]
    if not active:
        click.echo("尚无有效令牌：先用 hazardrules token create 创建（否则所有请求都会得到 401）" if lang == "zh"
                   else "no active token yet: create one with hazardrules token create (else every request gets 401)",
                   err=True)
    os.environ["HAZARDRULES_DB"] = url
    if ctx.obj.get("rules_dir"):
        os.environ["HAZARDRULES_RULES"] = os.path.abspath(ctx.obj["rules_dir"])
    os.environ["HAZARDRULES_MAX_BODY"] = str(max_body)
    os.environ["HAZARDRULES_MAX_BATCH_BODY"] = str(max_batch_body)
    uvicorn.run("hazardrules.api.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips, root_path=root_path,
                access_log=access_log, server_header=False)
