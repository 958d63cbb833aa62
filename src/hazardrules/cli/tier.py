"""``hazardrules tier``: the control tier (分级管控) for an LEC or LS risk assessment, under the policy
of a jurisdiction (by region code, the default jurisdiction setting, or --policy)."""

from __future__ import annotations

import click
import orjson

from . import lang_option, say, settings_from


@click.command("tier")
@click.option("--lec", nargs=3, type=float, default=None, metavar="L E C",
              help="LEC 法：可能性 L、暴露频率 E、后果 C（D = L×E×C）/ LEC likelihood, exposure, consequence")
@click.option("--ls", nargs=2, type=float, default=None, metavar="L S",
              help="LS 风险矩阵：可能性 L、严重性 S，各 1～5 / LS likelihood and severity, 1–5 each")
@click.option("--region", default=None, help="行政区划代码（选择辖区策略）/ region code (selects the jurisdiction)")
@click.option("--policy", default=None, help="指定监管策略 / a policy id")
@click.option("--sector", default="", help="行业（规则集编号）/ sector")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@lang_option
@click.pass_context
def tier(ctx, lec, ls, region, policy, sector, fmt):
    """管控等级：按 LEC 或 LS 评价值和辖区策略给出红橙黄蓝。Control tier from an LEC or LS assessment."""
    from ..supervision.context import tier_of_scores

    if (lec is None) == (ls is None):
        raise click.UsageError("请给出 --lec L E C 或 --ls L S 之一 / give exactly one of --lec L E C or --ls L S")
    out = tier_of_scores(lec=lec, ls=ls, region_code=region, sector=sector, settings=settings_from(ctx), policy=policy)
    lang = ctx.obj["lang"]
    if fmt == "json":
        click.echo(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode())
        return
    score = f"D = {out['lec_d']:g}" if lec is not None else f"R = {out['ls_r']}"
    juris = out["jurisdiction"] if lang == "zh" else out["jurisdiction_en"]
    if out["id"] == "unknown":
        why = (out.get("reason") or {}).get(lang, "")
        say(f"{score}：管控等级未确定（{why}）  辖区：{juris}" if lang == "zh"
            else f"{score}: control tier undetermined ({why})  jurisdiction: {juris}")
        return
    rules = "、".join(out["fired"]) or ("默认等级" if lang == "zh" else "default tier")
    mark = "［假设］" if out["assumptions"] or not out["fired"] else ""
    if lang == "zh":
        say(f"{score}：{out['color']}（{out['label']}），由{out['owner']}负责管控，每 {out['interval_days']} 天排查一次"
            f"  依据：{mark}{rules}  辖区：{juris}")
    else:
        say(f"{score}: {out['id']}, owned by the {out.get('owner_en') or out['owner']}, checked every "
            f"{out['interval_days']} days  rule: {rules}{' [assumption]' if mark else ''}  jurisdiction: {juris}")
