"""The engine: chooses the edition in force, validates records and evaluates them.

Rulesets compile lazily, once, per ruleset id (under a lock), then are shared read-only between
threads. The edition is picked by the record's inspection date unless one is named explicitly;
a date no encoded edition covers is an error that says which edition was in force and which are
encoded, never a silent judgement under another edition.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from . import cache, listing
from .catalog import default_rules_dir, list_ruleset_ids, scan
from .compile import CompiledRuleset, compile_ruleset
from .errors import EditionNotEncoded, HazardRulesError, RecordError, RulesetNotFound, diag
from .records import check_envelope, normalize_facts, parse_date
from .results import Determination


class Engine:
    """Loads rulesets from a directory (default: the shipped ones) and evaluates records."""

    def __init__(self, rules_dir: str | Path | None = None):
        self.rules_dir = Path(rules_dir) if rules_dir else default_rules_dir()
        self._editions: dict[str, list[CompiledRuleset]] = {}
        self._lock = threading.Lock()
        self._by_date: dict[tuple[str, str], tuple[CompiledRuleset, date]] = {}  # (ruleset, date text) -> edition

    # -- rulesets ----------------------------------------------------------------------------------
    def ruleset_ids(self) -> list[str]:
        if not self.rules_dir.is_dir():
            raise RulesetNotFound(diag("no_rules_dir", str(self.rules_dir), "规则集目录不存在", "rules directory does not exist"))
        return list_ruleset_ids(self.rules_dir)

    def editions(self, ruleset_id: str) -> list[CompiledRuleset]:
        """Every encoded edition of a ruleset, oldest first (compiled on first use)."""
        found = self._editions.get(ruleset_id)
        if found is not None:
            return found
        with self._lock:
            if ruleset_id not in self._editions:
                ids = self.ruleset_ids()
                if ruleset_id not in ids:
                    near = difflib.get_close_matches(ruleset_id, ids, n=1)
                    hint = f"（是否指 “{near[0]}”？）" if near else ""
                    raise RulesetNotFound(diag("ruleset_not_found", "", f"没有规则集 “{ruleset_id}”{hint}；可用：{'、'.join(ids)}",
                                               f"no ruleset '{ruleset_id}'; available: {', '.join(ids)}"))
                self._editions[ruleset_id] = self._compile_or_cached(ruleset_id)
        return self._editions[ruleset_id]

    def _compile_or_cached(self, ruleset_id: str) -> list[CompiledRuleset]:
        """Every edition of one ruleset, from the compiled-ruleset cache when its files are unchanged."""
        directory = self.rules_dir / ruleset_id
        files = listing.ruleset_files(directory)
        name = listing.cache_name(directory, ruleset_id)
        key = cache.ruleset_key(files) if cache.enabled() else ""
        found = cache.load(name, key) if key else None
        if isinstance(found, list) and all(isinstance(rs, CompiledRuleset) for rs in found):
            return found
        editions, _ = scan([directory], ruleset_id=ruleset_id)
        compiled = sorted((compile_ruleset(e.root, e.parts) for e in editions), key=lambda r: r.effective_from)
        if key:
            cache.store(name, key, compiled)
        return compiled

    def summaries(self) -> list[listing.EditionSummary]:
        """The header of every edition of every ruleset, without compiling (see :mod:`hazardrules.listing`)."""
        return listing.all_summaries(self.rules_dir)

    def all_editions(self) -> list[CompiledRuleset]:
        return [rs for rid in self.ruleset_ids() for rs in self.editions(rid)]

    def ruleset(self, ruleset_id: str, *, edition: str | None = None, on: date | None = None) -> CompiledRuleset:
        """The named edition, or the one in force on ``on`` (default: today)."""
        editions = self.editions(ruleset_id)
        if edition is not None:
            for rs in editions:
                if rs.edition == str(edition):
                    return rs
            raise RulesetNotFound(diag("edition_not_found", "", f"{ruleset_id} 没有版本 “{edition}”；已编码：{'、'.join(r.edition for r in editions)}",
                                       f"{ruleset_id} has no edition '{edition}'; encoded: {', '.join(r.edition for r in editions)}"))
        day = on or date.today()
        for rs in reversed(editions):
            if rs.in_force(day):
                return rs
        raise self._not_encoded(ruleset_id, editions, day)

    def _not_encoded(self, ruleset_id: str, editions: list[CompiledRuleset], day: date) -> EditionNotEncoded:
        encoded = "、".join(f"{r.edition}（{r.document}，{r.effective_from}起）" for r in editions)
        encoded_en = ", ".join(f"{r.edition} ({r.document}, from {r.effective_from})" for r in editions)
        in_force = None
        for rs in editions:
            for h in rs.history:
                if not h.get("effective_from"):
                    continue  # dates not known: never claim it was the edition in force
                start = date.fromisoformat(h["effective_from"])
                end = date.fromisoformat(h["effective_to"]) if h.get("effective_to") else None
                if start <= day and (end is None or day <= end):
                    in_force = h
        if in_force:
            zh = (f"{day} 适用的是 {in_force['document']}（{in_force['edition']} 版，{in_force['effective_from']} 至 "
                  f"{in_force.get('effective_to') or '今'}），该版本尚未编码；已编码：{encoded}。可用 --edition 指定版本。")
            en = (f"on {day} the edition in force is {in_force['document']} ({in_force['edition']}, {in_force['effective_from']} to "
                  f"{in_force.get('effective_to') or 'now'}), which is not encoded; encoded: {encoded_en}. Use --edition to choose one.")
        else:
            zh = f"{day} 没有已编码的 {ruleset_id} 版本生效；已编码：{encoded}。可用 --edition 指定版本。"
            en = f"no encoded edition of {ruleset_id} is in force on {day}; encoded: {encoded_en}. Use --edition to choose one."
        return EditionNotEncoded(diag("edition_not_encoded", "", zh, en))

    # -- records -----------------------------------------------------------------------------------
    def prepare(self, record: dict, *, where: str = "记录", edition: str | None = None,
                coerce: bool = False) -> tuple[CompiledRuleset, dict]:
        """Check a record's envelope, pick its edition, validate its facts."""
        where = _named(record, where)
        rs, day = self._edition_of(record, where, edition)
        facts = normalize_facts(record.get("facts") or {}, rs.fields, where, coerce=coerce)
        if day is not None and "inspection_date" not in facts:
            facts["inspection_date"] = day  # conditions may compare dates with the inspection date
        return rs, facts

    def _edition_of(self, record, where: str, edition: str | None) -> tuple[CompiledRuleset, date | None]:
        """The envelope checked, the inspection date and the edition that applies."""
        check_envelope(record, where)
        text = record.get("inspection_date")
        chosen = edition or record.get("edition")
        if chosen is None and type(text) is str:  # the common case, memoised: (ruleset, date text) -> edition
            key = (record["ruleset"], text)
            found = self._by_date.get(key)
            if found is not None:
                return found
        day = parse_date(text)
        if day is None and chosen is None:
            raise RecordError(diag("missing_date", f"{where} inspection_date",
                                   "记录缺少检查日期 inspection_date（据此选择当时有效的标准版本）",
                                   "the record has no inspection_date (it decides which edition applies)"))
        rs = self.ruleset(record["ruleset"], edition=str(chosen) if chosen is not None else None, on=day)
        if chosen is None and type(text) is str and len(self._by_date) < 4096:
            self._by_date[(record["ruleset"], text)] = (rs, day)
        return rs, day

    def judge(self, record: dict, *, where: str = "记录", edition: str | None = None,
              coerce: bool = False) -> tuple[CompiledRuleset, dict, tuple]:
        """The edition, the normalised facts and every rule's status: :meth:`prepare` + evaluation.

        Typed facts that the rules read (the common case) take the fused path: the generated
        ``evaluate_checked`` validates them while it loads them. Anything else — text to coerce, enum
        labels, lists, unread fields, any bad value — goes through :func:`normalize_facts`, whose
        messages and conversions the fused path equals (tests/test_properties.py).
        """
        where = _named(record, where)
        rs, day = self._edition_of(record, where, edition)
        facts = record.get("facts")
        if not coerce and type(facts) is dict and rs.evaluate_checked is not None:
            statuses = rs.evaluate_checked(facts, day)
            if statuses is not None:
                out = dict(facts) if None not in facts.values() else {k: v for k, v in facts.items() if v is not None}
                if day is not None and "inspection_date" not in out:
                    out["inspection_date"] = day
                return rs, out, statuses
        facts = normalize_facts(facts or {}, rs.fields, where, coerce=coerce)
        if day is not None and "inspection_date" not in facts:
            facts["inspection_date"] = day
        return rs, facts, rs.evaluate_facts(facts)

    def evaluate(self, record: dict, *, where: str = "记录", edition: str | None = None,
                 coerce: bool = False) -> Determination:
        """Judge one record: the :class:`Determination` under the edition that applies.

        ``coerce`` accepts facts as text (CSV/Parquet cells); JSON and YAML records must be typed.
        """
        rs, facts, statuses = self.judge(record, where=where, edition=edition, coerce=coerce)
        return Determination(rs, facts, statuses, _str_or_none(record.get("record_id")),
                             parse_date(record.get("inspection_date")), record.get("enterprise"), record.get("found_by"),
                             record.get("supervision"))

    def evaluate_many(self, records: Iterable[dict], *, edition: str | None = None) -> Iterator[Determination | HazardRulesError]:
        """Stream: one result per record, in order; a bad record yields its error, never stops the stream."""
        for n, record in enumerate(records, 1):
            try:
                yield self.evaluate(record, where=f"记录 #{n}", edition=edition)
            except HazardRulesError as exc:
                yield exc


def _named(record, where: str) -> str:
    """A library caller's errors still name the record."""
    if where == "记录" and isinstance(record, dict) and _str_or_none(record.get("record_id")):
        return f"记录 {record['record_id']}"
    return where


def _str_or_none(v) -> str | None:
    return None if v is None else str(v)
