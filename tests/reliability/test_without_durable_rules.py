"""Issue 11 item 15: without durable_rules (no C compiler to build it) supervision still works, on
the compiled reasoner, and says so; asking for durable explicitly is a clear error.

Regression: the CI install without a compiler found ``check`` crashing with ModuleNotFoundError
(durable_host imported ``durable`` lazily, outside the fallback's ``try``).
"""

from __future__ import annotations

import builtins

import pytest

from hazardrules import HazardRulesError
from hazardrules.cli import main


@pytest.fixture
def no_durable(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "durable" or name.startswith("durable."):
            raise ModuleNotFoundError("No module named 'durable'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    from hazardrules.supervision import context, durable_host

    monkeypatch.setattr(durable_host, "_HOSTS", {})
    monkeypatch.setattr(context, "_ROUTERS", {})


def test_check_with_a_hazard_works_on_the_compiled_reasoner(runner, no_durable):
    result = runner.invoke(main, ["check", "fixtures/coal-mine/several-hazards.yaml"])
    assert result.exit_code == 1, result.output
    assert "管控等级" in result.stdout


def test_auto_falls_back_and_durable_is_a_clear_error(no_durable):
    from hazardrules.supervision.policy import load_policies
    from hazardrules.supervision.reasoner import make_reasoner

    policy = next(iter(load_policies().values()))
    fallback = make_reasoner(policy, "auto")
    assert fallback.name == "compiled" and "durable_rules unavailable" in fallback.note
    with pytest.raises(HazardRulesError):
        make_reasoner(policy, "durable")
