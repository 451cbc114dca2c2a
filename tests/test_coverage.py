"""``quyche coverage`` (contract §10): rules and articles fired by scenarios, JSON, --min-rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from quyche.cli import main
from quyche.coverage import bundled_scenarios_dir, coverage, format_text, run_scenarios
from quyche.regulation import Regulation
from quyche.scenarios import load_paths, run_one

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "scenarios"

ONE = """\
scenarios:
  - name: Năm 2024 UBND tỉnh chủ trì hội nghị đánh giá Quy chế
    event: {type: annual_review, year: 2024}
    expect: {lead: ubnd}
  - name: Năm 2024 vẫn là UBND tỉnh (một kịch bản sai để kiểm tra cách đếm)
    event: {type: annual_review, year: 2024}
    expect: {lead: tt_hdnd}
  - name: Sự kiện không hợp lệ không làm quy định nào được áp dụng
    event: {type: annual_review}
    expect: {error: invalid_event}
"""


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_counts_are_the_rules_in_the_traces_of_the_scenarios(python_reg: Regulation) -> None:
    # The oracle: run every scenario, collect the rules in its decision's trace, count by hand.
    loaded, errors = load_paths(python_reg, [SCENARIOS])
    assert not errors
    expected: dict[str, int] = {r.id: 0 for r in python_reg.compiled.checked.rules}
    for sc in loaded:
        for rule in set(run_one(python_reg, sc).rules):
            expected[rule] += 1
    runs, errors = run_scenarios(python_reg, [SCENARIOS])
    cov = coverage(python_reg, runs)
    assert not errors and cov.scenarios == len(loaded)
    assert {r.rule: r.scenarios for r in cov.rules} == expected
    assert cov.fired_rules == sum(1 for n in expected.values() if n)
    assert cov.total_rules == len(python_reg.compiled.checked.rules)
    for art in cov.articles:
        rules = [r for r in python_reg.compiled.checked.rules if r.article == art.article]
        assert art.rules == len(rules)
        firing = [
            sc
            for sc in loaded
            if any(python_reg.compiled.checked.by_id[f].article == art.article for f in run_one(python_reg, sc).rules)
        ]
        assert art.scenarios == len(firing), art.article


def test_tests_scenarios_fire_every_rule_and_cover_every_content_article(python_reg: Regulation) -> None:
    runs, _ = run_scenarios(python_reg, [SCENARIOS])
    cov = coverage(python_reg, runs)
    assert cov.unfired == [], [r.rule for r in cov.unfired]
    assert cov.uncovered_articles == []
    assert cov.failed == 0
    content = {a.article for a in cov.articles if a.content}
    assert content == {r.article for r in python_reg.compiled.checked.rules}


def test_one_file_report_names_unfired_rules_and_uncovered_articles(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text(ONE, encoding="utf-8")
    code, out, _ = invoke("coverage", str(tmp_path), "--engine", "python")
    assert code == 0, out
    assert "2 failing" not in out and "(1 failing: run quyche check)" in out
    # the two valid scenarios fire the 2024 host, the meeting, and the office and mode rules
    assert re.search(r"^  dieu_19\.host\s+2$", out, re.M)
    assert re.search(r"^  dieu_19\.year_unscheduled\s+0$", out, re.M)
    assert "  dieu_08.forward (Điều 8 khoản 3)" in out
    assert "content articles with no scenario (" in out and "  Điều 8. " in out
    assert "  Điều 19. " not in out.split("content articles with no scenario")[1]
    assert out.rstrip().splitlines()[-1].startswith("rules fired by scenarios: ")


def test_json_format(tmp_path: Path, python_reg: Regulation) -> None:
    (tmp_path / "one.yaml").write_text(ONE, encoding="utf-8")
    code, out, _ = invoke("coverage", str(tmp_path / "one.yaml"), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["scenarios"] == 3 and data["failed"] == 1 and data["files"] == 1
    assert data["rules_total"] == len(python_reg.compiled.checked.rules)
    by_rule = {r["rule"]: r["scenarios"] for r in data["by_rule"]}
    assert by_rule["dieu_19.host"] == 2 and by_rule["dieu_19.year_unscheduled"] == 0
    assert data["rules_fired"] == sum(1 for n in by_rule.values() if n)
    assert "dieu_19.year_unscheduled" in data["unfired_rules"]
    assert (
        8 in data["uncovered_articles"] and 19 not in data["uncovered_articles"] and 1 not in data["uncovered_articles"]
    )
    art19 = next(a for a in data["articles"] if a["article"] == 19)
    assert art19["content"] and art19["scenarios"] == 2 and art19["rules_fired"] == 2


def test_min_rules_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text(ONE, encoding="utf-8")
    code, out, err = invoke("coverage", str(tmp_path), "--min-rules", "50")
    assert code == 1
    assert re.fullmatch(r"error: \d+\.\d% of the rules fire in the scenarios, below the minimum 50%\n", err)
    assert "rules fired by scenarios:" in out  # the report is still printed
    code, _, _ = invoke("coverage", str(tmp_path), "--min-rules", "1")
    assert code == 0
    code, _, _ = invoke("coverage", str(SCENARIOS), "--min-rules", "100")
    assert code == 0


def test_closing_line_of_the_repository_scenarios() -> None:
    code, out, _ = invoke("coverage", str(SCENARIOS))
    assert code == 0
    last = out.rstrip().splitlines()[-1]
    m = re.fullmatch(r"rules fired by scenarios: (\d+) of (\d+) \(100\.0%\)", last)
    assert m and m.group(1) == m.group(2)


def test_invalid_scenario_file_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "scenarios:\n  - name: x\n    event: {type: annual_review, year: 2024}\n    expect: {leed: ubnd}\n"
    )
    code, out, err = invoke("coverage", str(tmp_path))
    assert code == 2 and out == ""
    assert "bad.yaml:4" in err and "did you mean 'lead'" in err and "Traceback" not in err


def test_min_rules_out_of_range_is_a_usage_error() -> None:
    code, _, err = invoke("coverage", str(SCENARIOS), "--min-rules", "150")
    assert code == 2 and "150" in err


def test_default_is_the_bundled_scenarios() -> None:
    assert bundled_scenarios_dir() == SCENARIOS  # in a checkout; the wheel ships them as bundled_scenarios
    code, out, _ = invoke("coverage")
    assert code == 0 and out.rstrip().endswith("(100.0%)")


def test_no_scenarios_fire_no_rule(python_reg: Regulation) -> None:
    cov = coverage(python_reg, [])
    assert cov.scenarios == 0 and cov.fired_rules == 0 and cov.percent == 0.0
    assert len(cov.unfired) == cov.total_rules
    assert format_text(cov).endswith(f"rules fired by scenarios: 0 of {cov.total_rules} (0.0%)\n")
