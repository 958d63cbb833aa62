"""Policy files: the shipped ones load and their examples pass; bad ones fail with file:line:col."""

from pathlib import Path

import pytest

from hazardrules.errors import HazardRulesError
from hazardrules.supervision.examples import run_policy_examples
from hazardrules.supervision.policy import compile_policies, load_policies, load_policy_files, select_policy

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "rulesets" / "policies"


@pytest.fixture(scope="module")
def policies():
    return load_policies(ROOT / "rulesets")


def test_shipped_policies_and_defaults(policies):
    assert set(policies) == {"national", "inner-mongolia", "hubei", "qingdao"}
    im = policies["inner-mongolia"]
    assert im.chain == ("inner-mongolia", "national") and "nat.list.county" in im.adopted and not im.offered
    assert policies["national"].baseline and not im.baseline
    assert im.levels["city"]["label"] == "盟市级挂牌督办"
    # the IM override replaced the national floor rule in place (same id, tier red)
    floor = [r for r in im.rules if r.id == "nat.tier.major-floor"]
    assert len(floor) == 1 and floor[0].effect == {"tier": "red"}
    # the baseline only offers its assumed rules: as a jurisdiction it applies none of them
    assert "nat.tier.major-floor" in policies["national"].offered
    assert all(not r.assumption for r in policies["national"].rules)


def test_every_rule_says_whether_it_is_an_assumption(policies):
    for p in policies.values():
        for r in p.rules:
            assert isinstance(r.assumption, bool)
            assert r.assumption or r.basis, f"{r.id}: a sourced rule must name its basis"


@pytest.mark.parametrize("pid", ["national", "inner-mongolia", "hubei", "qingdao"])
def test_shipped_examples_pass_under_both_reasoners(policies, pid):
    results = run_policy_examples(policies[pid])
    assert results and {r.reasoner for r in results} == {"compiled", "durable"}
    failed = [(r.name, r.reasoner, r.problems) for r in results if not r.ok]
    assert failed == []


def test_selection_by_region(policies):
    assert select_policy(policies, "150602").id == "inner-mongolia"
    assert select_policy(policies, "530102").id == "national"
    assert select_policy(policies, None).id == "national"  # no default jurisdiction unless the user sets one
    assert select_policy(policies, None, default="inner-mongolia").id == "inner-mongolia"
    with pytest.raises(HazardRulesError, match="没有编号为 nope"):
        select_policy(policies, None, "nope")


def _write(tmp_path, text, name="p.yaml"):
    (tmp_path / "national.yaml").write_text(SHIPPED.joinpath("national.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return compile_policies(load_policy_files(sorted(tmp_path.glob("*.yaml"))))


CHILD = """policy: child
title: 测试
version: "1"
extends: national
jurisdiction: {region_prefix: "15", name: 内蒙古}
"""


def test_child_inherits_everything(tmp_path):
    ps = _write(tmp_path, CHILD)
    assert len(ps["child"].rules) == len(ps["national"].rules)
    assert ps["child"].digest != ps["national"].digest


@pytest.mark.parametrize("extra, says", [
    ("listing:\n  - {id: x.1, title: t, when: potential_deaths >= \"3\", level: city, assumption: true}\n", "p.yaml:7:"),
    ("listing:\n  - {id: x.1, title: t, when: potential_death >= 3, level: city, assumption: true}\n", "potential_death"),
    ("listing:\n  - {id: x.1, title: t, when: hazard_class == \"major\", level: town, assumption: true}\n", "p.yaml:7"),
    ("targets:\n  - {id: x.1, title: t, when: sector == \"fire\", department: police, assumption: true}\n", "未声明的部门 police"),
    ("listing:\n  - {id: x.1, title: t, when: hazard_class == \"major\", assumption: true}\n", "需要 level"),
    ("drop: [no.such.rule]\n", "drop"),
    ("listing:\n  - {id: x.1, title: t, when: hazard_class == \"major\", level: city}\n", "assumption"),
])
def test_bad_policies_fail_with_position(tmp_path, extra, says):
    with pytest.raises(HazardRulesError) as exc:
        _write(tmp_path, CHILD + extra)
    assert says in str(exc.value)


def test_unknown_extends_and_cycle(tmp_path):
    with pytest.raises(HazardRulesError, match="extends"):
        _write(tmp_path, CHILD.replace("extends: national", "extends: nowhere"))
    with pytest.raises(HazardRulesError, match="cycle|循环"):
        _write(tmp_path, CHILD.replace("extends: national", "extends: child"))


def test_validate_command_reports_policy_errors(tmp_path):
    """GIVEN a policy folder with a type error WHEN hazardrules validate THEN exit 2 with file:line:col."""
    from click.testing import CliRunner

    from hazardrules.cli import main

    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "national.yaml").write_text(SHIPPED.joinpath("national.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "child.yaml").write_text(CHILD + "listing:\n  - {id: x.1, title: t, when: potential_deaths >= \"3\", "
                                       "level: city, assumption: true}\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert res.exit_code == 2 and "child.yaml:7:" in res.output


def test_inexpressible_condition_falls_back_to_compiled(tmp_path):
    """GIVEN a rule durable_rules cannot express WHEN auto THEN compiled conditions answer; durable is refused."""
    from hazardrules.supervision.reasoner import make_reasoner

    ps = _write(tmp_path, CHILD + "listing:\n  - {id: x.1, title: t, when: potential_deaths + 1 > days_overdue * 2, "
                                  "level: city, assumption: true}\n")
    auto = make_reasoner(ps["child"], "auto")
    assert auto.name == "compiled" and "cannot express" in auto.note and "p.yaml:7" in auto.note
    with pytest.raises(HazardRulesError, match="durable_rules"):
        make_reasoner(ps["child"], "durable")
    assert make_reasoner(ps["national"], "auto").name == "durable"
