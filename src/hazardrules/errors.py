"""Errors users can cause, one class per pipeline stage, each with a stable code.

Every message says what is wrong, where (``file:line:col`` for YAML, record number and field for
input) and what would be accepted. Messages exist in Chinese (default) and English; the CLI picks
one with ``--lang``. Validation stages collect several diagnostics and raise them together.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_REPORTED = 50  # like cel-go: cap long diagnostic lists so the first errors stay readable


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found by a stage: a stable code, a place, and the message in both languages."""

    code: str
    where: str
    zh: str
    en: str

    def render(self, lang: str = "zh") -> str:
        """One line: place and message, with any control character in either shown escaped
        (a key, a file name or a value from the input may hold ESC or newlines)."""
        from .text import safe_text

        text = safe_text(self.zh if lang == "zh" else self.en)
        return f"{safe_text(self.where)}: {text}" if self.where else text


class HazardRulesError(Exception):
    """Base of every error a user can cause; ``code`` is stable, ``diagnostics`` lists each problem."""

    code = "error"

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic | str, *, code: str | None = None):
        if isinstance(diagnostics, str):
            diagnostics = Diagnostic(code or self.code, "", diagnostics, diagnostics)
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        if code:
            self.code = code
        elif self.diagnostics:
            self.code = self.diagnostics[0].code
        super().__init__(self.render("zh"))

    def render(self, lang: str = "zh") -> str:
        shown = self.diagnostics[:MAX_REPORTED]
        lines = [d.render(lang) for d in shown]
        hidden = len(self.diagnostics) - len(shown)
        if hidden > 0:
            lines.append(f"…另有 {hidden} 个错误" if lang == "zh" else f"… and {hidden} more errors")
        return "\n".join(lines)


class LoadError(HazardRulesError):
    """A YAML/JSON file cannot be read: missing file, bad syntax, duplicate key."""

    code = "load_error"


class SchemaError(HazardRulesError):
    """A ruleset or policy file has the wrong shape (missing key, unknown key, wrong type)."""

    code = "schema_error"


class ConditionSyntaxError(HazardRulesError):
    """A condition does not parse."""

    code = "syntax_error"


class ConditionTypeError(HazardRulesError):
    """A condition parses but does not type-check against the declared fields."""

    code = "type_error"


class RulesetError(HazardRulesError):
    """A ruleset is inconsistent as a whole: duplicate ids, unknown group, bad example."""

    code = "ruleset_error"


class RecordError(HazardRulesError):
    """An inspection record does not match its ruleset's fields."""

    code = "record_error"


class RulesetNotFound(HazardRulesError):
    """No ruleset with that id, or no such edition."""

    code = "ruleset_not_found"


class EditionNotEncoded(HazardRulesError):
    """The edition in force on the inspection date is not encoded."""

    code = "edition_not_encoded"


def shown(value, limit: int = 80) -> str:
    """``repr`` of a user's value for a message: never raises (a 5,000-digit int cannot be repr'd
    under Python's digit limit) and never floods the terminal (long values are cut)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        text = f"<{value.bit_length()}-bit integer>" if isinstance(value, int) else f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diag(code: str, where: str, zh: str, en: str) -> Diagnostic:
    """Shorthand used by every stage to build a diagnostic."""
    return Diagnostic(code, where, zh, en)
