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

from datetime import date

from ..errors import ConditionSyntaxError, diag
from . import ast
from .lexer import Token, tokenize

_CMP = {"==", "!=", "<", "<=", ">", ">="}


def parse(text: str, where=lambda offset: f"col {offset + 1}") -> ast.Node:
    """Parse one condition; ``where(offset)`` renders error positions (file:line:col)."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionSyntaxError(diag("syntax_error", where(0), "条件为空", "empty condition"))
    return _Parser(tokenize(text, where), where).parse()


class _Parser:
    def __init__(self, tokens: list[Token], where):
        self.tokens = tokens
        self.i = 0
        self.where = where

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
            self._advance()
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
            return ast.Unary(tok.pos, "not", self.not_expr())
        return self.comparison()

    def comparison(self) -> ast.Node:
        left = self.additive()
        if self.tok.text in _CMP and self.tok.kind == "op":
            pairs = []
            while self.tok.text in _CMP and self.tok.kind == "op":
                op = self._advance()
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
                self._advance()
                choices.append(self.literal())
            self._expect("]")
            return ast.In(tok.pos, left, tuple(choices), negated)
        return left

    def literal(self) -> ast.Node:
        tok = self.tok
        if tok.kind == "op" and tok.text == "-" and self.tokens[self.i + 1].kind == "num":
            self._advance()
            num = self._advance()
            return ast.Num(tok.pos, -_number(num.text))
        if tok.kind in ("num", "str") or (tok.kind == "kw" and tok.text in ("true", "false")):
            return self.primary()
        self._fail("此处应为数值、文字或 true/false", "expected a number, string or true/false")

    def additive(self) -> ast.Node:
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self._advance()
            node = ast.Binary(op.pos, op.text, node, self.term())
        return node

    def term(self) -> ast.Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            op = self._advance()
            node = ast.Binary(op.pos, op.text, node, self.unary())
        return node

    def unary(self) -> ast.Node:
        if self.tok.kind == "op" and self.tok.text == "-":
            tok = self._advance()
            operand = self.unary()
            if isinstance(operand, ast.Num):
                return ast.Num(tok.pos, -operand.value)
            return ast.Unary(tok.pos, "-", operand)
        return self.primary()

    def primary(self) -> ast.Node:
        tok = self.tok
        if tok.kind == "num":
            self._advance()
            return ast.Num(tok.pos, _number(tok.text))
        if tok.kind == "str":
            self._advance()
            return ast.Str(tok.pos, _unquote(tok.text))
        if tok.kind == "kw" and tok.text in ("true", "false"):
            self._advance()
            return ast.Bool(tok.pos, tok.text == "true")
        if tok.kind == "name":
            self._advance()
            if self._is("("):
                return self.call(tok)
            return ast.Name(tok.pos, tok.text)
        if self._is("("):
            self._advance()
            node = self.expr()
            self._expect(")")
            return node
        self._fail("此处应为数值、字段名、函数或括号", "expected a number, field name, function or '('")

    def call(self, name: Token) -> ast.Node:
        self._expect("(")
        args: list[ast.Node] = []
        if not self._is(")"):
            args.append(self.expr())
            while self._is(","):
                self._advance()
                args.append(self.expr())
        self._expect(")")
        if name.text == "date":
            return self._date(name, args)
        return ast.Call(name.pos, name.text, tuple(args))

    def _date(self, name: Token, args: list[ast.Node]) -> ast.Node:
        if len(args) != 1 or not isinstance(args[0], ast.Str):
            raise ConditionSyntaxError(diag("syntax_error", self.where(name.pos),
                                            "date() 需要一个 \"YYYY-MM-DD\" 形式的文字参数",
                                            'date() takes one "YYYY-MM-DD" string'))
        try:
            return ast.DateLit(name.pos, date.fromisoformat(args[0].value))
        except ValueError:
            raise ConditionSyntaxError(diag("syntax_error", self.where(args[0].pos),
                                            f"不是有效日期：{args[0].value}（应为 YYYY-MM-DD）",
                                            f"not a valid date: {args[0].value} (expected YYYY-MM-DD)")) from None


def _number(text: str) -> int | float:
    return float(text) if any(c in text for c in ".eE") else int(text)


def _unquote(text: str) -> str:
    body = text[1:-1]
    return body.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8") if "\\" in body else body
