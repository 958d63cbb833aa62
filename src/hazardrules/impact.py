"""``hazardrules impact``: which past inspections would be judged differently under a new edition.

Every record is judged twice, under the old and under the new edition (each forced, whatever the record's
date: the output says so). The record's facts reach the new edition by name; a new field that declares
``renamed_from`` takes the value of its old name; facts the new edition does not declare are left out and
counted (they are listed, never dropped silently). Rules are paired through the new edition's ``supersedes``
links, so "newly fires" and "stops firing" are per clause, not per rule id.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .errors import HazardRulesError

CONCLUSIONS = ("major_hazard", "incomplete", "no_major_hazard")
LABELS = {"major_hazard": ("存在重大事故隐患", "major hazard"), "incomplete": ("未能得出结论", "incomplete"),
          "no_major_hazard": ("未发现重大事故隐患", "no major hazard")}


@dataclass
class Impact:
    ruleset: str
    old: str
    new: str
    old_document: str = ""
    new_document: str = ""
    records: int = 0
    transitions: Counter = field(default_factory=Counter)  # (old conclusion, new conclusion) -> records
    newly_fire: Counter = field(default_factory=Counter)  # new rule id -> records where it fires and its predecessors did not
    stop_firing: Counter = field(default_factory=Counter)  # old rule id -> records where it fired and no successor does
    missing_new: Counter = field(default_factory=Counter)  # fact -> records in which the new edition needed it
    not_carried: Counter = field(default_factory=Counter)  # fact of the record the new edition does not declare
    renamed: Counter = field(default_factory=Counter)  # "old -> new" -> records carried over by renamed_from
    changed: list = field(default_factory=list)  # (where, record_id, old conclusion, new conclusion)
    errors: list = field(default_factory=list)  # (where, message)
    titles: dict = field(default_factory=dict)  # rule id -> (cite, title)

    def to_dict(self) -> dict:
        return {
            "ruleset": self.ruleset, "from": self.old, "to": self.new, "records": self.records,
            "judged_under_forced_editions": True,
            "transitions": [{"from": a, "to": b, "records": n} for (a, b), n in sorted(self.transitions.items())],
            "changed_records": [{"where": w, "record_id": r, "from": a, "to": b} for w, r, a, b in self.changed],
            "newly_fire": [{"rule": r, "cite": self.titles[r][0], "title": self.titles[r][1], "records": n}
                           for r, n in self.newly_fire.most_common()],
            "stop_firing": [{"rule": r, "cite": self.titles[r][0], "title": self.titles[r][1], "records": n}
                            for r, n in self.stop_firing.most_common()],
            "facts_needed_by_new_edition": [{"fact": f, "records": n} for f, n in self.missing_new.most_common()],
            "facts_not_carried_over": [{"fact": f, "records": n} for f, n in self.not_carried.most_common()],
            "renamed": [{"fields": f, "records": n} for f, n in self.renamed.most_common()],
            "errors": [{"where": w, "message": m} for w, m in self.errors],
        }


def compare_editions(engine, ruleset_id: str, old: str, new: str, records, *, lang: str = "zh") -> Impact:
    """Judge every ``(where, record dict or HazardRulesError, coerce)`` under both editions."""
    a = engine.ruleset(ruleset_id, edition=old)
    b = engine.ruleset(ruleset_id, edition=new)
    out = Impact(ruleset_id, a.edition, b.edition, a.document, b.document)
    for rs in (a, b):
        out.titles.update({r.id: (r.cite, r.title if lang == "zh" else (r.title_en or r.title)) for r in rs.rules})
    successors: dict[str, list[str]] = {}
    for r in b.rules:
        for old_id in r.supersedes:
            successors.setdefault(old_id, []).append(r.id)
    renames = {f.name: tuple(getattr(f, "renamed_from", ()) or ()) for f in b.fields}
    for where, record, coerce in records:
        if isinstance(record, HazardRulesError):
            out.errors.append((where, record.render(lang)))
            continue
        if record.get("ruleset") != ruleset_id:
            out.errors.append((where, f"{where}: 不是规则集 {ruleset_id} 的记录（ruleset: {record.get('ruleset')!r}）"
                               if lang == "zh" else f"{where}: not a record of ruleset {ruleset_id} "
                               f"(ruleset: {record.get('ruleset')!r})"))
            continue
        try:
            before = engine.evaluate(_envelope(record), where=where, edition=a.edition, coerce=coerce)
            after = engine.evaluate(_carry(record, b, renames, out), where=where, edition=b.edition, coerce=coerce)
        except HazardRulesError as exc:
            out.errors.append((where, exc.render(lang)))
            continue
        out.records += 1
        out.transitions[(before.conclusion, after.conclusion)] += 1
        if before.conclusion != after.conclusion:
            out.changed.append((where, before.record_id, before.conclusion, after.conclusion))
        fired_old, fired_new = set(before.fired), set(after.fired)
        for rid in fired_new:
            predecessors = next((r.supersedes for r in b.rules if r.id == rid), ())
            if not predecessors or not fired_old & set(predecessors):
                out.newly_fire[rid] += 1
        for rid in fired_old:
            if not fired_new & set(successors.get(rid, ())):
                out.stop_firing[rid] += 1
        needed = {name.split("[")[0].split(".")[0] for u in after.undetermined for name in u["missing"]}
        out.missing_new.update(needed - set((record.get("facts") or {})))
    return out


def _envelope(record: dict) -> dict:
    """The record without its own edition key: the edition is forced."""
    return {k: v for k, v in record.items() if k != "edition"}


def _carry(record: dict, b, renames: dict, out: Impact) -> dict:
    """The record's facts as the new edition names them; undeclared ones counted and left out."""
    facts = dict(record.get("facts") or {})
    for new_name, olds in renames.items():
        for old_name in olds:
            if new_name not in facts and old_name in facts:
                facts[new_name] = facts.pop(old_name)
                out.renamed[f"{old_name} -> {new_name}"] += 1
    kept = {k: v for k, v in facts.items() if k in b.fields}
    out.not_carried.update(k for k in facts if k not in b.fields)
    return {**_envelope(record), "facts": kept}


def read_records(paths: list[str], input_fmt: str | None = None):
    """``(where, record or error, coerce)`` for every row of JSONL/CSV/Parquet files, read by the batch readers
    (nothing dropped; CSV and Parquet cells are text, which the engine converts)."""
    from .batch.rows import record_from
    from .batch.sources import Counter as RowCounter
    from .batch.sources import input_format, read_chunks
    from .errors import RecordError, diag

    counter = RowCounter()
    for path in paths:
        fmt = input_format(path, input_fmt)
        for chunk in read_chunks(path, fmt, counter):
            for raw in chunk.raw_rows():
                try:
                    record = record_from(raw, chunk.header)
                except HazardRulesError as exc:
                    yield raw.where, exc, False
                    continue
                if not isinstance(record, dict):
                    record = RecordError(diag("not_a_record", raw.where, "不是一条记录（应为 JSON 对象）",
                                              "not a record (expected a JSON object)"))
                yield raw.where, record, raw.kind != "json"
