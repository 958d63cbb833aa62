"""Declared fields: the typed environment conditions are checked against and records validated by."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FIELD_TYPES = ("number", "integer", "bool", "enum", "date", "string", "list")


@dataclass(frozen=True, slots=True, eq=False)
class Field:
    """One declared fact: type, Chinese label, unit, bounds, enum values, or a sub-record table."""

    name: str
    type: str
    label: str
    label_en: str | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    values: dict[str, str] | None = None  # enum: value id -> Chinese label
    group: str | None = None
    help: str | None = None
    item: "FieldTable | None" = None  # list: the sub-record's fields
    key: str | None = None  # list: the sub-field naming a unit
    scope: bool = False  # a scope fact: decides the applicability of many rules (checklist asks it first)
    renamed_from: tuple[str, ...] = ()  # its names in earlier editions: hazardrules impact carries old values over
    where: str = ""

    def text(self, lang: str = "zh") -> str:
        return self.label_en or self.name if lang == "en" else self.label

    def spellings(self) -> dict[str, str]:
        """Enum: every accepted way of writing a value -> the value. The value id, its Chinese label, and a
        leading part of the label that no other label starts with (井工 for 井工煤矿), as inspectors write."""
        values = self.values or {}
        out = {v: v for v in values}
        for v, label in values.items():
            out.setdefault(label, v)
        labels = list(values.items())
        for v, label in labels:
            for n in range(2, len(label)):
                head = label[:n]
                if head not in out and sum(1 for _, other in labels if other.startswith(head)) == 1:
                    out[head] = v
        return out

    def value_label(self, value: Any, lang: str = "zh") -> str:
        if self.values and lang == "zh" and value in self.values:
            return self.values[value]
        return str(value)


@dataclass(slots=True)
class FieldTable:
    """Ordered mapping of field name to :class:`Field` (a record, or one list's sub-record)."""

    fields: dict[str, Field] = field(default_factory=dict)

    def __contains__(self, name: str) -> bool:
        return name in self.fields

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    def get(self, name: str) -> Field | None:
        return self.fields.get(name)

    def __iter__(self):
        return iter(self.fields.values())

    def __len__(self) -> int:
        return len(self.fields)

    def names(self) -> list[str]:
        return list(self.fields)

    def resolve(self, path: str) -> Field | None:
        """The field a dotted path names: ``pond_grade``, or a list's sub-field ``user_checks.gas_kind``."""
        table: FieldTable | None = self
        found: Field | None = None
        for part in path.split("."):
            if table is None:
                return None
            found = table.get(part)
            if found is None:
                return None
            table = found.item
        return found

    @classmethod
    def from_mapping(cls, decls: dict, doc, keypath: tuple) -> "FieldTable":
        """Validate YAML field declarations (as in a ruleset's ``fields:``) and build the table."""
        from ..spec import build_field_table  # spec depends on us for Field; import late

        return build_field_table(decls, doc, keypath)
