"""Finding rulesets on disk: which directory, which files are editions, parts and policies.

Layout: ``<rules dir>/<ruleset-id>/<edition>.yaml`` (root, key ``ruleset:``), optional part files
(key ``part_of:``) beside it, ``<rules dir>/policies/*.yaml`` (key ``policy:``) and
``<rules dir>/calendars/*.yaml`` (key ``calendar:``, holidays for working-day deadlines). The default
directory is ``$HAZARDRULES_RULES``, else the rulesets installed with the package, else the source
checkout's ``rulesets/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LoadError, diag

if TYPE_CHECKING:
    from .loader import YamlDoc


NOT_RULESETS = ("policies", "calendars", "schemas")  # folders of the rules dir that hold no ruleset


def default_rules_dir() -> Path:
    env = os.environ.get("HAZARDRULES_RULES")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    installed = here / "_rulesets"
    if installed.is_dir():
        return installed
    return here.parent.parent / "rulesets"


@dataclass
class EditionFiles:
    root: YamlDoc
    parts: list[YamlDoc] = field(default_factory=list)


def yaml_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def scan(paths: list[Path], *, ruleset_id: str | None = None, errors: list | None = None
         ) -> tuple[list[EditionFiles], list[YamlDoc]]:
    """Load every YAML file under ``paths``; return the editions (root + parts) and the policy docs.

    With ``errors`` (a list), a file that cannot be read or placed is reported there and left out, so one broken
    file never hides the others (``validate``, ``test``, ``rulesets``); without it the first problem is raised.
    """
    from .errors import HazardRulesError
    from .loader import load_yaml

    def problem(exc: HazardRulesError) -> None:
        if errors is None:
            raise exc
        errors.append(exc)

    roots: dict[tuple, EditionFiles] = {}
    parts: list[YamlDoc] = []
    policies: list[YamlDoc] = []
    for base in paths:
        if not base.exists():
            raise LoadError(diag("file_not_found", str(base), "路径不存在", "path does not exist"))
        for p in yaml_files(base):
            if ruleset_id is not None and p.parent.name != ruleset_id:
                continue
            try:
                doc = load_yaml(shown_path(p))
            except HazardRulesError as exc:
                problem(exc)
                continue
            data = doc.data
            if isinstance(data, dict) and "ruleset" in data:
                key = (str(data.get("ruleset")), str(data.get("edition")))
                if key in roots:
                    problem(LoadError(diag("duplicate_edition", doc.where(("edition",)),
                                           f"{key[0]} 的版本 {key[1]} 重复（另见 {roots[key].root.path}）",
                                           f"edition {key[1]} of {key[0]} defined twice (also {roots[key].root.path})")))
                    continue
                roots[key] = EditionFiles(doc)
            elif isinstance(data, dict) and "part_of" in data:
                parts.append(doc)
            elif isinstance(data, dict) and "policy" in data:
                policies.append(doc)
            elif isinstance(data, dict) and "calendar" in data:
                continue  # holiday calendars (supervision deadlines in working days) are read by supervision
            else:
                problem(LoadError(diag("unknown_document", doc.where(()),
                                       "不是规则集文件：顶层应有 ruleset:、part_of:、policy: 或 calendar:",
                                       "not a ruleset file: expected a top-level ruleset:, part_of:, policy: or calendar: key")))
    for doc in parts:
        po = doc.data.get("part_of") or {}
        key = (str(po.get("ruleset")), str(po.get("edition"))) if isinstance(po, dict) else None
        if key not in roots:
            problem(LoadError(diag("orphan_part", doc.where(("part_of",)),
                                   f"part_of 指向的规则集版本 {key} 不存在", f"part_of names an edition that does not exist: {key}")))
            continue
        roots[key].parts.append(doc)
    return list(roots.values()), policies


def list_ruleset_ids(rules_dir: Path) -> list[str]:
    return sorted(p.name for p in rules_dir.iterdir() if p.is_dir() and p.name not in NOT_RULESETS and yaml_files(p))


def shown_path(p: Path) -> str:
    """Paths in messages: relative to the working directory when below it."""
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
