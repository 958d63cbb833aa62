"""Tokens of the condition language: numbers, strings, names, operators and punctuation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ConditionSyntaxError, diag
from ..limits import MAX_CONDITION_CHARS, MAX_NUMBER_CHARS

KEYWORDS = {"and", "or", "not", "in", "true", "false"}

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num str name kw op end
    text: str
    pos: int


def tokenize(text: str, where) -> list[Token]:
    """Split ``text`` into tokens; ``where(offset)`` renders a position for errors."""
    if len(text) > MAX_CONDITION_CHARS:
        raise ConditionSyntaxError(diag(
            "condition_too_long", where(0), f"条件过长：{len(text)} 个字符（上限 {MAX_CONDITION_CHARS}）；请拆分为多条规则或计数要素",
            f"condition too long: {len(text)} characters (limit {MAX_CONDITION_CHARS}); split it into rules or counted elements"))
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            ch = text[pos]
            hint_zh, hint_en = _hint(ch)
            raise ConditionSyntaxError(diag(
                "syntax_error", where(pos), f"条件中不能出现字符 “{ch}”{hint_zh}",
                f"unexpected character '{ch}' in condition{hint_en}"))
        kind = m.lastgroup
        if kind != "ws":
            tok = m.group()
            if kind == "name" and tok in KEYWORDS:
                kind = "kw"
            elif kind == "num" and len(tok) > MAX_NUMBER_CHARS:
                raise ConditionSyntaxError(diag(
                    "number_too_long", where(pos), f"数值过长：{len(tok)} 个字符（上限 {MAX_NUMBER_CHARS}）",
                    f"number too long: {len(tok)} characters (limit {MAX_NUMBER_CHARS})"))
            tokens.append(Token(kind, tok, pos))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _hint(ch: str) -> tuple[str, str]:
    full_width = {"（": "(", "）": ")", "，": ",", "“": '"', "”": '"', "≥": ">=", "≤": "<=", "＝": "=="}
    if ch in full_width:
        return (f"（请用半角 “{full_width[ch]}”）", f" (use ASCII '{full_width[ch]}')")
    if ch == "=":
        return ("（相等请写 ==）", " (write == for equality)")
    if ch in "&|!":
        return ("（逻辑运算请写 and / or / not）", " (write and / or / not)")
    return ("", "")
