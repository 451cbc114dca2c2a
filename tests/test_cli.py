"""The command line (contract §6): exit codes 0 / 1 / 2, one ``error: …`` line, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quyche.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "annual_review_2024.yaml"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quyche", *args], input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


def test_evaluate_prints_the_decision_as_json() -> None:
    result = run("evaluate", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lead"] == "ubnd" and data["event_id"] == "DG-2024"


def test_evaluate_reads_stdin_json_and_as_of() -> None:
    result = run("evaluate", "-", "--as-of", "2026-01-01", stdin='{"type": "annual_review", "year": 2023}')
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lead"] == "tt_hdnd"
    assert [w["code"] for w in data["warnings"]] == ["outside_validity"]


@pytest.mark.parametrize(
    ("stdin", "needle"),
    [
        ('{"type": "annual_review", "year": "x"}', "year"),
        ('{"type": "annual_reviw", "year": 2024}', "did you mean 'annual_review'"),
        ("type: annual_review\nyear: 2024\ncolour: red\n", "colour"),
        ("[1, 2", "cannot read the event"),
        ("a: !!python/object/apply:os.system ['echo hacked']\n", "tag"),
        ("", "expected a mapping"),
    ],
)
def test_invalid_event_is_one_error_line_exit_2(stdin: str, needle: str) -> None:
    result = run("evaluate", "-", stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0]
    assert "Traceback" not in result.stderr and "hacked" not in result.stdout


def test_bad_as_of_and_missing_file() -> None:
    assert run("evaluate", str(EXAMPLE), "--as-of", "tomorrow").returncode == 2
    missing = run("explain", "no-such-file.yaml")
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr


def test_explain_vietnamese_by_default_and_english() -> None:
    runner = CliRunner()
    vi = runner.invoke(main, ["explain", str(EXAMPLE)])
    assert vi.exit_code == 0
    assert "Ủy ban nhân dân tỉnh (ubnd)" in vi.output and "Điều 19" in vi.output
    en = runner.invoke(main, ["explain", "--lang", "en", str(EXAMPLE)])
    assert en.exit_code == 0
    assert "Provincial People's Committee (ubnd)" in en.output


def test_validate_bundled_and_broken(tmp_path: Path) -> None:
    ok = run("validate")
    assert ok.returncode == 0 and ok.stdout.startswith("ok: 7 chapters, 23 articles")
    broken = tmp_path / "rules"
    broken.mkdir()
    (broken / "dieu_01.yaml").write_text("format: quyche/rule@1\narticle: 1\nchapter: 1\nfoo: 1\n", encoding="utf-8")
    result = run("validate", str(broken))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {broken / 'dieu_01.yaml'}:")
    assert "Traceback" not in result.stderr


def test_engines_give_identical_json() -> None:
    a = run("evaluate", str(EXAMPLE), "--engine", "python")
    b = run("evaluate", str(EXAMPLE), "--engine", "durable")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "quyche"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and "evaluate" in result.stdout and "check" in result.stdout
