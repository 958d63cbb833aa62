"""Load, merge (``extends``) and compile supervision policies.

A policy file is validated with pydantic (positions from the YAML marks), its ``extends`` chain is
resolved (a child's rule with an inherited id replaces it in place, new ids are appended, ``drop``
removes; maps merge per key; scalars override), and every ``when`` is compiled with the ruleset
condition language against the routing facts of ``facts.yaml``. The result is an immutable
:class:`Policy` with a content digest. Reasoners (:mod:`.reasoner`) evaluate its rules.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from .. import cache
from ..errors import Diagnostic, SchemaError, diag
from ..expr import Condition, FieldTable, compile_condition
from ..listing import cache_name
from ..loader import YamlDoc, load_yaml
from . import facts as facts_mod
from .errors import PolicyError
from .calendar import Period
from .vocabulary import BLOCKS, EFFECT, SECTIONS

if TYPE_CHECKING:  # the pydantic models are imported only to validate files, never for a cached policy
    from .policy_doc import PolicyDoc


@dataclass(frozen=True, slots=True, eq=False)
class PolicyRule:
    """One compiled policy rule: its condition and its effect (tier/level/department/steps)."""

    id: str
    section: str
    title: str
    text: str
    condition: Condition
    effect: dict
    basis: str | None
    assumption: bool
    where: str


@dataclass(frozen=True, slots=True, eq=False)
class Duty:
    """A compiled time limit: after an event, a step must follow within a period."""

    id: str
    title: str
    title_en: str | None
    after: str
    within: Period
    done_by: tuple[str, ...]
    who: str
    basis: str | None
    assumption: bool


@dataclass(frozen=True, slots=True)
class PolicyExample:
    """One ``examples:`` entry as plain data (no pydantic model, no YAML document: a cached policy stays small
    and loads without importing pydantic)."""

    name: str
    facts: dict
    found_on: str | None
    expect: dict  # only the keys the example sets (None = expected absent)
    where: str


@dataclass(frozen=True, slots=True, eq=False)
class Policy:
    """A merged, compiled policy: what a router needs, nothing from YAML."""

    id: str
    version: str
    title: str
    title_en: str | None
    region_prefix: str
    jurisdiction: str
    baseline: bool
    source: str | None
    levels: dict
    departments: dict
    default_department: str
    deadline_days: dict  # level -> days; empty when no rule sets deadlines here
    deadline_unit: str  # days | working_days
    deadline_rule: dict  # basis / assumption of the deadline days
    cap: Period | None  # no deadline beyond found date + cap
    cap_rule: dict
    separate_reviewer: bool
    extension: dict | None  # request_lead / decide_within (Period) + basis / assumption
    open_general_cases: bool
    tier_levels: dict
    tier_default: str | None
    rules: tuple[PolicyRule, ...]  # the rules that apply in this jurisdiction
    offered: tuple[str, ...]  # assumed rules of a baseline ancestor not adopted here
    duties: tuple[Duty, ...]
    fields: FieldTable  # routing facts: facts.yaml + the facts this policy chain declares
    declared: tuple[str, ...]  # names of the declared facts (unknown when not given)
    adopted: tuple[str, ...]
    examples: tuple[PolicyExample, ...]
    digest: str
    chain: tuple[str, ...]  # this policy and its ancestors, nearest first

    @property
    def max_days(self) -> int | None:
        return self.cap.amount if self.cap and self.cap.unit == "days" else None

    def section(self, name: str) -> tuple[PolicyRule, ...]:
        return tuple(r for r in self.rules if r.section == name)


def _fail(where: str, zh: str, en: str) -> PolicyError:
    return PolicyError(diag("policy_error", where, zh, en))


def read_policy_doc(doc: YamlDoc) -> PolicyDoc:
    """Validate one loaded policy file's shape."""
    from ..spec import validate_model
    from .policy_doc import PolicyDoc

    return validate_model(PolicyDoc, doc.data, doc)


def load_policy_doc(doc: YamlDoc) -> Policy:
    """Validate and compile one loaded policy file (what ``hazardrules validate`` calls); the
    policies it ``extends`` are read from the same folder."""
    pd = read_policy_doc(doc)
    files = {pd.policy: (pd, doc)}
    here = Path(doc.path)
    parent = pd.extends
    while parent and parent not in files:
        for path in sorted(here.parent.glob("*.yaml")):
            if path.resolve() == here.resolve():
                continue
            other = load_yaml(path)
            if isinstance(other.data, dict) and "policy" in other.data and other.data.get("policy") == parent:
                files[parent] = (read_policy_doc(other), other)
                break
        else:
            break  # _compile reports the unknown parent with its position
        parent = files[parent][0].extends
    return _compile(pd.policy, files)


def load_policy_files(paths) -> dict[str, tuple[PolicyDoc, YamlDoc]]:
    """Load and shape-check policy files; a duplicate policy id is an error."""
    out: dict[str, tuple[PolicyDoc, YamlDoc]] = {}
    for path in paths:
        doc = path if isinstance(path, YamlDoc) else load_yaml(path)
        pd = read_policy_doc(doc)
        if pd.policy in out:
            raise _fail(doc.where(("policy",)), f"策略编号 {pd.policy} 重复（另见 {out[pd.policy][1].path}）",
                        f"policy id {pd.policy} is declared twice (also in {out[pd.policy][1].path})")
        out[pd.policy] = (pd, doc)
    return out


def compile_policies(files: dict[str, tuple[PolicyDoc, YamlDoc]]) -> dict[str, Policy]:
    """Compile every policy (resolving ``extends``); collect every problem before raising."""
    out: dict[str, Policy] = {}
    problems: list[Diagnostic] = []
    for pid in files:
        try:
            out[pid] = _compile(pid, files)
        except (PolicyError, SchemaError) as exc:  # keep going to report every file's problems
            problems.extend(exc.diagnostics)
        except Exception as exc:  # condition syntax/type errors are HazardRulesError subclasses
            if not hasattr(exc, "diagnostics"):
                raise
            problems.extend(exc.diagnostics)
    if problems:
        raise PolicyError(problems)
    return out


def policies_dir(rules_dir: Path | None = None) -> Path:
    from ..catalog import default_rules_dir

    return Path(rules_dir or default_rules_dir()) / "policies"


def policy_paths(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def load_policies(rules_dir: Path | None = None) -> dict[str, Policy]:
    """Every policy under ``<rules dir>/policies/`` (an invalid one is an error, never skipped)."""
    folder = policies_dir(rules_dir)
    if not folder.is_dir():
        raise _fail(str(folder), "找不到监管策略目录（应为 <规则集目录>/policies/）",
                    "no policies directory found (expected <rules dir>/policies/)")
    paths = policy_paths(folder)
    key = _cache_key(paths) if cache.enabled() else None
    name = cache_name(folder, "policies")  # one entry per folder, named as a ruleset's
    cached = cache.load(name, key) if key else None
    if cached is not None:
        return cached
    compiled = compile_policies(load_policy_files(paths))
    if key:
        cache.store(name, key, compiled)
    return compiled


def _cache_key(paths: list[Path]) -> str | None:
    """The compiled policies' cache key: the engine version, every policy file and the routing-facts schema
    (the conditions are type-checked against it). None when a file cannot be read: loading then says why."""
    try:
        files = [(str(p), p.read_bytes()) for p in paths] + [("facts.yaml", facts_mod.SCHEMA_PATH.read_bytes())]
    except OSError:
        return None
    return cache.ruleset_key(files)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """Which policy applies to a record, and how it was chosen (shown in every output that used it)."""

    policy: Policy
    how: str  # explicit | region | setting | none
    region_code: str | None = None

    def describe(self, lang: str = "zh") -> str:
        p = self.policy
        name = p.jurisdiction
        if self.how == "region":
            return f"{name}（按行政区划代码 {self.region_code}）" if lang == "zh" else f"{p.id} (by region code {self.region_code})"
        if self.how == "setting":
            return (f"{name}（默认辖区设置 {p.id}：记录无行政区划代码）" if lang == "zh"
                    else f"{p.id} (default jurisdiction setting: the record has no region code)")
        if self.how == "explicit":
            return f"{name}（指定策略 {p.id}）" if lang == "zh" else f"{p.id} (policy given explicitly)"
        return ("未确定（记录无行政区划代码，且未设置默认辖区 --jurisdiction / HAZARDRULES_JURISDICTION）" if lang == "zh"
                else "undetermined (no region code in the record and no default jurisdiction set: --jurisdiction / "
                     "HAZARDRULES_JURISDICTION)")


def choose(policies: dict[str, Policy], region_code: str | None, explicit: str | None = None,
           default: str | None = None) -> Jurisdiction:
    """The jurisdiction of a record: ``explicit`` policy id, else the longest matching region prefix,
    else the user's default jurisdiction setting, else none (the baseline policy, with nothing assumed)."""
    for pid, what in ((explicit, "--policy"), (default, "默认辖区 / default jurisdiction")):
        if pid and pid not in policies:
            raise _fail(what, f"没有编号为 {pid} 的监管策略（可选：{', '.join(sorted(policies))}）",
                        f"no policy {pid!r} (available: {', '.join(sorted(policies))})")
    if explicit:
        return Jurisdiction(policies[explicit], "explicit", region_code)
    if region_code:
        matches = [p for p in policies.values() if region_code.startswith(p.region_prefix)]
        if matches:
            return Jurisdiction(max(matches, key=lambda p: len(p.region_prefix)), "region", region_code)
    if default:
        return Jurisdiction(policies[default], "setting")
    roots = [p for p in policies.values() if p.region_prefix == ""]
    if not roots:
        raise _fail("policies", "没有全国基线策略（region_prefix 为空），也未设置默认辖区",
                    "no nationwide baseline policy (empty region_prefix) and no default jurisdiction set")
    return Jurisdiction(roots[0], "none")


def select_policy(policies: dict[str, Policy], region_code: str | None, explicit: str | None = None,
                  default: str | None = None) -> Policy:
    """The policy for a region (see :func:`choose`)."""
    return choose(policies, region_code, explicit, default).policy


def _chain(pid: str, files: dict) -> list[tuple[PolicyDoc, YamlDoc]]:
    seen, chain = set(), []
    while pid is not None:
        if pid in seen:
            raise _fail(files[pid][1].where(("extends",)), f"extends 形成循环：{' -> '.join(seen)}",
                        f"extends forms a cycle through {pid}")
        seen.add(pid)
        if pid not in files:
            child = chain[-1]
            raise _fail(child[1].where(("extends",)), f"extends 指向不存在的策略 {pid}（可选：{', '.join(files)}）",
                        f"extends names unknown policy {pid!r} (available: {', '.join(files)})")
        chain.append(files[pid])
        pid = files[pid][0].extends
    return chain  # nearest first


def _period(doc) -> Period | None:
    return Period.from_doc(doc) if doc is not None else None


def _compile(pid: str, files: dict) -> Policy:
    chain = _chain(pid, files)
    me, mydoc = chain[0]
    levels, departments, tier_levels = {}, {}, {}
    scalars: dict = {}
    blocks: dict[str, tuple] = {}  # block -> (merged value, active)
    rules: dict[str, list] = {}  # id -> [section, RuleDoc, YamlDoc, keypath, active]; insertion = order
    duties: dict[str, list] = {}
    declared: dict = {}
    adopted: list[str] = []
    for pd, doc in reversed(chain):  # root ancestor first, child last
        if pd.jurisdiction.default is not None:
            raise _fail(doc.where(("jurisdiction", "default")),
                        "jurisdiction.default 已不再使用：默认辖区由用户设置（--jurisdiction 或 HAZARDRULES_JURISDICTION），请删除此项",
                        "jurisdiction.default is no longer read: the default jurisdiction is a user setting "
                        "(--jurisdiction or HAZARDRULES_JURISDICTION); remove the key")
        offers = pd.baseline  # a baseline's own assumptions are offered, not applied
        levels.update(pd.levels)
        departments.update(pd.departments)
        if pd.deadlines:
            prev, prev_active = blocks.get("deadlines", ({}, True))
            if not prev_active:  # an offered (not adopted) block is not inherited piecemeal
                prev = {}
            days = dict(prev.get("days", {}), **pd.deadlines.days)
            cap = _period(pd.deadlines.cap) or (Period(pd.deadlines.max_days, "days") if pd.deadlines.max_days else None)
            merged = {"days": days, "unit": pd.deadlines.unit, "cap": cap or prev.get("cap"),
                      "basis": pd.deadlines.basis, "assumption": bool(pd.deadlines.assumption)}
            blocks["deadlines"] = (merged, not (offers and pd.deadlines.assumption))
        if pd.tiers:
            tier_levels.update(pd.tiers.levels)
            if pd.tiers.default:
                assumed = pd.tiers.assumption is not False
                blocks["tiers"] = ({"default": pd.tiers.default}, not (offers and assumed))
        if pd.review is not None:
            blocks["review"] = ({"separate_reviewer": pd.review.separate_reviewer}, not (offers and pd.review.assumption))
        if pd.extension is not None:
            ext = {"request_lead": _period(pd.extension.request_lead), "decide_within": _period(pd.extension.decide_within),
                   "basis": pd.extension.basis, "assumption": pd.extension.assumption}
            blocks["extension"] = (ext, not (offers and pd.extension.assumption))
        for key in ("default_department", "open_general_cases"):
            if getattr(pd, key) is not None:
                scalars[key] = getattr(pd, key)
        for name in pd.facts:
            if name in facts_mod.DEFAULTS:
                raise _fail(doc.where(("facts", name)), f"事实 {name} 已由 facts.yaml 声明，不能重新声明",
                            f"fact {name} is already declared in facts.yaml; it cannot be redeclared")
        if pd.facts:
            table = FieldTable.from_mapping(pd.facts, doc, ("facts",))
            declared.update(table.fields)
        for rid in pd.drop:
            if rules.pop(rid, None) is None and duties.pop(rid, None) is None:
                raise _fail(doc.where(("drop",)), f"drop 中的规则 {rid} 不在被继承的策略中",
                            f"drop names rule {rid!r}, which no ancestor defines")
        for section in SECTIONS:
            for i, rd in enumerate(getattr(pd, section)):
                prev = rules.get(rd.id)
                if prev and prev[2] is doc:
                    raise _fail(doc.where((section, i, "id")), f"规则编号 {rd.id} 重复", f"duplicate rule id {rd.id}")
                if prev and prev[0] != section:
                    raise _fail(doc.where((section, i, "id")), f"规则 {rd.id} 覆盖了 {prev[0]} 中的同名规则，应在同一节",
                                f"rule {rd.id} overrides a rule of section {prev[0]}; keep it in that section")
                rules[rd.id] = [section, rd, doc, (section, i), not (offers and rd.assumption)]
        for i, dd in enumerate(pd.duties):
            duties[dd.id] = [dd, doc, ("duties", i), not (offers and dd.assumption)]
        names = list(rules) + list(duties) + list(BLOCKS) if pd.adopt == "all" else pd.adopt
        for name in names:
            if name in rules:
                rules[name][4] = True
            elif name in duties:
                duties[name][3] = True
            elif name in blocks:
                blocks[name] = (blocks[name][0], True)
            elif name not in BLOCKS:
                raise _fail(doc.where(("adopt",)), f"adopt 中的 {name} 不是被继承的规则、时限或 {'/'.join(BLOCKS)}",
                            f"adopt names {name!r}, which is no inherited rule, duty or block ({', '.join(BLOCKS)})")
            adopted.append(name)
    _require(mydoc, levels, ("county", "city", "province"), "levels")
    _require(mydoc, tier_levels, ("red", "orange", "yellow", "blue"), "tiers.levels")
    for key in ("default_department", "open_general_cases"):
        if key not in scalars:
            raise _fail(mydoc.where(()), f"策略 {pid} 及其继承链缺少 {key}", f"policy {pid} (with its chain) lacks {key}")
    schema = facts_mod.schema()
    fields = FieldTable(dict(schema.fields, **declared))
    compiled, offered = [], []
    for rid, (section, rd, doc, kp, active) in rules.items():
        effect_key = EFFECT[section]
        if getattr(rd, effect_key) is None:
            raise _fail(doc.where(kp), f"{section} 中的规则 {rid} 需要 {effect_key}", f"rule {rid} in {section} needs {effect_key}")
        if section == "targets" and rd.department not in departments:
            raise _fail(doc.where(kp + ("department",)), f"未声明的部门 {rd.department}（可选：{', '.join(departments)}）",
                        f"undeclared department {rd.department!r} (declared: {', '.join(departments)})")
        cond = compile_condition(rd.when, fields, doc.where(kp + ("when",)),
                                 locate=lambda off, d=doc, k=kp: d.locate(k + ("when",), off))
        if not active:
            offered.append(rid)
            continue
        effect = {k: getattr(rd, k) for k in ("tier", "level", "department", "steps", "notify") if getattr(rd, k) is not None}
        compiled.append(PolicyRule(rid, section, rd.title, rd.when, cond, effect, rd.basis, rd.assumption, doc.where(kp)))
    compiled.sort(key=lambda r: SECTIONS.index(r.section))  # stable: keeps order within a section
    if scalars["default_department"] not in departments:
        raise _fail(mydoc.where(("default_department",)), f"default_department {scalars['default_department']} 未声明",
                    f"default_department {scalars['default_department']!r} is not declared")
    dl, dl_active = blocks.get("deadlines", ({}, False))
    days = dict(dl.get("days", {})) if dl_active else {}
    cap = dl.get("cap") if dl_active or (dl and not dl.get("assumption")) else None
    review = blocks.get("review", ({"separate_reviewer": False}, True))
    ext = blocks.get("extension")
    tiers = blocks.get("tiers")
    content = {"chain": [c[0].model_dump(mode="json") for c in chain]}
    digest = "sha256:" + hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return Policy(
        id=pid, version=me.version, title=me.title, title_en=me.title_en,
        region_prefix=me.jurisdiction.region_prefix, jurisdiction=me.jurisdiction.name, baseline=me.baseline,
        source=me.source, levels={k: v.model_dump() for k, v in levels.items()},
        departments={k: v.model_dump() for k, v in departments.items()},
        default_department=scalars["default_department"], deadline_days=days, deadline_unit=dl.get("unit", "days"),
        deadline_rule={"basis": dl.get("basis"), "assumption": dl.get("assumption", True)},
        cap=cap, cap_rule={"basis": dl.get("basis"), "assumption": dl.get("assumption", True)},
        separate_reviewer=review[0]["separate_reviewer"] if review[1] else False,
        extension=ext[0] if ext and ext[1] else None, open_general_cases=scalars["open_general_cases"],
        tier_levels={k: v.model_dump() for k, v in tier_levels.items()},
        tier_default=tiers[0]["default"] if tiers and tiers[1] else None,
        rules=tuple(compiled), offered=tuple(offered),
        duties=tuple(Duty(d.id, d.title, d.title_en, d.after, Period.from_doc(d.within), tuple(d.done_by), d.who,
                          d.basis, d.assumption) for d, _, _, active in duties.values() if active),
        fields=fields, declared=tuple(declared), adopted=tuple(adopted),
        examples=tuple(PolicyExample(ex.name, dict(ex.facts), ex.found_on, ex.expect.model_dump(exclude_unset=True),
                                     mydoc.where(("examples", i))) for i, ex in enumerate(me.examples)),
        digest=digest, chain=tuple(c[0].policy for c in chain),
    )


def _require(doc: YamlDoc, mapping: dict, keys: tuple, what: str) -> None:
    missing = [k for k in keys if k not in mapping]
    if missing:
        raise _fail(doc.where(()), f"{what} 缺少：{', '.join(missing)}（继承链合并后）",
                    f"{what} lacks {', '.join(missing)} (after merging the extends chain)")
