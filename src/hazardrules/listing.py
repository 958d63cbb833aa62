"""What is installed, without compiling: one summary per edition for ``hazardrules rulesets``.

Listing used to compile every edition of every ruleset (seconds). A summary needs only each edition's
header and its number of rules, read with the plain C YAML parser (no positions, no schema, no
conditions) and kept in the compiled-ruleset cache under the same key as the compiled editions (engine
version + the ruleset's file paths and bytes), so a second listing reads a few small entries.
A summary is not a validation: ``hazardrules validate`` compiles and checks everything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .catalog import default_rules_dir, list_ruleset_ids, shown_path, yaml_files


@dataclass(frozen=True, slots=True)
class EditionSummary:
    """The header of one edition (the attributes ``rulesets`` prints, named as on CompiledRuleset)."""

    id: str
    edition: str
    version: str
    rule_count: int
    effective_from: str
    effective_to: str | None
    title: str
    title_en: str | None
    document: str
    path: str
    clauses_encoded: int = 0  # distinct clauses cited by the rules (as CompiledRuleset.clauses_encoded)
    not_encoded: int = 0  # whole clauses declared not encoded (a partial edition)
    parts_not_encoded: int = 0  # unencoded parts of encoded clauses (part: true): partial, but not counted as clauses

    @property
    def partial(self) -> bool:
        return self.not_encoded + self.parts_not_encoded > 0

    @property
    def clauses_total(self) -> int:
        return self.clauses_encoded + self.not_encoded


def cache_name(directory: Path, ruleset_id: str) -> str:
    """Cache entry name of one ruleset directory (id + which directory, so two rule trees never collide)."""
    return f"{ruleset_id}-{hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:12]}"


def ruleset_files(directory: Path) -> list[tuple[str, bytes]]:
    return [(shown_path(p), p.read_bytes()) for p in yaml_files(directory)]


def summaries(rules_dir: Path, ruleset_id: str) -> list[EditionSummary]:
    """Every edition of one ruleset, oldest first, from the cache or a light read of its files."""
    directory = rules_dir / ruleset_id
    files = ruleset_files(directory)
    name = cache_name(directory, ruleset_id) + ".summary"
    key = cache.ruleset_key(files) if cache.enabled() else ""
    found = cache.load(name, key) if key else None
    if isinstance(found, list) and all(isinstance(s, EditionSummary) for s in found):
        return found
    out = _read(files, ruleset_id)
    if key:
        cache.store(name, key, out)
    return out


def all_summaries(rules_dir: str | Path | None = None, broken: list | None = None) -> list[EditionSummary]:
    """Every edition of every ruleset under ``rules_dir`` (default: the shipped rulesets).

    A ruleset whose files cannot be read is a clear error naming it; with ``broken`` (a list) it is added there
    as ``(ruleset id, LoadError)`` instead and the others are still listed.
    """
    from .errors import LoadError, RulesetNotFound, diag

    root = Path(rules_dir) if rules_dir else default_rules_dir()
    if not root.is_dir():
        raise RulesetNotFound(diag("no_rules_dir", str(root), "规则集目录不存在", "rules directory does not exist"))
    out = []
    for rid in list_ruleset_ids(root):
        try:
            out += summaries(root, rid)
        except Exception as exc:  # noqa: BLE001 - any file of it unreadable: say which ruleset, never a traceback
            error = LoadError(diag("ruleset_unreadable", str(root / rid),
                                   f"规则集 {rid} 无法读取（{type(exc).__name__}）；用 hazardrules validate 查看每个错误",
                                   f"ruleset {rid} cannot be read ({type(exc).__name__}); run hazardrules validate for every error"))
            if broken is None:
                raise error from None
            broken.append((rid, error))
    return out


def _read(files: list[tuple[str, bytes]], ruleset_id: str) -> list[EditionSummary]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    heads, counts, cites, unencoded = [], {}, {}, {}
    for shown, data in files:
        doc = yaml.load(data, Loader=loader)  # noqa: S506 — a safe loader
        if not isinstance(doc, dict):
            continue
        if "ruleset" in doc:
            key = (str(doc.get("ruleset")), str(doc.get("edition")))
            heads.append((key, doc, shown))
        elif isinstance(doc.get("part_of"), dict):
            key = (str(doc["part_of"].get("ruleset")), str(doc["part_of"].get("edition")))
        else:
            continue
        rules = doc.get("rules") or []
        counts[key] = counts.get(key, 0) + len(rules)
        cites.setdefault(key, set()).update(str(r.get("cite")) for r in rules if isinstance(r, dict))
        entries = [c for c in doc.get("not_encoded") or [] if isinstance(c, dict)]
        whole, parts = unencoded.get(key, (0, 0))
        n_parts = sum(1 for c in entries if c.get("part") is True)
        unencoded[key] = (whole + len(entries) - n_parts, parts + n_parts)
    out = []
    for key, doc, shown in heads:
        if key[0] != ruleset_id:
            continue
        source = doc.get("source") if isinstance(doc.get("source"), dict) else {}
        to = doc.get("effective_to")
        out.append(EditionSummary(
            id=key[0], edition=key[1], version=str(doc.get("version")), rule_count=counts.get(key, 0),
            effective_from=str(doc.get("effective_from")), effective_to=None if to is None else str(to),
            title=str(doc.get("title")), title_en=doc.get("title_en"), document=str(source.get("document", "")),
            path=shown, clauses_encoded=len(cites.get(key, ())), not_encoded=unencoded.get(key, (0, 0))[0],
            parts_not_encoded=unencoded.get(key, (0, 0))[1]))
    return sorted(out, key=lambda s: s.effective_from)
