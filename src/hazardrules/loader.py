"""Strict YAML loading that remembers where every node came from.

PyYAML composes a node tree with marks; we build plain Python values from it ourselves so that:
- a duplicate key is an error (PyYAML silently keeps the last one);
- timestamps stay strings (the schema decides what is a date, not the YAML resolver);
- every key path (``("rules", 3, "when")``) maps to its ``file:line:col`` and scalar style, which
  lets condition errors point into the YAML file (see :meth:`YamlDoc.locate`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import LoadError, diag
from .limits import MAX_DOCUMENT_DEPTH, MAX_YAML_ALIAS_NODES, MAX_YAML_ALIASES

KeyPath = tuple


_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present: same nodes, faster


class DigitText(str):
    """A plain scalar of digits with a leading zero (``0101``, ``025``): text that looks like a number.

    YAML 1.1 read it as octal (``025`` -> 21) and YAML 1.2 as decimal (``0101`` -> 101, losing the
    zero of a unit id). It stays exactly what was typed: a text field (ids, codes) keeps ``"0101"``
    and a number field reads it as the decimal number it shows (``025`` -> 25), see ``records``.
    """

    __slots__ = ()


class _StrictLoader(_BASE):
    """YAML 1.2 core schema for plain scalars, no timestamps (dates arrive as strings).

    PyYAML implements YAML 1.1, where ``025`` is octal 21, ``1:30`` is 90 (base 60), ``yes``/``on``
    are booleans and ``1_000`` is 1000. A number an inspector types must mean what it looks like, so
    plain scalars resolve by the 1.2 core rules only: ``true``/``false``, ``null``/``~``, decimal,
    ``0o``/``0x`` integers and decimal floats (``1e5`` included), ``.inf``/``.nan`` (refused later as
    not finite); digits with a leading zero are :class:`DigitText`; everything else is text.
    """


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_CORE_RESOLVERS = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (_INT, r"^(?:[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (_FLOAT, r"^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
             r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.0123456789"),
    ("tag:hazardrules,2026:digits", r"^[-+]?0[0-9]+$", "-+0"),
)
_StrictLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in _CORE_RESOLVERS:
    _StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _core_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text)


def _core_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith((".inf", ".nan")):  # refused later as not finite, with the field's message
        return float(text.replace(".", ""))
    return float(text)  # decimal text: Python reads exactly what YAML 1.2 means


_StrictLoader.add_constructor(_INT, _core_int)
_StrictLoader.add_constructor(_FLOAT, _core_float)
_StrictLoader.add_constructor("tag:hazardrules,2026:digits", lambda loader, node: DigitText(loader.construct_scalar(node)))


@dataclass(frozen=True, slots=True)
class Mark:
    """Where a node starts (1-based line and column) and how a scalar was written."""

    line: int
    col: int
    style: str | None  # None plain, "'" or '"' quoted, "|" or ">" block


@dataclass
class YamlDoc:
    """A loaded YAML file: plain data plus the position of every key path."""

    path: str
    data: Any
    marks: dict[KeyPath, Mark]
    lines: list[str]
    key_marks: dict[KeyPath, Mark] | None = None

    def where_key(self, keypath: KeyPath) -> str:
        """``file:line:col`` of the *key* of a mapping entry (for unknown-key errors)."""
        mark = (self.key_marks or {}).get(tuple(keypath))
        return f"{self.path}:{mark.line}:{mark.col}" if mark else self.where(keypath)

    def where(self, keypath: KeyPath = ()) -> str:
        """``file:line:col`` of the node at ``keypath`` (or of its closest existing parent)."""
        mark = self._mark(keypath)
        return f"{self.path}:{mark.line}:{mark.col}" if mark else self.path

    def _mark(self, keypath: KeyPath) -> Mark | None:
        keypath = tuple(keypath)
        while keypath not in self.marks and keypath:
            keypath = keypath[:-1]
        return self.marks.get(keypath)

    def locate(self, keypath: KeyPath, offset: int) -> str:
        """``file:line:col`` of character ``offset`` inside the scalar at ``keypath``."""
        mark = self._mark(keypath)
        if mark is None:
            return self.path
        value = self._value(keypath)
        if not isinstance(value, str):
            return f"{self.path}:{mark.line}:{mark.col}"
        if mark.style in ("|", ">"):
            # block scalar: content starts on the next line, at the block's indentation
            before = value[:offset]
            line_no = before.count("\n")
            col_in_line = len(before) - (before.rfind("\n") + 1)
            src_line = mark.line + 1 + line_no
            first = self.lines[mark.line] if mark.line < len(self.lines) else ""
            indent = len(first) - len(first.lstrip(" "))  # the block's indentation, from its first line
            return f"{self.path}:{src_line}:{indent + col_in_line + 1}"
        quote = 1 if mark.style in ("'", '"') else 0
        return f"{self.path}:{mark.line}:{mark.col + quote + offset}"

    def _value(self, keypath: KeyPath) -> Any:
        node = self.data
        for key in keypath:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return None
        return node


def load_yaml(path: str | Path, *, text: str | None = None) -> YamlDoc:
    """Load one YAML file strictly; raise :class:`LoadError` with file:line:col on any problem."""
    shown = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LoadError(diag("file_not_found", shown, "文件不存在", "file not found")) from None
        except UnicodeDecodeError as exc:
            raise LoadError(diag("not_utf8", shown, f"不是 UTF-8 编码的文本（第 {exc.start} 字节）",
                                 f"not UTF-8 text (byte {exc.start})")) from None
        except OSError as exc:
            raise LoadError(diag("unreadable", shown, f"无法读取：{exc.strerror}",
                                 f"cannot read: {exc.strerror}")) from None
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else shown
        problem = exc.problem or exc.context or "invalid YAML"
        raise LoadError(diag("yaml_syntax", where, f"YAML 语法错误：{yaml_problem_zh(problem)}",
                             f"YAML syntax error: {problem}")) from None
    except yaml.YAMLError as exc:
        raise LoadError(diag("yaml_syntax", shown, f"YAML 语法错误：{yaml_problem_zh(str(exc))}",
                             f"YAML syntax error: {exc}")) from None
    finally:
        loader.dispose()
    marks: dict[KeyPath, Mark] = {}
    key_marks: dict[KeyPath, Mark] = {}
    data = None if root is None else _Builder(shown, loader, marks, key_marks).build(root, (), marks, key_marks)
    return YamlDoc(shown, data, marks, text.splitlines(), key_marks)


class _Builder:
    """Plain values from composed nodes, within the budgets of :mod:`.limits`.

    The composer shares one node object for an anchor and all its aliases; building values walks
    every use, so a "billion laughs" document (aliases of aliases) would expand exponentially.
    A node met a second time is an alias use: uses are counted, and so is every node built for
    them; past either budget the document is refused at once. Nesting depth is bounded too (the
    build is recursive, and no ruleset, policy or record needs more than a few levels).
    """

    def __init__(self, shown: str, loader, marks: dict, key_marks: dict):
        self.shown, self.loader = shown, loader
        self.seen: set[int] = set()
        self.aliases = 0
        self.alias_nodes = 0
        self.inside_alias = 0
        self.depth = 0

    def build(self, node: yaml.Node, keypath: KeyPath, marks: dict, key_marks: dict) -> Any:
        alias = id(node) in self.seen
        if alias:
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise self._limit(node, f"别名（*）使用超过 {MAX_YAML_ALIASES} 次", f"more than {MAX_YAML_ALIASES} alias (*) uses")
        else:
            self.seen.add(id(node))
        if alias or self.inside_alias:
            self.alias_nodes += 1
            if self.alias_nodes > MAX_YAML_ALIAS_NODES:
                raise self._limit(node, f"别名展开超过 {MAX_YAML_ALIAS_NODES} 个节点（疑似别名炸弹）",
                                  f"aliases expand to more than {MAX_YAML_ALIAS_NODES} nodes (an alias bomb?)")
        self.depth += 1
        self.inside_alias += alias
        if self.depth > MAX_DOCUMENT_DEPTH:
            raise self._limit(node, f"嵌套超过 {MAX_DOCUMENT_DEPTH} 层", f"nested more than {MAX_DOCUMENT_DEPTH} levels")
        try:
            return self._value(node, keypath, marks, key_marks)
        finally:
            self.depth -= 1
            self.inside_alias -= alias

    def _limit(self, node: yaml.Node, zh: str, en: str) -> LoadError:
        return LoadError(diag("yaml_limit", _at(self.shown, node), f"YAML 文档超出限制：{zh}", f"YAML document over a limit: {en}"))

    def _value(self, node: yaml.Node, keypath: KeyPath, marks: dict, key_marks: dict) -> Any:
        shown, loader = self.shown, self.loader
        style = getattr(node, "style", None)
        marks[keypath] = Mark(node.start_mark.line + 1, node.start_mark.column + 1, style)
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise LoadError(diag("yaml_merge", _at(shown, key_node), "不支持 YAML 合并键 <<",
                                         "YAML merge keys (<<) are not supported"))
                key = self.build(key_node, keypath + ("<key>",), {}, {})
                if isinstance(key, (list, dict)):
                    raise LoadError(diag("yaml_key", _at(shown, key_node), "键必须是标量", "a key must be a scalar"))
                if key in out:
                    raise LoadError(diag("duplicate_key", _at(shown, key_node), f"重复的键 “{key}”",
                                         f"duplicate key '{key}'"))
                key_marks[keypath + (key,)] = Mark(key_node.start_mark.line + 1, key_node.start_mark.column + 1, None)
                out[key] = self.build(value_node, keypath + (key,), marks, key_marks)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, keypath + (i,), marks, key_marks) for i, item in enumerate(node.value)]
        return _scalar(node, shown, loader)


def _scalar(node: yaml.Node, shown: str, loader) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise LoadError(diag("yaml_value", _at(shown, node), f"无法读取的值：{exc.problem}",
                             f"unreadable value: {exc.problem}")) from None


def _at(shown: str, node: yaml.Node) -> str:
    return f"{shown}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


# PyYAML's messages in Chinese, with what usually causes them; the English original stays in --lang en.
_YAML_PROBLEMS_ZH = (
    ("did not find expected ',' or ']'", "方括号列表 [...] 未闭合或缺少逗号"),
    ("did not find expected ',' or '}'", "花括号映射 {...} 未闭合或缺少逗号"),
    ("mapping values are not allowed here", "此处不能出现“键: 值”：检查上一行的缩进，或给含冒号的文字加引号"),
    ("found character '\\t' that cannot start any token", "含有制表符（Tab）：YAML 只能用空格缩进"),
    ("found character that cannot start any token", "出现了不能开始一个值的字符：常见原因是用了制表符（Tab）缩进（YAML 只能用空格），或这段文字需要加引号"),
    ("could not find expected ':'", "缺少冒号“:”：每个键后应有“: ”"),
    ("did not find expected key", "缩进不一致：这一行与同一层的键没有对齐"),
    ("did not find expected '-' indicator", "列表项缩进不一致：各项的“-”应对齐"),
    ("expected <block end>, but found", "缩进不一致：这一行与上文的层次不符"),
    ("found unexpected end of stream", "文件意外结束：引号或括号未闭合"),
    ("found unknown escape character", "双引号字符串中有未知的转义字符（\\ 后的字符）：改用单引号或写成 \\\\"),
    ("found undefined alias", "引用了未定义的锚点（*名称）"),
    ("found duplicate anchor", "锚点（&名称）重复"),
    ("expected a comment or a line break", "值后面有多余的内容：需要注释请用“ #”，或给整段文字加引号"),
    ("while scanning a quoted scalar", "引号未闭合"),
    ("while scanning a simple key", "键没有写完：缺少冒号“:”"),
    ("found unexpected ':'", "出现了多余的冒号：给含冒号的文字加引号"),
    ("expected <document start>, but found", "文件开头的内容不是 YAML 文档：检查第一行"),
    ("unacceptable character", "含有不可接受的字符（控制字符或无效编码）"),
)


def yaml_problem_zh(problem: str) -> str:
    """The Chinese message for a PyYAML problem (falls back to PyYAML's own words, quoted)."""
    for english, chinese in _YAML_PROBLEMS_ZH:
        if problem.startswith(english) or english in problem:
            return chinese
    return f"无法解析（{problem}）"
