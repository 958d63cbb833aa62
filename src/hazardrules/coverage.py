"""Clause coverage: item by item of the document, which rules encode it and how many examples test it.

An edition declares the inventory of its document's items (``inventory:``, cited as its rules cite them);
``validate`` refuses an edition whose inventory has an item neither encoded nor declared ``not_encoded`` (see
``compile._check_inventory``). Without an inventory, coverage lists what the rules cite and says that the
document's own list of items is not declared, so nothing can be said about what is missing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .compile import CompiledRuleset, cite_parts, covers


@dataclass
class ItemCoverage:
    item: str
    rules: list[str] = field(default_factory=list)
    examples: int = 0
    not_encoded: str | None = None  # the reason, for an item declared not encoded
    part_not_encoded: list[str] = field(default_factory=list)  # unencoded parts of an encoded item

    @property
    def encoded(self) -> bool:
        return bool(self.rules)


@dataclass
class Coverage:
    ruleset: str
    edition: str
    document: str
    inventory_declared: bool
    items: list[ItemCoverage]

    @property
    def encoded(self) -> int:
        return sum(1 for i in self.items if i.encoded)

    def to_dict(self) -> dict:
        return {"ruleset": self.ruleset, "edition": self.edition, "document": self.document,
                "inventory_declared": self.inventory_declared, "items_total": len(self.items),
                "items_encoded": self.encoded, "items": [{**asdict(i), "encoded": i.encoded} for i in self.items]}


def coverage(rs: CompiledRuleset) -> Coverage:
    own = [r for r in rs.rules + rs.elements if not r.document and r.kind != "deferral"]
    declared = rs.inventory is not None
    names = list(rs.inventory) if declared else list(dict.fromkeys(
        [p for r in own for p in cite_parts(r.cite)] + [c["clause"] for c in rs.not_encoded if not c.get("part")]))
    whole = {c["clause"]: c for c in rs.not_encoded if not c.get("part")}
    items = []
    for name in names:
        rules = [r for r in own if any(covers(name, p) for p in cite_parts(r.cite))]
        c = whole.get(name)
        items.append(ItemCoverage(
            name, [r.id for r in rules], sum(len(r.examples) for r in rules),
            (c.get("note") or c.get("reason") or "未编码") if c else None,
            [p.get("title", "") for p in rs.not_encoded if p.get("part") and p["clause"] == name]))
    return Coverage(rs.id, rs.edition, rs.document, declared, items)


def render(cov: Coverage, lang: str = "zh") -> str:
    zh = lang == "zh"
    lines = [f"{cov.ruleset} {cov.edition}（{cov.document}）" if zh else f"{cov.ruleset} {cov.edition} ({cov.document})"]
    if not cov.inventory_declared:
        lines.append("本版本未声明条款清单（inventory）：以下只是规则引用到的条款，无法判断哪些条款缺少规则。" if zh else
                     "this edition declares no inventory: below are only the items its rules cite; what is missing "
                     "cannot be told.")
    width = max((len(i.item) for i in cov.items), default=0)
    for i in cov.items:
        if i.encoded:
            state = (f"✓ {'、'.join(i.rules)}（示例 {i.examples} 个）" if zh else f"✓ {', '.join(i.rules)} ({i.examples} examples)")
            if i.part_not_encoded:
                state += ("；部分未编码：" if zh else "; part not encoded: ") + "、".join(i.part_not_encoded)
        else:
            state = (f"✗ 未编码：{i.not_encoded}" if zh else f"✗ not encoded: {i.not_encoded}")
        lines.append(f"  {i.item.ljust(width)}  {state}")
    lines.append(f"已编码 {cov.encoded} / {len(cov.items)} 项" if zh else f"encoded {cov.encoded} of {len(cov.items)} items")
    return "\n".join(lines)
