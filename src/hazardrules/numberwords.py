"""Legal number words (以上, 超过, 以下 …): which comparison operator each word means in a document.

Chinese law reads 以上、以下、以内、届满 as including the number and 超过、不满、以外 as excluding it
(民法典 第一千二百五十九条), but a document may define its own words (国家发展改革委令第41号 第三十五条
counts 以上 and 超过 as inclusive and 以下 as exclusive). A ruleset declares such a convention under
``conventions.number_words``; a rule declares the legal word of each threshold it compares under
``words``; this module derives the operator each word means under the ruleset's convention and checks
the rule's compiled comparisons against it, so a comparison written with the general reading in a
document that redefines the word is a load error at its ``file:line:col``, not a silent wrong answer.

A word has an intrinsic *direction* (以上 bounds from below, 以下 from above) and an *inclusivity*
that the convention decides. A declaration with ``negated: true`` is a requirement the rule fires on
failing (未采用双重化以上配置: fires when the sets are *not* 2 以上, so ``< 2``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Diagnostic, diag
from .expr import ast

LOWER, UPPER = "lower", "upper"  # the number bounds the quantity from below (以上) or from above (以下)

# word -> (direction, inclusive) under the general convention of Chinese legal drafting
GENERAL: dict[str, tuple[str, bool]] = {
    "以上": (LOWER, True), "及以上": (LOWER, True), "达到": (LOWER, True), "届满": (LOWER, True),
    "不少于": (LOWER, True), "不低于": (LOWER, True), "不小于": (LOWER, True),
    "超过": (LOWER, False), "大于": (LOWER, False), "高于": (LOWER, False), "多于": (LOWER, False),
    "以下": (UPPER, True), "及以下": (UPPER, True), "以内": (UPPER, True), "不超过": (UPPER, True),
    "不高于": (UPPER, True), "不大于": (UPPER, True), "不多于": (UPPER, True),
    "不满": (UPPER, False), "不足": (UPPER, False), "小于": (UPPER, False), "低于": (UPPER, False),
    "少于": (UPPER, False),
}
INCLUSIVE, EXCLUSIVE = "inclusive", "exclusive"

_OP = {(LOWER, True): ">=", (LOWER, False): ">", (UPPER, True): "<=", (UPPER, False): "<"}
_COMPLEMENT = {">=": "<", ">": "<=", "<=": ">", "<": ">="}
_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}
_DIRECTION = {">=": LOWER, ">": LOWER, "<=": UPPER, "<": UPPER}


def word_table(overrides: dict[str, str] | None) -> dict[str, tuple[str, bool]]:
    """The general table with a document's own definitions laid over it (``{word: inclusive|exclusive}``)."""
    table = dict(GENERAL)
    for word, incl in (overrides or {}).items():
        table[word] = (GENERAL[word][0], incl == INCLUSIVE)
    return table


def operator_for(word: str, table: dict[str, tuple[str, bool]], negated: bool = False) -> str:
    """The operator ``quantity OP number`` that is true when the word's condition holds (or fails, if negated)."""
    direction, inclusive = table[word]
    op = _OP[(direction, inclusive)]
    return _COMPLEMENT[op] if negated else op


@dataclass(frozen=True, slots=True)
class WordDecl:
    """A rule's declaration: in this rule, ``field`` is compared with ``value`` under the legal word ``word``."""

    field: str
    word: str
    value: float | None
    negated: bool
    where: str


@dataclass(frozen=True, slots=True)
class _Cmp:
    op: str  # normalised so the field is on the left
    field: str
    value: float | None  # the literal on the other side, if any
    where: str


def comparisons(checked, locate) -> list[_Cmp]:
    """Ordered comparisons between a field and something else, with the field put on the left."""
    out = []
    for node in ast.walk(checked.root):
        if not isinstance(node, ast.Compare) or node.op not in _DIRECTION:
            continue
        for quantity, other, op in ((node.left, node.right, node.op), (node.right, node.left, _FLIP[node.op])):
            if isinstance(quantity, ast.Name) and id(quantity) in checked.refs:
                value = other.value if isinstance(other, ast.Num) else None
                if value is None and isinstance(other, ast.Unary) and other.op == "-" and isinstance(other.operand, ast.Num):
                    value = -other.operand.value
                out.append(_Cmp(op, checked.refs[id(quantity)].field.name, value, locate(node.pos)))
                break
    return out


def check_words(rule_id: str, decls: list[WordDecl], cmps: list[_Cmp], table: dict, require: bool) -> list[Diagnostic]:
    """Every declaration matches a comparison whose operator is the one its word means; with ``require``,
    every comparison of a field with a number has a declaration."""
    problems: list[Diagnostic] = []
    covered: set[int] = set()
    for d in decls:
        if d.word not in table:
            known = "、".join(sorted(table))
            problems.append(diag("unknown_number_word", d.where, f"{rule_id}：未知的数量词 “{d.word}”；可用：{known}",
                                 f"{rule_id}: unknown number word '{d.word}'; known: {known}"))
            continue
        expected = operator_for(d.word, table, d.negated)
        incl = "含本数" if table[d.word][1] else "不含本数"
        incl_en = "includes" if table[d.word][1] else "excludes"
        neg = "（规则在不满足时触发）" if d.negated else ""
        neg_en = " (the rule fires when it is not met)" if d.negated else ""
        matched = [i for i, c in enumerate(cmps) if c.field == d.field and (d.value is None or c.value == d.value)]
        same_side = [i for i in matched if _DIRECTION[cmps[i].op] == _DIRECTION[expected]]
        shown = d.field if d.value is None else f"{d.field} {d.value:g}"
        if not same_side:
            problems.append(diag("number_word_unmatched", d.where,
                                 f"{rule_id}：声明了 “{shown}” 的数量词 “{d.word}”{neg}，但条件中没有对应的比较（应写 {d.field} {expected} …）",
                                 f"{rule_id}: number word '{d.word}' is declared for '{shown}'{neg_en}, but no condition "
                                 f"compares it that way (expected {d.field} {expected} …)"))
            continue
        for i in same_side:
            covered.add(i)
            c = cmps[i]
            if c.op != expected:
                problems.append(diag(
                    "number_word_mismatch", c.where,
                    f"{rule_id}：{d.field} 与 {c.value if c.value is not None else '…'} 的比较写作 “{c.op}”，但按本文件的约定"
                    f"“{d.word}”{incl}{neg}，应写 “{expected}”",
                    f"{rule_id}: {d.field} is compared with '{c.op}', but under this document's convention "
                    f"'{d.word}' {incl_en} the number{neg_en}: write '{expected}'"))
    if require:
        for i, c in enumerate(cmps):
            if i not in covered and c.value is not None:
                problems.append(diag(
                    "number_word_undeclared", c.where,
                    f"{rule_id}：{c.field} {c.op} {c.value:g} 没有声明数量词（本文件自定义了数量词的含义，请在 words 中写明条文用词）",
                    f"{rule_id}: {c.field} {c.op} {c.value:g} has no declared number word (this document defines its "
                    f"own number words: declare the clause's word under 'words')"))
    return problems
