"""``hazardrules token create|list|revoke``: API tokens of the HTTP service, stored hashed in the ledger."""

from __future__ import annotations

import click
import orjson

from ..errors import HazardRulesError, diag
from . import say
from .case import db_option


@click.group("token")
def token():
    """服务令牌：创建、列表、吊销。API tokens for hazardrules serve."""


@token.command("create")
@db_option
@click.option("--name", required=True, help="名称（唯一；案件事件中记为操作人）/ unique name, the actor on case events")
@click.option("--role", required=True, type=click.Choice(["inspector", "regulator", "admin"]),
              help="inspector 检查员 / regulator 监管部门 / admin 管理员")
@click.option("--region", default=None, help="管辖地区：行政区划代码（本级及下级）/ region scope, e.g. 150600")
@click.option("--national", is_flag=True, help="全国范围（监管部门须在 --region 与 --national 中选一）/ national scope")
@click.option("--by", "created_by", default="cli", show_default=True, help="创建人 / who creates it")
@click.pass_context
def create_cmd(ctx, db_url, name, role, region, national, created_by):
    """创建令牌；令牌全文只显示这一次。Create a token; its text is shown only once."""
    from ..supervision.access import create_token
    from ..supervision.ledger import Ledger

    if region and national:
        raise HazardRulesError(diag("bad_scope", "--region", "--region 与 --national 只能选一个",
                                    "give either --region or --national, not both"))
    if role == "regulator" and not (region or national):
        raise HazardRulesError(diag("bad_scope", "--region", "监管部门令牌须指定 --region 行政区划代码，或 --national（全国）",
                                    "a regulator token needs --region CODE or --national"))
    if role == "admin" and region:
        raise HazardRulesError(diag("bad_scope", "--region", "管理员令牌没有地区范围", "an admin token has no region scope"))
    with Ledger(db_url) as ledger:
        text, row = create_token(ledger.engine, name=name, role=role, region_code=region, created_by=created_by)
    zh = ctx.obj["lang"] == "zh"
    say(f"已创建令牌 {row['id']}（{row['name']}，{row['role']}，{row['region_code'] or '全国'}）；请妥善保存，之后无法再次显示："
               if zh else f"created token {row['id']} ({row['name']}, {row['role']}, {row['region_code'] or 'national'}); "
               "keep it safe, it cannot be shown again:", err=True)
    click.echo(text)


@token.command("list")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_cmd(db_url, fmt):
    """列出令牌（不含密钥）。List tokens (never their secrets)."""
    from ..supervision.access import list_tokens
    from ..supervision.ledger import Ledger

    with Ledger(db_url) as ledger:
        rows = list_tokens(ledger.engine)
    if fmt == "json":
        click.echo(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
        return
    for r in rows:
        state = f"revoked {r['revoked_at'][:10]}" if r["revoked_at"] else "active"
        say(f"{r['id']}  {r['role']:<9} {r['region_code'] or 'national':<8} {state:<18} {r['name']}")


@token.command("revoke")
@db_option
@click.argument("token_id")
@click.pass_context
def revoke_cmd(ctx, db_url, token_id):
    """吊销令牌（各工作进程在数秒内生效）。Revoke a token (effective on every worker within seconds)."""
    from ..supervision.access import revoke_token
    from ..supervision.ledger import Ledger

    with Ledger(db_url) as ledger:
        row = revoke_token(ledger.engine, token_id)
    say(f"已吊销令牌 {row['id']}（{row['name']}）" if ctx.obj["lang"] == "zh" else f"revoked token {row['id']} ({row['name']})")
