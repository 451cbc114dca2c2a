"""The pytest plugin, run in a fresh pytest with ``pytester``: passing, failing and broken scenario files."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

GOOD = """\
scenarios:
  - name: Năm 2024 UBND tỉnh chủ trì hội nghị đánh giá Quy chế
    event: {type: annual_review, year: 2024}
    expect: {lead: ubnd, warnings: []}
  - name: Năm 2025 Ban Thường trực UBMTTQ tỉnh chủ trì
    event: {type: annual_review, year: 2025}
    expect: {lead: btt_ubmttq}
"""

WRONG = """\
scenarios:
  - name: Năm 2024 Thường trực HĐND tỉnh chủ trì hội nghị đánh giá Quy chế
    event: {type: annual_review, year: 2024}
    expect:
      lead: tt_hdnd
"""

BROKEN = """\
scenarios:
  - name: Năm 2024 UBND tỉnh chủ trì
    event: {type: annual_review, year: 2024}
    expect:
      leed: ubnd
"""


@pytest.fixture(params=["python", "durable"])
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _scenarios(pytester: pytest.Pytester, **files: str) -> None:
    folder = pytester.mkdir("scenarios")
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_passing_file(pytester: pytest.Pytester, engine: str) -> None:
    _scenarios(pytester, dieu_19=GOOD)
    result = pytester.runpytest_inprocess("-v", f"--quyche-engine={engine}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*scenarios/dieu_19.yaml::Năm 2024 UBND tỉnh chủ trì hội nghị đánh giá Quy chế PASSED*",
            "*scenarios/dieu_19.yaml::Năm 2025 Ban Thường trực UBMTTQ tỉnh chủ trì PASSED*",
        ]
    )


def test_failing_file_shows_the_report(pytester: pytest.Pytester, engine: str) -> None:
    _scenarios(pytester, dieu_19=WRONG)
    result = pytester.runpytest_inprocess(f"--quyche-engine={engine}", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "FAIL *scenarios/dieu_19.yaml:2: Năm 2024 Thường trực HĐND tỉnh chủ trì hội nghị đánh giá Quy chế",
            "  lead: expected tt_hdnd, got ubnd",
            "  rules fired: dieu_19.host (row 3), *",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_broken_file_is_one_failing_item(pytester: pytest.Pytester) -> None:
    _scenarios(pytester, dieu_19=GOOD, dieu_20=BROKEN)
    result = pytester.runpytest_inprocess("--quyche-engine=python", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*error: *scenarios/dieu_20.yaml:5: scenarios.0.expect.leed: unknown key 'leed' (did you mean 'lead'?)*"]
    )
    assert "Traceback" not in result.stdout.str()


def test_select_scenarios_by_their_words(pytester: pytest.Pytester) -> None:
    _scenarios(pytester, dieu_19=GOOD)
    result = pytester.runpytest_inprocess("--quyche-engine=python", "-p", "no:cacheprovider", "-k", "2025")
    result.assert_outcomes(passed=1, deselected=1)


def test_yaml_outside_a_scenarios_folder_is_not_collected(pytester: pytest.Pytester) -> None:
    (pytester.path / "config.yaml").write_text("not: a scenario\n", encoding="utf-8")
    result = pytester.runpytest_inprocess("--quyche-engine=python", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_file_named_on_the_command_line_is_collected_wherever_it_is(pytester: pytest.Pytester) -> None:
    """Issue 14 item 9: ``pytest path/to/file.yaml`` runs it even outside a folder named scenarios."""
    checks = pytester.mkdir("checks")
    (checks / "my_cases.yaml").write_text(GOOD, encoding="utf-8")
    (checks / "other.yaml").write_text(BROKEN, encoding="utf-8")
    result = pytester.runpytest_inprocess(str(checks / "my_cases.yaml"), "-v", "--quyche-engine=python")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*checks/my_cases.yaml::Năm 2024 UBND tỉnh chủ trì hội nghị đánh giá Quy chế PASSED*"])
    # a YAML file outside a scenarios folder and not named is not collected (it may be anything)
    result = pytester.runpytest_inprocess(str(checks), "--quyche-engine=python")
    result.assert_outcomes()


def test_a_broken_file_lists_every_problem(pytester: pytest.Pytester) -> None:
    _scenarios(pytester, dieu_19=BROKEN + "      coordinating: [mttq]\n")
    result = pytester.runpytest_inprocess("--quyche-engine=python")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "error: *scenarios/dieu_19.yaml:5: scenarios.0.expect.leed: unknown key 'leed' (did you mean 'lead'?)*",
            "error: *scenarios/dieu_19.yaml:6: scenarios.0.expect.coordinating.0: unknown body 'mttq'"
            " (did you mean 'btt_ubmttq'?)*",
        ]
    )
    assert "more problem" not in result.stdout.str()
