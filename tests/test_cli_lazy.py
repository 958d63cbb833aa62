"""The CLI registers commands lazily: ``--help`` imports no command module, each command only its own."""

import subprocess
import sys

import click
import pytest

from hazardrules.cli import COMMANDS, load_command, main

# modules that cost tens to hundreds of milliseconds to import: never needed to print help
HEAVY = ("pydantic", "yaml", "ruamel", "polars", "duckdb", "pyarrow", "sqlalchemy", "alembic", "orjson",
         "hazardrules.engine", "hazardrules.compile", "hazardrules.spec", "hazardrules.expr", "hazardrules.records",
         "hazardrules.results", "hazardrules.supervision", "hazardrules.cli.check", "hazardrules.cli.rulesets")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_help_imports_nothing_heavy():
    modules = _modules_after("from hazardrules.cli import main\n"
                             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    assert "hazardrules.cli" in modules
    assert _heavy(modules) == []


def test_import_hazardrules_is_lazy_but_complete():
    assert _heavy(_modules_after("import hazardrules")) == []
    import hazardrules

    for name in hazardrules.__all__:  # every public name resolves on first use
        assert getattr(hazardrules, name) is not None
    with pytest.raises(AttributeError):
        hazardrules.no_such_name  # noqa: B018


def test_check_does_not_import_the_ledger_or_columnar(tmp_path):
    from pathlib import Path

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "coal-mine" / "clean-underground-low-gas.yaml"
    modules = _modules_after("from hazardrules.cli import main\n"
                             f"try:\n    main(['check', '--exit-zero', {str(fixture)!r}])\nexcept SystemExit:\n    pass")
    assert "hazardrules.cli.check" in modules
    assert not [m for m in modules if m.split(".")[0] in ("sqlalchemy", "polars", "duckdb", "pyarrow")]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_registry_entry_imports_with_its_name_and_help(name):
    command = load_command(name)
    assert isinstance(command, click.Command)
    assert command.name == name
    first_line = (command.help or "").strip().splitlines()[0]
    assert COMMANDS[name][1] == first_line, "the registry's short help must equal the docstring's first line"


def test_help_lists_every_command_and_unknown_command_is_usage_error(runner):
    r = runner.invoke(main, ["--help"])
    assert r.exit_code == 0
    listed = [line.split()[0] for line in r.output.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)
    r = runner.invoke(main, ["no-such-command"])
    assert r.exit_code == 2 and "No such command" in r.output
