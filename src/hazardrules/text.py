"""Text for terminals: data never controls the screen.

A record id, a unit id, an enterprise name or a ruleset title may hold control characters (ESC,
newline, carriage return, backspace) or Unicode bidirectional overrides. Printed raw, they can clear
the screen, move the cursor or print a forged line such as a fake 结论 under a real one. Every piece
of data that reaches text output passes through :func:`safe_text`, which shows such characters as
visible escapes (``\\x1b``, ``\\n``, ``\\u202e``) and leaves every other character — Chinese
included — as it is. JSON output needs none of this: JSON escapes control characters itself.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings, overrides and isolates,
# and the zero-width/BOM characters that hide text
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match) -> str:
    ch = m.group()
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def safe_text(value) -> str:
    """``str(value)`` with every control or bidi character shown as a visible escape."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def safe_lines(text: str) -> str:
    """Escape a multi-line text line by line: its own line breaks stay, nothing else controls."""
    return "\n".join(safe_text(line) for line in text.split("\n"))
