"""Scenario files: the suite on both engines, the checks made when a file is read, and `quyche check`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from quyche.cli import main
from quyche.errors import ScenarioFileError
from quyche.events import EVENT_TYPES
from quyche.regulation import Regulation
from quyche.scenarios import format_failure, load_file, load_paths, run_one, run_paths

SUITE = Path(__file__).parent / "scenarios"
MINE = [SUITE / "dieu_19.yaml", SUITE / "dieu_20.yaml", SUITE / "dieu_23.yaml"]


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_suite_passes(reg: Regulation) -> None:
    results = run_paths(reg, [SUITE])
    failed = [format_failure(r) for r in results if not r.passed]
    assert not failed, "\n".join(failed)


def test_chapter_vi_scenarios_cover_their_events(python_reg: Regulation) -> None:
    loaded, errors = load_paths(python_reg, MINE)
    assert not errors
    per_type = Counter(str(sc.scenario.event.get("type")) for sc in loaded)
    assert per_type["annual_review"] >= 4 and per_type["amendment_proposed"] >= 4
    rejected = [sc for sc in loaded if sc.scenario.expect.error == "invalid_event"]
    assert len(rejected) >= 6
    years = {sc.scenario.event.get("year") for sc in loaded if sc.scenario.event.get("type") == "annual_review"}
    assert set(range(2021, 2027)) <= years
    proposers = {sc.scenario.event.get("proposed_by") for sc in loaded if sc.scenario.expect.error is None}
    assert {"doan_dbqh", "tt_hdnd", "ubnd", "btt_ubmttq"} <= proposers


def test_every_scenario_names_a_known_event_type(python_reg: Regulation) -> None:
    loaded, errors = load_paths(python_reg, [SUITE])
    assert not errors, errors
    for sc in loaded:
        if sc.scenario.expect.error is None:
            assert sc.scenario.event["type"] in EVENT_TYPES


@pytest.mark.parametrize("as_of", ["2024-06-01", '"2024-06-01"', "'2024-06-01'"])
def test_dates_quoted_or_not(tmp_path: Path, python_reg: Regulation, as_of: str) -> None:
    path = _write(
        tmp_path,
        f"""scenarios:
  - name: Năm 2024 UBND tỉnh chủ trì
    as_of: {as_of}
    event: {{type: annual_review, year: 2024}}
    expect:
      lead: ubnd
      duties_includes: [{{party: ubnd, due: {as_of}}}]
""",
    )
    (sc,) = load_file(path, python_reg)
    assert sc.scenario.as_of is not None and sc.scenario.as_of.isoformat() == "2024-06-01"
    assert sc.scenario.expect.duties_includes is not None
    assert sc.scenario.expect.duties_includes[0].due == sc.scenario.as_of


def test_failure_report_names_file_line_sentence_diff_and_rules(tmp_path: Path, reg: Regulation) -> None:
    path = _write(
        tmp_path,
        """scenarios:
  - name: Năm 2024 UBND tỉnh chủ trì hội nghị đánh giá Quy chế
    event: {type: annual_review, year: 2024}
    expect: {lead: ubnd}
  - name: Năm 2024 Thường trực HĐND tỉnh chủ trì (sai)
    event: {type: annual_review, year: 2024}
    expect:
      lead: tt_hdnd
      coordinating: [ubnd, doan_dbqh, btt_ubmttq]
      warnings: [outside_validity]
      cites: [5]
""",
    )
    ok, bad = (run_one(reg, sc) for sc in load_file(path, reg))
    assert ok.passed and not bad.passed
    lines = format_failure(bad).splitlines()
    assert lines[0] == f"FAIL {path}:5: Năm 2024 Thường trực HĐND tỉnh chủ trì (sai)"
    assert lines[1] == "  lead: expected tt_hdnd, got ubnd"
    assert lines[2] == (
        "  coordinating: expected [btt_ubmttq, doan_dbqh, ubnd], got [btt_ubmttq, doan_dbqh, tt_hdnd]"
        " (missing [ubnd]; unexpected [tt_hdnd])"
    )
    assert lines[3] == "  warnings: expected [outside_validity], got [] (missing [outside_validity])"
    assert lines[4].startswith("  cites: expected articles [5]")
    assert lines[5].startswith("  rules fired: dieu_19.host (row 3), ") and len(lines) == 6


def test_invalid_event_expectations(tmp_path: Path, python_reg: Regulation) -> None:
    path = _write(
        tmp_path,
        """scenarios:
  - name: Sự kiện hợp lệ nhưng được cho là bị từ chối
    event: {type: annual_review, year: 2024}
    expect: {error: invalid_event}
""",
    )
    (sc,) = load_file(path, python_reg)
    result = run_one(python_reg, sc)
    assert result.failures == ["error: expected the event to be rejected (invalid_event), but it was accepted"]


def test_missing_path_is_a_file_error(python_reg: Regulation, tmp_path: Path) -> None:
    with pytest.raises(ScenarioFileError, match="no such file or folder"):
        run_paths(python_reg, [tmp_path / "nothing.yaml"])


def test_check_command_exit_codes(tmp_path: Path) -> None:
    good = _write(
        tmp_path,
        "scenarios:\n  - name: Năm 2024 UBND tỉnh chủ trì\n    event: {type: annual_review, year: 2024}\n"
        "    expect: {lead: ubnd}\n",
        "good.yaml",
    )
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--engine", "python", str(good)])
    assert result.exit_code == 0 and result.stdout == "1 passed, 0 failed\n"
    bad = _write(tmp_path, good.read_text(encoding="utf-8").replace("lead: ubnd", "lead: tt_hdnd"), "bad.yaml")
    result = runner.invoke(main, ["check", "--engine", "python", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"FAIL {bad}:2: Năm 2024 UBND tỉnh chủ trì"
    assert lines[1] == "  lead: expected tt_hdnd, got ubnd"
    assert lines[-1] == "1 passed, 1 failed"
    _write(tmp_path, "scenarios: [", "broken.yaml")
    result = runner.invoke(main, ["check", "--engine", "python", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'broken.yaml'}:")
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("engine", ["python", "durable"])
def test_check_command_runs_the_suite(engine: str) -> None:
    result = CliRunner().invoke(main, ["check", "--engine", engine, str(SUITE)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].endswith(" passed, 0 failed")


def test_check_of_a_folder_without_scenario_files_is_an_error(tmp_path: Path) -> None:
    """Issue 14 item 10: a mistyped path must not pass CI with "0 passed, 0 failed"."""
    empty = tmp_path / "scenarois"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a scenario", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--engine", "python", str(empty)])
    assert result.exit_code == 2
    assert result.stderr == f"error: no scenario files under {empty}\n"
    assert "passed" not in result.stdout


COMPLAINT = """scenarios:
  - name: Ban Thường trực UBMTTQ tỉnh nhận khiếu nại thuộc thẩm quyền UBND tỉnh
    event: {type: petition_received, received_by: btt_ubmttq, kind: complaint, competent_body: ubnd,
            date: 2024-03-04}
    expect:
      lead: ubnd
      duties_includes:
        - {party: ubnd, duty: settle_complaint, due: 2024-04-05}
        - {party: btt_ubmttq, duty: answer_citizen, deadline_days: 5}
"""


def test_a_failing_scenario_is_a_short_block_for_people(tmp_path: Path, python_reg: Regulation) -> None:
    """Issue 14 item 11: expected, what the decision has (each duty once, "not computable" for a due
    date that cannot be computed), the rules fired; no Python-isms."""
    (sc,) = load_file(_write(tmp_path, COMPLAINT), python_reg)
    report = format_failure(run_one(python_reg, sc))
    lines = report.splitlines()
    assert lines[0].startswith("FAIL ")
    assert lines[0].endswith(": Ban Thường trực UBMTTQ tỉnh nhận khiếu nại thuộc thẩm quyền UBND tỉnh")
    assert lines[1] == "  lead: expected ubnd, got btt_ubmttq" or lines[1].startswith("  duties_includes: ")
    failures = [line for line in lines if line.startswith("  duties_includes: ")]
    assert failures == [
        "  duties_includes: expected a duty {party: ubnd, duty: settle_complaint, due: 2024-04-05}; "
        "no duty of the decision matches",
        "  duties_includes: expected a duty {party: btt_ubmttq, duty: answer_citizen, deadline_days: 5}; "
        "no duty of the decision matches",
    ]
    start = lines.index("  the decision's duties:")
    duties = [line for line in lines[start + 1 :] if line.startswith("    - ")]
    assert len(duties) == len(set(duties)) >= 4  # each duty once, however many patterns failed
    assert "    - btt_ubmttq: answer_citizen, mode notify, 10 working days within date, due: 2024-03-18" in duties
    assert (
        "    - ubnd: settle_complaint, 30 days within acceptance_date, due: not computable (chưa tính được)"
    ) in duties
    assert lines[-1].startswith("  rules fired: dieu_08.")
    assert "None" not in report and "['" not in report  # no Python-isms
    assert max(len(line) for line in lines[1:-1]) < 130


def test_every_problem_of_a_file_is_listed(tmp_path: Path, python_reg: Regulation) -> None:
    """Issue 14 item 12: no "(and 1 more problem)"; each problem with its own line."""
    path = _write(
        tmp_path,
        """scenarios:
  - name: Một
    event: {type: annual_review, year: 2024}
    expect:
      lead: mttq
      coordinating: [ubnd, vp_ubnt]
      leed: ubnd
  - name: Hai
    event: {type: petition_received, received_by: ubnd, kind: complaint, competent_body: ubnd, complex: no, round: 3}
    expect: {lead: ubnd}
""",
    )
    with pytest.raises(ScenarioFileError) as info:
        load_file(path, python_reg)
    problems = [(p.line, p.field, p.detail) for p in info.value.problems]
    assert [(line, field) for line, field, _ in problems] == [
        (5, "scenarios.0.expect.lead"),
        (6, "scenarios.0.expect.coordinating.1"),
        (7, "scenarios.0.expect.leed"),
        (9, "scenarios.1.event.round"),  # the events are checked too, though the file's shape is wrong
        (9, "scenarios.1.event.complex"),
    ]
    assert "unknown body 'mttq' (did you mean 'btt_ubmttq'?)" in problems[0][2]
    assert "unknown body 'vp_ubnt' (did you mean 'vp_ubnd'?)" in problems[1][2]
    assert problems[3][2].startswith("scenarios.1.event.round: 3 is not accepted; accepted: 1, 2")
    assert problems[4][2].startswith("scenarios.1.event.complex: write true or false, not 'no'")
    assert "more problem" not in str(info.value)
    result = CliRunner().invoke(main, ["check", "--engine", "python", str(path)])
    assert result.exit_code == 2 and [x[:7] for x in result.stderr.splitlines()] == ["error: "] * 5


def test_a_misspelt_key_is_not_also_reported_missing(tmp_path: Path, python_reg: Regulation) -> None:
    path = _write(tmp_path, "scenarios:\n  - nam: Một\n    event: {type: annual_review, yer: 2024}\n    expect: {}\n")
    with pytest.raises(ScenarioFileError) as info:
        load_file(path, python_reg)
    assert [p.field for p in info.value.problems] == ["scenarios.0.nam", "scenarios.0.event.yer"]
    assert "unknown key 'nam' (did you mean 'name'?)" in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scenarios:\n\t- name: x\n", "YAML does not allow tabs for indentation; use spaces"),
        (
            "scenarios:\n  - name: x\n    event: {type: draft_consultation, document: ubnd_decision,"
            " social_criticism: yes}\n    expect: {}\n",
            "social_criticism: write true or false, not 'yes'",
        ),
        ("scenarios:\n  - name: x\n    as_of: 1/6/2024\n    event: {}\n    expect: {}\n", "write an ISO date"),
        (
            "scenarios:\n  - name: 5\n    event: {type: annual_review, year: 2024}\n    expect: {}\n",
            "expected text, got 5",
        ),
    ],
)
def test_yaml_traps_are_named_in_plain_words(tmp_path: Path, python_reg: Regulation, text: str, message: str) -> None:
    with pytest.raises(ScenarioFileError) as info:
        load_file(_write(tmp_path, text), python_reg)
    assert message in str(info.value)
    for pydantic_wording in ("Value error", "Input should", "validation error", "pydantic"):
        assert pydantic_wording not in str(info.value)
