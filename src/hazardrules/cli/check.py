"""``hazardrules check FILE...`` — judge inspection records, clause by clause."""

from __future__ import annotations

import sys
from datetime import date

import click
import orjson

from ..errors import HazardRulesError
from ..inputs import read_records
from ..results import Determination
from . import EXIT_BAD, EXIT_FOUND, EXIT_INCOMPLETE, EXIT_OK, engine_from, lang_option, say, say_lines, settings_from
from .render import render_determination


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "pdf", "html"]), default="table",
              show_default=True, help="输出格式；pdf/html 为可打印的判定书 / output format; pdf/html: the printable 判定书")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="判定书文件（pdf 必须指定）/ file for the 判定书 (required for pdf)")
@click.option("--edition", default=None, help="指定标准版本（默认按检查日期选择）/ force an edition")
@click.option("--open-cases", is_flag=True, help="为发现的重大事故隐患建立督办案件 / open supervision cases")
@click.option("-v", "--verbose", is_flag=True, help="逐条列出无法判定的规则 / list every undetermined rule")
@click.option("--exit-zero", is_flag=True,
              help="发现重大事故隐患或未能得出结论时也以 0 退出（仅输入错误返回 2）/ exit 0 on a finding or an incomplete verdict too")
@click.option("--db", "db_url", envvar="HAZARDRULES_DB", default=None, help="案件库 URL / case ledger URL (with --open-cases)")
@click.option("--today", "today", default=None, metavar="YYYY-MM-DD",
              help="建案日期（默认今天）/ the date cases are opened on (default: today)")
@lang_option
@click.pass_context
def check(ctx, files, fmt, edition, verbose, exit_zero, open_cases, db_url, today, output):
    """检查记录是否存在重大事故隐患。Check inspection records for major accident hazards.

    退出码 / exit: 0 未发现重大事故隐患（全部条款已判定）none found, every rule decided; 1 发现 found;
    2 输入或规则集错误 bad input; 3 未能得出结论 incomplete (nothing found, some rule undetermined).
    """
    lang = ctx.obj["lang"]
    if fmt == "pdf" and not output:
        raise click.UsageError("pdf 判定书需要 -o 文件名.pdf / a pdf needs -o FILE.pdf")
    day = _parse_day(today)  # a bad option is refused before any work
    engine = engine_from(ctx)
    settings = settings_from(ctx)
    results: list[Determination] = []  # kept only for --open-cases (every inspection is counted)
    deferred: list[tuple[Determination, dict]] = []  # JSON with --open-cases: written once the cases are known
    printed: list[tuple[Determination, dict]] = []  # what the 判定书 shows: determination and its record
    bad = found = incomplete = False
    stream = _JsonStream(sys.stdout.buffer) if fmt == "json" else None
    for path in files:
        count = 0
        try:
            for where, record in read_records(path, engine):  # streamed: nothing kept per record
                count += 1
                try:
                    if isinstance(record, HazardRulesError):
                        raise record
                    det = engine.evaluate(record, where=where, edition=edition)
                    tier = _tier(det, settings)  # every record gets its control tier (分级管控), or why not
                except HazardRulesError as exc:
                    bad = True
                    click.echo(exc.render(lang), err=True)
                    if fmt == "jsonl":
                        _write_line(orjson.dumps({"where": where, "error": exc.code, "message": exc.render(lang)}))
                    continue
                if open_cases:
                    results.append(det)
                found = found or det.major_hazard
                incomplete = incomplete or not det.complete
                if fmt == "table":
                    click.echo(render_determination(det, lang, verbose))
                    say_lines(_tier_line(tier, lang))
                elif fmt in ("json", "jsonl") and open_cases:
                    deferred.append((det, tier))
                elif fmt == "jsonl":
                    _write_line(orjson.dumps(_body(det, tier, lang)))
                elif stream is not None:
                    stream.add(_body(det, tier, lang))
                else:
                    printed.append((det, record))
        except HazardRulesError as exc:
            click.echo(exc.render(lang), err=True)
            bad = True
            continue
        if count == 0:  # an empty file judges nothing: never a silent "no major hazard"
            bad = True
            say_lines(f"{path}：文件中没有记录（0 条）" if lang == "zh" else f"{path}: the file holds no records (0)", err=True)
    cases = []
    if open_cases:
        cases = _open_cases(results, db_url, day, bad=bad, lang=lang, settings=settings)
        if fmt == "table":
            for c in cases:
                say(_case_line(c, lang, settings))
        of_record: dict = {}
        for c in cases:
            of_record.setdefault(c["record_id"], []).append(c)
        for det, tier in deferred:  # JSON carries each record's cases
            body = _body(det, tier, lang, of_record.get(det.record_id, []))
            if fmt == "jsonl":
                _write_line(orjson.dumps(body))
            else:
                stream.add(body)
    if stream is not None:
        stream.close()
    if fmt in ("pdf", "html") and printed:
        from .documents import write_determinations

        write_determinations(printed, cases, fmt, output, lang)
    ctx.exit(exit_status(bad=bad, found=found, incomplete=incomplete, exit_zero=exit_zero))


def _write_line(line: bytes) -> None:
    sys.stdout.buffer.write(line + b"\n")


class _JsonStream:
    """``--format json`` written as it goes: one record -> an object, several -> an array.

    Byte-identical to dumping the whole list with ``OPT_INDENT_2``, but only one determination is
    ever held (the first, until a second shows it is an array).
    """

    def __init__(self, out):
        self.out = out
        self.first: bytes | None = None
        self.n = 0

    def add(self, body: dict) -> None:
        text = orjson.dumps(body, option=orjson.OPT_INDENT_2)
        self.n += 1
        if self.n == 1:
            self.first = text
            return
        if self.n == 2:
            self.out.write(b"[\n  " + self.first.replace(b"\n", b"\n  "))
            self.first = None
        self.out.write(b",\n  " + text.replace(b"\n", b"\n  "))

    def close(self) -> None:
        if self.n == 0:
            self.out.write(b"[]\n")
        elif self.n == 1:
            self.out.write(self.first + b"\n")
        else:
            self.out.write(b"\n]\n")


def _body(det, tier: dict, lang: str, cases: list | None = None) -> dict:
    """A determination's JSON with its control tier (and, with --open-cases, its cases)."""
    body = det.to_dict(lang)
    body["control_tier"] = tier
    if cases is not None:
        body["cases"] = cases
    return body


def _open_cases(results: list, db_url, day, *, bad: bool, lang: str, settings=None) -> list[dict]:
    """Open cases for the judged records and say exactly what was created, what existed and why not."""
    zh = lang == "zh"
    if bad:  # all or nothing: a rerun after the fix opens them (opening is idempotent)
        click.echo("未建立督办案件：输入中有错误（见上）；修正后重新运行，已建立的案件不会重复建立" if zh else
                   "no cases opened: the input has errors (see above); fix them and run again "
                   "(cases already opened are not opened twice)", err=True)
        return []
    if not results:
        return []
    from ..supervision import open_cases as open_all

    # every inspection is counted (the denominator of 每千次检查发现重大隐患数量); cases open for hazards only
    cases = open_all(results, db_url, day, settings=settings)
    created = sum(1 for c in cases if c["created"])
    existing = len(cases) - created
    if zh:
        text = f"督办案件：新建 {created} 个"
        if existing:
            text += f"，{existing} 个此前已建立（同一企业、记录和条款，未重复建立）"
        text += f"；共判定 {len(results)} 条记录"
    else:
        text = f"cases: {created} opened"
        if existing:
            text += f", {existing} already open before (same enterprise, record and clause: not opened again)"
        text += f"; {len(results)} records judged"
    click.echo(text, err=True)
    return cases


def exit_status(*, bad: bool, found: bool, incomplete: bool, exit_zero: bool = False) -> int:
    """2 bad input, else 1 a major hazard, else 3 some record incomplete, else 0 (``--exit-zero``: 0 unless bad)."""
    if bad:
        return EXIT_BAD
    if exit_zero:
        return EXIT_OK
    return EXIT_FOUND if found else (EXIT_INCOMPLETE if incomplete else EXIT_OK)


def _parse_day(text: str | None) -> date:
    if text is None:
        return date.today()
    from ..records import parse_date

    day = parse_date(text)
    if day is None:
        raise click.BadParameter(f"{text!r}：应为 YYYY-MM-DD / expected YYYY-MM-DD", param_hint="--today")
    return day


def _tier(det, settings) -> dict:
    from ..supervision.context import control_tier

    return control_tier(det, settings=settings)


def _tier_line(tier: dict, lang: str) -> str:
    """The control tier the jurisdiction's policy assigns (分级管控), or why it is undetermined,
    and which jurisdiction decided it (so a default jurisdiction never acts unseen)."""
    juris = tier["jurisdiction"] if lang == "zh" else tier["jurisdiction_en"]
    if tier["id"] == "unknown":
        why = (tier.get("reason") or {}).get(lang, "")
        return (f"管控等级：未确定（{why}）  辖区：{juris}\n" if lang == "zh"
                else f"Control tier: undetermined ({why})  jurisdiction: {juris}\n")
    if lang == "zh":
        note = "（本系统假设的分级规则，非法定要求）" if tier.get("assumptions") or not tier.get("fired") else ""
        return (f"管控等级：{tier['color']}（{tier['label']}），由{tier['owner']}负责管控，"
                f"每 {tier['interval_days']} 天排查一次{note}  辖区：{juris}\n")
    note = " (our assumed grading, not a legal requirement)" if tier.get("assumptions") or not tier.get("fired") else ""
    return (f"Control tier: {tier['id']}, owned by the {tier.get('owner_en') or tier['owner']}, checked every "
            f"{tier['interval_days']} days{note}  jurisdiction: {juris}\n")


def _case_line(c: dict, lang: str, settings) -> str:
    """One opened case: id, 挂牌督办 level and deadline (or why they are undetermined)."""
    from ..supervision.service import labels

    levels, _ = labels(c["policy"], lang, settings)
    level = levels.get(c["level"], c["level"])
    if c["level"] == "unknown" and c.get("level_reason"):
        level += f"（{c['level_reason'][lang]}）" if lang == "zh" else f" ({c['level_reason'][lang]})"
    deadline = c["deadline"] or ("待定" if lang == "zh" else "pending")
    new = "" if c["created"] else ("（已存在）" if lang == "zh" else " (already open)")
    if lang == "zh":
        return f"督办案件 #{c['case']}{new}  {c['record_id']} {c['rule']}  挂牌督办：{level}  整改期限：{deadline}  辖区：{c['jurisdiction']}"
    return f"case #{c['case']}{new}  {c['record_id']} {c['rule']}  listing: {level}  deadline: {deadline}  jurisdiction: {c['jurisdiction']}"
