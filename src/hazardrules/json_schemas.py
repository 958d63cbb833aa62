"""JSON Schemas for authors and integrators: the ruleset file format, the supervision policy format and a
record of one edition — generated from the same models the loaders use, so they cannot disagree.

The schemas are shipped in the rules directory (``rulesets/schemas/``, installed with the rulesets) where the
YAML editors find them through the modeline that starts every shipped file::

    # yaml-language-server: $schema=../schemas/ruleset.schema.json

``tests/test_json_schemas.py`` checks that the shipped files equal what this module generates and that every
shipped ruleset, policy and fixture validates against them.
"""

from __future__ import annotations

from pathlib import Path

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = "schemas"  # inside the rules directory
MODELINE = "# yaml-language-server: $schema="

# What each key of the ruleset format means (Chinese / English); docs/ruleset-format.md has the full story.
DESCRIPTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "RulesetDoc": {
        "ruleset": ("规则集编号（小写字母、数字和连字符），一个标准一个编号", "ruleset id (lower case, digits, hyphens): one per standard"),
        "edition": ("版本编号，通常为发布年份", "edition id, usually the year of the document"),
        "title": ("标准名称（中文）", "title of the standard (Chinese)"),
        "title_en": ("标准名称（英文）", "title in English"),
        "source": ("出处：发布机关、文号、发布和施行日期、网址、条文来源", "source: issuer, document number, dates, address, wording provenance"),
        "effective_from": ("本版本施行之日（含）", "first day this edition is in force"),
        "effective_to": ("本版本最后施行之日（含）；现行版本为空", "last day in force; empty while in force"),
        "version": ("规则集本身的版本号（规则修改时递增）", "version of our encoding (raised when rules change)"),
        "history": ("未编码的早期版本及其施行期间", "earlier editions that are not encoded, with their dates"),
        "conventions": ("本标准的用语约定（如“以上”是否含本数）", "the document's conventions (e.g. whether 以上 includes the number)"),
        "tables": ("按类别取阈值的查找表，供 lookup() 使用", "lookup tables of class-dependent thresholds, for lookup()"),
        "fields": ("检查记录中的事实：类型、中文名称、单位、取值范围", "the facts of a record: type, label, unit, range"),
        "groups": ("条文分组（如十七个方面），可带适用条件", "groups of clauses (e.g. the 17 aspects), optionally with applies"),
        "elements": ("综合判定要素（计数规则使用）", "elements counted by comprehensive-determination rules"),
        "rules": ("判定规则：一条规则对应标准的一项（条/款/项）", "rules: one per item of the document (article/paragraph/item)"),
        "not_encoded": ("部分编码版本中尚未编码的条款及原因", "clauses of a partial edition that are not encoded, with the reason"),
        "hazard_term": ("结论中使用的术语（如 重大火灾隐患）", "the term the conclusion uses (e.g. 重大火灾隐患)"),
    },
    "PartDoc": {
        "part_of": ("本文件所属的规则集版本", "the edition this part file belongs to"),
    },
    "FieldDoc": {
        "type": ("类型：number、integer、bool、enum、date、string 或 list", "type: number, integer, bool, enum, date, string or list"),
        "label": ("中文名称（检查表和输出中显示）", "Chinese label (shown in checklists and output)"),
        "label_en": ("英文名称", "English label"),
        "unit": ("单位（如 t、%、m）", "unit (t, %, m …)"),
        "min": ("允许的最小值", "smallest value accepted"),
        "max": ("允许的最大值", "largest value accepted"),
        "values": ("枚举值及其中文名称", "enum values and their Chinese labels"),
        "help": ("填写说明", "how to fill it in"),
        "scope": ("适用范围事实：决定大量规则是否适用，检查表中排在最前并标注必填", "scope fact: decides whether many rules apply; asked first, marked 必填"),
        "item": ("列表中每个单元的字段（如每个工作面）", "the fields of each unit of a list (each working face …)"),
        "key": ("列表单元的编号字段", "the field naming each unit of a list"),
        "renamed_from": ("此字段在以前版本中的名称（hazardrules impact 据此沿用旧记录的值）",
                         "the field's names in earlier editions (hazardrules impact carries old values over)"),
    },
    "RuleDoc": {
        "id": ("规则编号（全局唯一，如 coal26.4.1）", "rule id, unique (e.g. coal26.4.1)"),
        "cite": ("所依据的条款（条/款/项）", "the clause cited (article/paragraph/item)"),
        "title": ("规则标题（用我们自己的话，不照抄标准原文）", "title in our own words, never the standard's sentence"),
        "kind": ("major（重大事故隐患，默认）、violation（违法行为）、deferral（转其他标准判定）",
                 "major (default), violation (unlawful, not a major hazard) or deferral (judged under another ruleset)"),
        "applies": ("适用条件：不满足时本规则不适用", "when the rule applies at all"),
        "when": ("判定条件：满足时构成本项隐患", "the condition that makes it a finding"),
        "supersedes": ("上一版本中对应的规则编号", "the rules of the previous edition this one replaces"),
        "words": ("条文中的数量用语（以上、超过…）与其比较，加载时按约定核对", "the number words of the clause and their comparisons, checked on load"),
        "examples": ("示例：作为测试运行，应覆盖阈值处、阈值两侧和缺少事实的情形",
                     "examples, run as tests: at the threshold, on both sides and with facts missing"),
        "note": ("解读说明：监管人员可能有不同理解之处", "reading notes: where a regulator might read it differently"),
    },
    "ExampleDoc": {
        "facts": ("示例记录的事实", "the facts of the example record"),
        "expect": ("期望结果：fired、passed、undetermined 或 not_applicable", "expected outcome: fired, passed, undetermined or not_applicable"),
    },
}


def _describe(schema: dict) -> dict:
    """Put the descriptions on the generated schema's properties (model by model, as named in ``$defs``)."""
    models = {"RulesetDoc": schema if schema.get("title") == "RulesetDoc" else None}
    models.update(schema.get("$defs", {}))
    for name, keys in DESCRIPTIONS.items():
        model = models.get(name)
        for key, (zh, en) in keys.items():
            if model and key in model.get("properties", {}):
                model["properties"][key]["description"] = f"{zh} / {en}"
    return schema


def ruleset_schema() -> dict:
    """A ruleset file: an edition's root file (``ruleset:``) or one of its part files (``part_of:``)."""
    from .spec import PartDoc, RulesetDoc

    root = _describe(RulesetDoc.model_json_schema(ref_template="#/$defs/{model}"))
    part = _describe(PartDoc.model_json_schema(ref_template="#/$defs/{model}"))
    defs = {**root.pop("$defs", {}), **part.pop("$defs", {})}
    defs["RulesetDoc"], defs["PartDoc"] = root, part
    _describe({"$defs": defs})
    return {
        "$schema": DIALECT,
        "$id": "urn:hazardrules:ruleset",
        "title": "hazardrules 规则集文件 / ruleset file",
        "description": "一个标准一个版本的根文件（ruleset:），或其分文件（part_of:）。格式说明见 docs/ruleset-format.md。 / "
                       "The root file of one edition of a standard (ruleset:) or one of its part files (part_of:); "
                       "see docs/ruleset-format.md.",
        "oneOf": [{"$ref": "#/$defs/RulesetDoc"}, {"$ref": "#/$defs/PartDoc"}],
        "$defs": defs,
    }


def policy_schema() -> dict:
    """A supervision policy file (``rulesets/policies/*.yaml``)."""
    from .supervision.policy_doc import policy_json_schema

    schema = policy_json_schema()
    return {"$schema": DIALECT, "$id": "urn:hazardrules:policy",
            "description": "监管策略：挂牌督办层级、交办对象、整改期限、升级、管控等级。见 docs/supervision.md。 / "
                           "Supervision policy: listing level, targets, deadlines, escalation, control tiers; "
                           "see docs/supervision.md.", **schema}


def record_schema_file(rs, lang: str = "zh") -> dict:
    """A record of one edition, for editors: the service's record schema without the ruleset's version and
    digest, which change with every edit of a rule or example while the shape of a record does not."""
    from .record_json_schema import record_schema

    schema = record_schema(rs, lang)
    schema["x-ruleset"] = {k: v for k, v in schema["x-ruleset"].items() if k not in ("version", "digest")}
    return schema


def shipped(rules_dir: Path, engine) -> dict[str, dict]:
    """Every schema file shipped in ``rules_dir/schemas`` by relative path: the two formats and one record
    schema per encoded edition."""
    out = {"ruleset.schema.json": ruleset_schema(), "policy.schema.json": policy_schema()}
    for rid in engine.ruleset_ids():
        for rs in engine.editions(rid):
            out[f"records/{rs.id}-{rs.edition}.schema.json"] = record_schema_file(rs)
    return out


def dumps(schema: dict) -> bytes:
    import orjson

    return orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def write_shipped(rules_dir: Path, engine) -> list[Path]:
    """Regenerate the shipped schema files (run after changing a model or an edition's fields)."""
    written = []
    for rel, schema in shipped(rules_dir, engine).items():
        path = rules_dir / SCHEMA_DIR / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dumps(schema))
        written.append(path)
    return written


if __name__ == "__main__":  # python -m hazardrules.json_schemas: regenerate rulesets/schemas/ in a source checkout
    from .catalog import default_rules_dir
    from .engine import Engine

    for written in write_shipped(default_rules_dir(), Engine()):
        print(written)
