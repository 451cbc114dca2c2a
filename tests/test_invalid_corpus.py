"""The corpus of broken files (tests/invalid/): each must produce its message, with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import quyche
from quyche.cli import main
from quyche.errors import RuleFileError, ScenarioFileError
from quyche.regulation import Regulation, bundled_rules_dir
from quyche.rules import yamlsafe
from quyche.scenarios import load_file

CORPUS = Path(__file__).parent / "invalid"
RULE_CASES = sorted(p for p in (CORPUS / "rule_files").iterdir() if p.is_dir())
SCENARIO_CASES = sorted(p for p in (CORPUS / "scenario_files").iterdir() if p.is_dir())
AMENDMENT_CASES = sorted(p for p in (CORPUS / "amendment_files").iterdir() if p.is_dir())


def _expect(case: Path) -> dict[str, Any]:
    data = yamlsafe.parse_file(case / "expect.yaml").data
    assert isinstance(data, dict)
    return data


def _rules_with(case: Path, tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules)
    for f in case.glob("*.yaml"):
        if f.name != "expect.yaml":
            shutil.copy(f, rules / f.name)
    return rules


def _check(err: RuleFileError, exp: dict[str, Any]) -> None:
    assert err.path is not None and Path(err.path).name == exp["file"], str(err)
    assert err.line == exp["line"], str(err)
    if "field" in exp:
        assert err.field == exp["field"], str(err)
        assert f"{exp['field']}: " in str(err), str(err)
    assert exp["message"] in str(err), str(err)
    assert f"{Path(err.path).name}:{exp['line']}: " in str(err)


def _maybe_xfail(exp: dict[str, Any]) -> None:
    if "xfail" in exp:
        pytest.xfail(exp["xfail"])


def test_corpus_is_complete() -> None:
    rule_cases = {p.name for p in RULE_CASES}
    assert {
        "unknown_key",
        "misspelt_event_type",
        "misspelt_condition_field",
        "wrong_enumeration_value",
        "wrong_value_type",
        "duplicate_key",
        "yaml_alias",
        "python_tag",
        "leading_zero",
        "bad_date",
        "missing_required_key",
        "law_without_basis",
        "article_file_mismatch",
        "conflicting_leads",
        "unknown_body",
        # the constructs of format @2
        "comparison_with_unknown_field",
        "table_missing_row",
        "table_duplicate_row",
        "exception_to_unknown_rule",
        "exception_that_cannot_override",
        "citation_of_missing_clause",
    } <= rule_cases
    assert {"unknown_expect_key", "bad_event", "unknown_party", "yaml_syntax_error"} <= {
        p.name for p in SCENARIO_CASES
    }
    for case in RULE_CASES + SCENARIO_CASES:
        assert (case / "expect.yaml").is_file(), case


@pytest.mark.parametrize("case", RULE_CASES, ids=[p.name for p in RULE_CASES])
def test_broken_rule_file(case: Path, tmp_path: Path) -> None:
    exp = _expect(case)
    rules = _rules_with(case, tmp_path)
    with pytest.raises(RuleFileError) as info:
        quyche.load(rules, engine="python")
    try:
        _check(info.value, exp)
    except AssertionError:
        _maybe_xfail(exp)
        raise
    assert "xfail" not in exp, "the known gap is fixed: remove the xfail line from expect.yaml"


@pytest.mark.parametrize("case", RULE_CASES[:3], ids=[p.name for p in RULE_CASES[:3]])
def test_validate_command_reports_one_line(case: Path, tmp_path: Path) -> None:
    rules = _rules_with(case, tmp_path)
    result = CliRunner().invoke(main, ["validate", str(rules)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("case", SCENARIO_CASES, ids=[p.name for p in SCENARIO_CASES])
def test_broken_scenario_file(case: Path, python_reg: Regulation) -> None:
    exp = _expect(case)
    with pytest.raises(ScenarioFileError) as info:
        load_file(case / "scenario.yaml", python_reg)
    _check(info.value, exp)


@pytest.mark.parametrize("case", SCENARIO_CASES, ids=[p.name for p in SCENARIO_CASES])
def test_check_command_reports_one_line(case: Path) -> None:
    exp = _expect(case)
    result = CliRunner().invoke(main, ["check", "--engine", "python", str(case / "scenario.yaml")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {case / 'scenario.yaml'}:{exp['line']}: ")
    assert exp["message"] in lines[0]
    assert "Traceback" not in result.output + result.stderr
    assert "passed" not in result.stdout


def test_check_reports_every_broken_file(tmp_path: Path) -> None:
    for case in SCENARIO_CASES[:3]:
        shutil.copy(case / "scenario.yaml", tmp_path / f"{case.name}.yaml")
    result = CliRunner().invoke(main, ["check", "--engine", "python", str(tmp_path)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 3


def test_amendment_corpus_is_complete() -> None:
    assert {
        "unknown_rule",
        "missing_article",
        "missing_clause",
        "added_rule_conflicts",
        "effective_outside_validity",
        "unknown_change",
        "unknown_key",
        "yaml_alias",
    } <= {p.name for p in AMENDMENT_CASES}
    for case in AMENDMENT_CASES:
        assert (case / "expect.yaml").is_file(), case


@pytest.mark.parametrize("case", AMENDMENT_CASES, ids=[p.name for p in AMENDMENT_CASES])
def test_broken_amendment_file(case: Path, python_reg: Regulation) -> None:
    exp = _expect(case)
    with pytest.raises(RuleFileError) as info:
        python_reg.amend(case / "amendment.yaml")
    _check(info.value, exp)


@pytest.mark.parametrize("case", AMENDMENT_CASES, ids=[p.name for p in AMENDMENT_CASES])
def test_diff_command_reports_a_broken_amendment_in_one_line(case: Path) -> None:
    exp = _expect(case)
    result = CliRunner().invoke(main, ["diff", "--amendment", str(case / "amendment.yaml"), "--events", "all"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {case / 'amendment.yaml'}:{exp['line']}: "), lines[0]
    assert exp["message"] in lines[0]
    assert "Traceback" not in result.output + result.stderr
    assert "events compared" not in result.stdout
