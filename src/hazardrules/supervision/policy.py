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

import orjson

from ..errors import Diagnostic, SchemaError, diag
from ..expr import Condition, compile_condition
from ..loader import YamlDoc, load_yaml
from ..spec import validate_model
from . import facts as facts_mod
from .errors import PolicyError
from .policy_doc import EFFECT, SECTIONS, PolicyDoc


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
class Policy:
    """A merged, compiled policy: what a router needs, nothing from YAML."""

    id: str
    version: str
    title: str
    title_en: str | None
    region_prefix: str
    jurisdiction: str
    is_default: bool
    levels: dict
    departments: dict
    default_department: str
    deadline_days: dict
    max_days: int
    separate_reviewer: bool
    open_general_cases: bool
    tier_levels: dict
    tier_default: str
    rules: tuple[PolicyRule, ...]
    examples: tuple
    digest: str
    chain: tuple[str, ...]  # this policy and its ancestors, nearest first

    def section(self, name: str) -> tuple[PolicyRule, ...]:
        return tuple(r for r in self.rules if r.section == name)


def _fail(where: str, zh: str, en: str) -> PolicyError:
    return PolicyError(diag("policy_error", where, zh, en))


def read_policy_doc(doc: YamlDoc) -> PolicyDoc:
    """Validate one loaded policy file's shape."""
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
            if isinstance(other.data, dict) and other.data.get("policy") == parent:
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
    defaults = [p for p in out.values() if p.is_default]
    if len(defaults) > 1:
        raise _fail(", ".join(p.id for p in defaults), "多个策略声明了 default: true",
                    "more than one policy declares jurisdiction.default: true")
    return out


def policies_dir(rules_dir: Path | None = None) -> Path:
    from ..catalog import default_rules_dir

    return (rules_dir or default_rules_dir()) / "policies"


def load_policies(rules_dir: Path | None = None) -> dict[str, Policy]:
    """Every policy under ``<rules dir>/policies/``."""
    folder = policies_dir(rules_dir)
    if not folder.is_dir():
        raise _fail(str(folder), "找不到监管策略目录", "no policies directory found")
    return compile_policies(load_policy_files(sorted(folder.glob("*.yaml"))))


def select_policy(policies: dict[str, Policy], region_code: str | None, explicit: str | None = None) -> Policy:
    """The policy for a region: ``explicit`` id, else the longest matching region prefix, else the default."""
    if explicit:
        if explicit not in policies:
            raise _fail("--policy", f"没有编号为 {explicit} 的监管策略（可选：{', '.join(sorted(policies))}）",
                        f"no policy {explicit!r} (available: {', '.join(sorted(policies))})")
        return policies[explicit]
    if region_code:
        matches = [p for p in policies.values() if region_code.startswith(p.region_prefix)]
        if matches:
            return max(matches, key=lambda p: len(p.region_prefix))
    defaults = [p for p in policies.values() if p.is_default]
    if defaults:
        return defaults[0]
    raise _fail("policies", "没有默认辖区策略（jurisdiction.default: true）",
                "no default jurisdiction policy (jurisdiction.default: true)")


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


def _compile(pid: str, files: dict) -> Policy:
    chain = _chain(pid, files)
    me, mydoc = chain[0]
    levels, departments, days, tier_levels = {}, {}, {}, {}
    scalars: dict = {}
    rules: dict[str, tuple] = {}  # id -> (section, RuleDoc, YamlDoc, keypath); insertion = order
    for pd, doc in reversed(chain):  # root ancestor first, child last
        levels.update(pd.levels)
        departments.update(pd.departments)
        if pd.deadlines:
            days.update(pd.deadlines.days)
            if pd.deadlines.max_days is not None:
                scalars["max_days"] = pd.deadlines.max_days
        if pd.tiers:
            tier_levels.update(pd.tiers.levels)
            if pd.tiers.default:
                scalars["tier_default"] = pd.tiers.default
        for key in ("default_department", "open_general_cases", "review"):
            if getattr(pd, key) is not None:
                scalars[key] = getattr(pd, key)
        for rid in pd.drop:
            if rules.pop(rid, None) is None:
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
                rules[rd.id] = (section, rd, doc, (section, i))
    _require(mydoc, levels, ("county", "city", "province"), "levels")
    _require(mydoc, days, ("none", "county", "city", "province"), "deadlines.days")
    _require(mydoc, tier_levels, ("red", "orange", "yellow", "blue"), "tiers.levels")
    for key in ("max_days", "tier_default", "default_department", "open_general_cases", "review"):
        if key not in scalars:
            raise _fail(mydoc.where(()), f"策略 {pid} 及其继承链缺少 {key}", f"policy {pid} (with its chain) lacks {key}")
    schema = facts_mod.schema()
    compiled = []
    for rid, (section, rd, doc, kp) in rules.items():
        effect_key = EFFECT[section]
        if getattr(rd, effect_key) is None:
            raise _fail(doc.where(kp), f"{section} 中的规则 {rid} 需要 {effect_key}", f"rule {rid} in {section} needs {effect_key}")
        if section == "targets" and rd.department not in departments:
            raise _fail(doc.where(kp + ("department",)), f"未声明的部门 {rd.department}（可选：{', '.join(departments)}）",
                        f"undeclared department {rd.department!r} (declared: {', '.join(departments)})")
        cond = compile_condition(rd.when, schema, doc.where(kp + ("when",)),
                                 locate=lambda off, d=doc, k=kp: d.locate(k + ("when",), off))
        effect = {k: getattr(rd, k) for k in ("tier", "level", "department", "steps", "notify") if getattr(rd, k) is not None}
        compiled.append(PolicyRule(rid, section, rd.title, rd.when, cond, effect, rd.basis, rd.assumption, doc.where(kp)))
    compiled.sort(key=lambda r: SECTIONS.index(r.section))  # stable: keeps order within a section
    if scalars["default_department"] not in departments:
        raise _fail(mydoc.where(("default_department",)), f"default_department {scalars['default_department']} 未声明",
                    f"default_department {scalars['default_department']!r} is not declared")
    content = {"chain": [c[0].model_dump(mode="json") for c in chain]}
    digest = "sha256:" + hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return Policy(
        id=pid, version=me.version, title=me.title, title_en=me.title_en,
        region_prefix=me.jurisdiction.region_prefix, jurisdiction=me.jurisdiction.name,
        is_default=me.jurisdiction.default, levels={k: v.model_dump() for k, v in levels.items()},
        departments={k: v.model_dump() for k, v in departments.items()},
        default_department=scalars["default_department"], deadline_days=dict(days), max_days=scalars["max_days"],
        separate_reviewer=scalars["review"].separate_reviewer, open_general_cases=scalars["open_general_cases"],
        tier_levels={k: v.model_dump() for k, v in tier_levels.items()}, tier_default=scalars["tier_default"],
        rules=tuple(compiled), examples=tuple((ex, mydoc, ("examples", i)) for i, ex in enumerate(me.examples)),
        digest=digest, chain=tuple(c[0].policy for c in chain),
    )


def _require(doc: YamlDoc, mapping: dict, keys: tuple, what: str) -> None:
    missing = [k for k in keys if k not in mapping]
    if missing:
        raise _fail(doc.where(()), f"{what} 缺少：{', '.join(missing)}（继承链合并后）",
                    f"{what} lacks {', '.join(missing)} (after merging the extends chain)")
