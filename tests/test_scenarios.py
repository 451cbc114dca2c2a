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
    report = format_failure(bad)
    assert report.startswith(f"FAIL {path}:5: Năm 2024 Thường trực HĐND tỉnh chủ trì (sai) — ")
    assert "lead: expected tt_hdnd, got ubnd" in report
    assert "coordinating: expected [btt_ubmttq, doan_dbqh, ubnd], got [btt_ubmttq, doan_dbqh, tt_hdnd]" in report
    assert "missing [ubnd]; unexpected [tt_hdnd]" in report
    assert "warnings: expected [outside_validity], got []" in report
    assert "cites: expected articles [5]" in report
    assert "[rules fired: " in report and "dieu_19.host (row 3)" in report
    assert "\n" not in report


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
    assert lines[0].startswith(f"FAIL {bad}:2: Năm 2024 UBND tỉnh chủ trì — lead: expected tt_hdnd, got ubnd")
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
