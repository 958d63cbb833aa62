"""Recursive-descent parser: tokens -> :mod:`ast` nodes.

Grammar (lowest precedence first)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := additive ( (CMP additive)+ | "not"? "in" "[" literal ("," literal)* "]" )?
    additive   := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | STRING | "true" | "false" | NAME | NAME "(" args ")" | "(" expr ")"

Chained comparisons (``0.5 <= x < 1.0``) become an ``and`` of pairwise comparisons, the way
Python reads them, so a range is written the way the standard states it.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date

from ..errors import ConditionSyntaxError, diag
from ..limits import MAX_AST_DEPTH, MAX_CONDITION_NESTING, MAX_IN_CHOICES, MAX_MAGNITUDE, MAX_OPERANDS, MAX_QUANTIFIER_NESTING
from . import ast
from .lexer import Token, tokenize

_CMP = {"==", "!=", "<", "<=", ">", ">="}
_QUANTIFIERS = {"any", "all", "count", "sum"}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t"}


def parse(text: str, where=lambda offset: f"col {offset + 1}") -> ast.Node:
    """Parse one condition; ``where(offset)`` renders error positions (file:line:col)."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionSyntaxError(diag("syntax_error", where(0), "条件为空", "empty condition"))
    root = _Parser(tokenize(text, where), where).parse()
    if ast_depth(root) > MAX_AST_DEPTH:  # chains inside parentheses: every later stage recurses this deep
        raise ConditionSyntaxError(diag(
            "condition_too_complex", where(0), f"条件过于复杂（语法树深度超过 {MAX_AST_DEPTH}）；请拆分为多条规则或计数要素",
            f"condition too complex (syntax tree deeper than {MAX_AST_DEPTH}); split it into rules or counted elements"))
    return root


def ast_depth(root: ast.Node) -> int:
    """Depth of the tree, computed without recursion (the tree is not yet known to be shallow)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        for f in fields(node):
            value = getattr(node, f.name)
            for child in (value if isinstance(value, tuple) else (value,)):
                if isinstance(child, ast.Node):
                    stack.append((child, depth + 1))
    return deepest


class _Parser:
    def __init__(self, tokens: list[Token], where):
        self.tokens = tokens
        self.i = 0
        self.where = where
        self.depth = 0  # nesting of parentheses, not, unary minus and calls (bounded: see limits)
        self.quantifiers = 0

    def _enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_CONDITION_NESTING:
            raise ConditionSyntaxError(diag(
                "condition_too_deep", self.where(tok.pos), f"条件嵌套过深（括号、not、函数调用超过 {MAX_CONDITION_NESTING} 层）",
                f"condition nested too deeply (more than {MAX_CONDITION_NESTING} levels of parentheses, not, calls)"))

    def _count(self, n: int, tok: Token) -> None:
        if n > MAX_OPERANDS:
            raise ConditionSyntaxError(diag(
                "condition_too_long", self.where(tok.pos), f"一个运算连接的项过多（超过 {MAX_OPERANDS} 项）；请拆分为多条规则或计数要素",
                f"too many terms joined by one operator (more than {MAX_OPERANDS}); split it into rules or counted elements"))

    # -- helpers ---------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def _advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def _is(self, text: str) -> bool:
        return self.tok.text == text and self.tok.kind in ("op", "kw")

    def _expect(self, text: str) -> Token:
        if not self._is(text):
            self._fail(f"此处应为 “{text}”", f"expected '{text}'")
        return self._advance()

    def _fail(self, zh: str, en: str):
        tok = self.tok
        got_zh = "条件结束" if tok.kind == "end" else f"“{tok.text}”"
        got_en = "end of condition" if tok.kind == "end" else f"'{tok.text}'"
        raise ConditionSyntaxError(diag("syntax_error", self.where(tok.pos), f"{zh}，实际为 {got_zh}",
                                        f"{en}, found {got_en}"))

    # -- grammar ---------------------------------------------------------------------------
    def parse(self) -> ast.Node:
        node = self.expr()
        if self.tok.kind != "end":
            self._fail("条件在此处应已结束（缺少 and / or？）", "expected end of condition (missing and / or?)")
        return node

    def expr(self) -> ast.Node:
        return self._logic("or", self.and_expr)

    def and_expr(self) -> ast.Node:
        return self._logic("and", self.not_expr)

    def _logic(self, op: str, sub) -> ast.Node:
        start = self.tok.pos
        operands = [sub()]
        while self._is(op):
            self._count(len(operands) + 1, self._advance())
            operands.append(sub())
        if len(operands) == 1:
            return operands[0]
        flat = []  # a and (b and c) == a and b and c: one flat node, less generated code
        for node in operands:
            flat.extend(node.operands if isinstance(node, ast.Logic) and node.op == op else (node,))
        return ast.Logic(start, op, tuple(flat))

    def not_expr(self) -> ast.Node:
        if self._is("not"):
            tok = self._advance()
            self._enter(tok)
            node = ast.Unary(tok.pos, "not", self.not_expr())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> ast.Node:
        left = self.additive()
        if self.tok.text in _CMP and self.tok.kind == "op":
            pairs = []
            while self.tok.text in _CMP and self.tok.kind == "op":
                op = self._advance()
                self._count(len(pairs) + 1, op)
                right = self.additive()
                pairs.append(ast.Compare(op.pos, op.text, left, right))
                left = right
            return pairs[0] if len(pairs) == 1 else ast.Logic(pairs[0].pos, "and", tuple(pairs))
        negated = False
        if self._is("not") and self.tokens[self.i + 1].text == "in":
            self._advance()
            negated = True
        if self._is("in"):
            tok = self._advance()
            self._expect("[")
            choices = [self.literal()]
            while self._is(","):
                comma = self._advance()
                if len(choices) >= MAX_IN_CHOICES:
                    raise ConditionSyntaxError(diag("condition_too_long", self.where(comma.pos),
                                                    f"in [...] 的取值过多（上限 {MAX_IN_CHOICES}）",
                                                    f"too many values in in [...] (limit {MAX_IN_CHOICES})"))
                choices.append(self.literal())
            self._expect("]")
            return ast.In(tok.pos, left, tuple(choices), negated)
        return left

    def literal(self) -> ast.Node:
        tok = self.tok
        if tok.kind == "op" and tok.text == "-" and self.tokens[self.i + 1].kind == "num":
            self._advance()
            num = self._advance()
            return ast.Num(tok.pos, -self._number(num))
        if tok.kind in ("num", "str") or (tok.kind == "kw" and tok.text in ("true", "false")):
            return self.primary()
        self._fail("此处应为数值、文字或 true/false", "expected a number, string or true/false")

    def additive(self) -> ast.Node:
        node = self.term()
        n = 1
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self._advance()
            n += 1
            self._count(n, op)
            node = ast.Binary(op.pos, op.text, node, self.term())
        return node

    def term(self) -> ast.Node:
        node = self.unary()
        n = 1
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            op = self._advance()
            n += 1
            self._count(n, op)
            node = ast.Binary(op.pos, op.text, node, self.unary())
        return node

    def unary(self) -> ast.Node:
        if self.tok.kind == "op" and self.tok.text == "-":
            tok = self._advance()
            self._enter(tok)
            operand = self.unary()
            self.depth -= 1
            if isinstance(operand, ast.Num):
                return ast.Num(tok.pos, -operand.value)
            return ast.Unary(tok.pos, "-", operand)
        return self.primary()

    def primary(self) -> ast.Node:
        tok = self.tok
        if tok.kind == "num":
            self._advance()
            return ast.Num(tok.pos, self._number(tok))
        if tok.kind == "str":
            self._advance()
            return ast.Str(tok.pos, self._unquote(tok))
        if tok.kind == "kw" and tok.text in ("true", "false"):
            self._advance()
            return ast.Bool(tok.pos, tok.text == "true")
        if tok.kind == "name":
            self._advance()
            if self._is("("):
                return self.call(tok)
            return ast.Name(tok.pos, tok.text)
        if self._is("("):
            self._enter(self._advance())
            node = self.expr()
            self._expect(")")
            self.depth -= 1
            return node
        self._fail("此处应为数值、字段名、函数或括号", "expected a number, field name, function or '('")

    def call(self, name: Token) -> ast.Node:
        self._enter(self._expect("("))
        quantifier = name.text in _QUANTIFIERS
        if quantifier:
            self.quantifiers += 1
            if self.quantifiers > MAX_QUANTIFIER_NESTING:
                raise ConditionSyntaxError(diag(
                    "condition_too_deep", self.where(name.pos), f"any/all/count/sum 嵌套超过 {MAX_QUANTIFIER_NESTING} 层",
                    f"any/all/count/sum nested more than {MAX_QUANTIFIER_NESTING} levels"))
        args: list[ast.Node] = []
        if not self._is(")"):
            args.append(self.expr())
            while self._is(","):
                self._count(len(args) + 1, self._advance())
                args.append(self.expr())
        self._expect(")")
        self.depth -= 1
        self.quantifiers -= quantifier
        if name.text == "date":
            return self._date(name, args)
        return ast.Call(name.pos, name.text, tuple(args))

    def _date(self, name: Token, args: list[ast.Node]) -> ast.Node:
        if len(args) != 1 or not isinstance(args[0], ast.Str):
            raise ConditionSyntaxError(diag("syntax_error", self.where(name.pos),
                                            "date() 需要一个 \"YYYY-MM-DD\" 形式的文字参数",
                                            'date() takes one "YYYY-MM-DD" string'))
        try:
            if not _ISO_DATE.fullmatch(args[0].value):  # fromisoformat would also take 20260814
                raise ValueError(args[0].value)
            return ast.DateLit(name.pos, date.fromisoformat(args[0].value))
        except ValueError:
            raise ConditionSyntaxError(diag("syntax_error", self.where(args[0].pos),
                                            f"不是有效日期：{args[0].value}（应为 YYYY-MM-DD）",
                                            f"not a valid date: {args[0].value} (expected YYYY-MM-DD)")) from None


    def _number(self, tok: Token) -> int | float:
        text = tok.text
        value = float(text) if any(c in text for c in ".eE") else int(text)
        if not abs(value) <= MAX_MAGNITUDE:  # also catches inf (1e999)
            raise ConditionSyntaxError(diag(
                "number_out_of_range", self.where(tok.pos), f"数值超出范围：{text}（绝对值上限 {MAX_MAGNITUDE:.0e}）",
                f"number out of range: {text} (magnitude limit {MAX_MAGNITUDE:.0e})"))
        return value

    def _unquote(self, tok: Token) -> str:
        r"""The text of a string literal; escapes: \\ \" \' \n \t and \uXXXX (anything else is an error)."""
        body = tok.text[1:-1]
        if "\\" not in body:
            return body
        out, i = [], 0
        while i < len(body):
            ch = body[i]
            if ch != "\\":
                out.append(ch)
                i += 1
                continue
            nxt = body[i + 1: i + 2]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            hexa = body[i + 2: i + 6]
            if nxt == "u" and len(hexa) == 4 and all(c in "0123456789abcdefABCDEF" for c in hexa) \
                    and not 0xD800 <= int(hexa, 16) <= 0xDFFF:
                out.append(chr(int(hexa, 16)))
                i += 6
                continue
            raise ConditionSyntaxError(diag(
                "bad_escape", self.where(tok.pos + 1 + i), f"文字中无效的转义 “{body[i:i + 2]}”（可用 \\\\ \\\" \\' \\n \\t \\uXXXX）",
                f"invalid escape '{body[i:i + 2]}' in a string (allowed: \\\\ \\\" \\' \\n \\t \\uXXXX)"))
        return "".join(out)
