"""``quyche audit`` and ``quyche.audit`` (contract §8): one status per line, bad lines reported with their
number while the rest go on, a summary per body, the input read lazily, ``--workers 2`` ≡ ``--workers 1``."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

import quyche
from quyche import audit_cli
from quyche.auditing import CHUNK, Audit
from quyche.cli import main
from quyche.regulation import Regulation
from quyche.testing import hang_guard

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2024-12-31"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_archive", ROOT / "examples" / "make_archive.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def archive() -> list[dict[str, Any]]:
    return list(_generator().cases(600, seed=5, regulation=quyche.load(engine="python")))


BAD = [
    "{not json",
    json.dumps({"event": {"type": "annual_review", "year": "2024"}}),
    json.dumps(
        {"event": {"type": "annual_review", "year": 2024}, "done": [{"party": "ubnd", "duty": "x", "on": "2024-01-01"}]}
    ),
    json.dumps(["a", "list"]),
    '{"case": "a", "case": "b", "event": {"type": "annual_review", "year": 2024}}',
]


def _lines(archive: list[dict[str, Any]]) -> tuple[list[str], dict[int, str]]:
    """The archive as JSON lines with a blank line and the bad lines spread through it."""
    lines = [json.dumps(c, ensure_ascii=False) for c in archive]
    bad_at: dict[int, str] = {}
    for k, bad in enumerate(BAD):
        at = 37 + k * 113
        lines.insert(at, bad)
    lines.insert(300, "")
    for n, line in enumerate(lines, 1):
        if line in BAD:
            bad_at[n] = line
    return lines, bad_at


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_the_generated_archive_is_valid_and_varied(archive: list[dict[str, Any]], python_reg: Regulation) -> None:
    counts: Counter[str] = Counter()
    for case in archive:
        for d in python_reg.track(case, today=TODAY).duties:
            counts[d.status] += 1
    assert set(counts) == {"met", "late", "overdue", "open", "undated"}, counts
    assert _generator().cases(3, seed=9) is not None
    assert list(_generator().cases(20, seed=9)) == list(_generator().cases(20, seed=9))


def test_cli_audit_one_status_per_line_bad_lines_numbered(archive: list[dict[str, Any]], tmp_path: Path) -> None:
    lines, bad_at = _lines(archive)
    result = CliRunner().invoke(main, ["audit", str(_write(tmp_path, lines)), "--today", TODAY, "--engine", "python"])
    assert result.exit_code == 2
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(out) == len(archive) + len(BAD)  # the blank line gives nothing
    errors = [o for o in out if "error" in o]
    assert [e["line"] for e in errors] == sorted(bad_at)
    assert "not a JSON case" in errors[0]["error"]
    assert "event.year" in errors[1]["error"]
    assert "done[0].duty" in errors[2]["error"]
    assert "expected a mapping" in errors[3]["error"]
    assert "duplicate key 'case'" in errors[4]["error"]
    reg = quyche.load(engine="python")
    good = [o for o in out if "error" not in o]
    assert good == [reg.track(c, today=TODAY).model_dump(mode="json") for c in archive]
    assert f"error: {len(BAD)} of {len(out)} lines are not valid cases" in result.stderr


def test_the_summary_counts_every_duty_per_body(archive: list[dict[str, Any]], python_reg: Regulation) -> None:
    run = quyche.audit(archive, today=TODAY, regulation=python_reg)
    lines = list(run)
    assert all(line.ok for line in lines) and [line.number for line in lines] == list(range(1, len(archive) + 1))
    expected: dict[str, Counter[str]] = {}
    for case in archive:
        for d in python_reg.track(case, today=TODAY).duties:
            expected.setdefault(d.party, Counter())[d.status] += 1
    summary = run.summary
    assert summary.cases == len(archive) and summary.invalid == 0 and str(summary.today) == TODAY
    assert list(summary.bodies) == sorted(expected)
    for body, counts in summary.bodies.items():
        assert {s: getattr(counts, s) for s in ("met", "late", "overdue", "open", "undated")} == {
            s: expected[body][s] for s in ("met", "late", "overdue", "open", "undated")
        }
        decided = counts.met + counts.late + counts.overdue
        assert counts.on_time == (round(counts.met / decided, 4) if decided else None)
    assert summary.total.met == sum(c["met"] for c in expected.values())
    assert lines[0].status() == python_reg.track(archive[0], today=TODAY)


def test_summary_formats(archive: list[dict[str, Any]], tmp_path: Path) -> None:
    path = _write(tmp_path, [json.dumps(c, ensure_ascii=False) for c in archive[:80]])
    runner = CliRunner()
    as_json = runner.invoke(main, ["audit", str(path), "--today", TODAY, "--format", "json", "-o", str(tmp_path / "s")])
    assert as_json.exit_code == 0, as_json.output
    assert as_json.stdout == ""  # statuses went to the file
    summary = quyche.AuditSummary.model_validate_json(as_json.stderr)
    assert summary.cases == 80 and len((tmp_path / "s").read_text(encoding="utf-8").splitlines()) == 80
    as_csv = runner.invoke(
        main, ["audit", str(path), "--today", TODAY, "--format", "csv", "--summary", "-", "-o", "/dev/null"]
    )
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["body"] for r in rows] == [*summary.bodies, "total"]
    assert [int(r["overdue"]) for r in rows] == [b.overdue for b in summary.bodies.values()] + [summary.total.overdue]
    text = runner.invoke(
        main, ["audit", str(path), "--today", TODAY, "--summary", str(tmp_path / "t.txt"), "-o", "/dev/null"]
    )
    assert text.exit_code == 0 and text.stderr == ""
    table = (tmp_path / "t.txt").read_text(encoding="utf-8")
    assert table.startswith("Tổng hợp (31/12/2024): 80 hồ sơ, 0 dòng không hợp lệ")
    assert "Tỷ lệ đúng hạn" in table and "Ủy ban nhân dân tỉnh (ubnd)" in table and "Tổng cộng" in table
    english = runner.invoke(main, ["audit", str(path), "--today", TODAY, "--lang", "en", "-o", "/dev/null"])
    assert "Summary (2024-12-31): 80 cases" in english.stderr and "On time" in english.stderr


@pytest.mark.parametrize("engine", ["python", "durable"])
def test_two_workers_give_the_output_of_one(archive: list[dict[str, Any]], tmp_path: Path, engine: str) -> None:
    lines, _ = _lines(archive)
    path = _write(tmp_path, lines)
    runs = {}
    for workers in ("1", "2"):
        result = CliRunner().invoke(
            main, ["audit", str(path), "--today", TODAY, "--workers", workers, "--engine", engine, "--format", "json"]
        )
        assert result.exit_code == 2
        runs[workers] = (result.stdout, result.stderr)
    assert runs["1"] == runs["2"]
    assert len(runs["1"][0].splitlines()) == len(archive) + len(BAD)


def test_python_twin_with_workers_equals_one(archive: list[dict[str, Any]], durable_reg: Regulation) -> None:
    cases: list[Any] = [*archive[:300], "not json", quyche.parse_case(archive[300]), json.dumps(archive[301]).encode()]
    one = quyche.audit(cases, today=TODAY, regulation=durable_reg)
    two = quyche.audit(cases, today=TODAY, regulation=durable_reg, workers=2)
    assert list(one) == list(two)
    assert one.summary == two.summary and one.summary.invalid == 1 and one.summary.cases == 303


def test_the_input_is_read_lazily(archive: list[dict[str, Any]], python_reg: Regulation) -> None:
    read = 0

    def cases() -> Iterator[dict[str, Any]]:
        nonlocal read
        for case in archive:
            read += 1
            yield case

    run = iter(Audit(cases(), today=TODAY, regulation=python_reg, chunk=50))
    next(run)
    assert read == 50  # one chunk, not the archive
    for _ in range(60):
        next(run)
    assert read == 100


def test_each_case_keeps_its_own_today_unless_the_audit_gives_one(python_reg: Regulation) -> None:
    ev = {"type": "petition_received", "received_by": "ubnd", "kind": "denunciation", "competent_body": "ubnd"}
    case = {"event": {**ev, "date": "2024-02-07"}, "today": "2024-02-20"}
    (own,) = [line.status() for line in quyche.audit([case], regulation=python_reg)]
    (given,) = [line.status() for line in quyche.audit([case], today="2024-03-01", regulation=python_reg)]
    assert own is not None and given is not None
    assert (own.today.isoformat(), given.today.isoformat()) == ("2024-02-20", "2024-03-01")


def test_bad_arguments(python_reg: Regulation, tmp_path: Path) -> None:
    with pytest.raises(quyche.QuycheError):
        quyche.audit([], workers=0, regulation=python_reg)
    with pytest.raises(quyche.InvalidEvent):
        quyche.audit([], today="2024-13-01", regulation=python_reg)
    run = quyche.audit([], regulation=python_reg)
    assert list(run) == [] and run.summary.cases == 0 and run.summary.total.on_time is None
    with pytest.raises(quyche.QuycheError):
        list(run)  # once only
    runner = CliRunner()
    assert runner.invoke(main, ["audit", str(tmp_path / "none.jsonl")]).exit_code == 2
    bad_today = runner.invoke(main, ["audit", "-", "--today", "nope"], input="")
    assert bad_today.exit_code == 2 and bad_today.stderr.startswith("error:") and "today" in bad_today.stderr
    zero = runner.invoke(main, ["audit", "-", "--workers", "0"], input="")
    assert zero.exit_code == 2


def test_progress_bar_only_on_a_terminal(
    archive: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, [json.dumps(c) for c in archive[: CHUNK + 10]])
    args = ["audit", str(path), "--today", TODAY, "--format", "json"]
    quiet = CliRunner().invoke(main, args)
    assert quiet.exit_code == 0 and "quyche audit" not in quiet.stderr
    monkeypatch.setattr(audit_cli, "_stderr_is_terminal", lambda: True)
    shown = CliRunner().invoke(main, args)
    assert shown.exit_code == 0
    assert shown.stdout == quiet.stdout  # the bar never touches stdout
    assert "quyche audit" in shown.stderr and shown.stderr.endswith(quiet.stderr)


def _audit_workers() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if b"quyche._audit_worker" in cmdline and int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                pids.append(int(entry))
    return pids


def test_a_worker_that_dies_is_an_engine_error_not_a_hang(python_reg: Regulation) -> None:
    cases = [{"event": {"type": "annual_review", "year": 2024}}] * (CHUNK * 40)
    run = iter(quyche.audit(cases, today=TODAY, regulation=python_reg, workers=2))
    with hang_guard(120):
        next(run)
        (first, *_) = _audit_workers()
        os.kill(first, signal.SIGKILL)
        with pytest.raises(quyche.QuycheError, match=r"audit worker \d stopped \(exit code -9\)"):
            for _ in run:
                pass
    assert _audit_workers() == []  # the other worker was stopped too


def test_workers_start_from_a_script_read_on_stdin(tmp_path: Path) -> None:
    # the workers never re-run the parent's main module (multiprocessing's spawn would, and fails on stdin)
    script = (
        "import quyche\n"
        "cases = [{'event': {'type': 'annual_review', 'year': 2024}}] * 600\n"
        "run = quyche.audit(cases, today='2024-01-01', workers=2)\n"
        "print(sum(line.ok for line in run), run.summary.cases)\n"
    )
    result = subprocess.run(
        [sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["600", "600"]


# --------------------------------------------------------------------- workers writing to the output themselves


@pytest.mark.parametrize("engine", ["python", "durable"])
def test_workers_writing_to_a_file_write_the_lines_of_one_process(
    archive: list[dict[str, Any]], tmp_path: Path, engine: str
) -> None:
    """``Audit.write`` to a real file: with two workers each writes its own chunks there, in input order (the turn
    passes from worker to worker); the file holds exactly the lines of one process, and the same summary."""
    lines, _ = _lines(archive * 2)  # several chunks per worker, bad lines in both workers' chunks
    reg = quyche.load(engine=engine)  # type: ignore[arg-type]
    files = {}
    summaries = {}
    for workers in (1, 2):
        path = tmp_path / f"out{workers}.jsonl"
        with path.open("wb") as out:
            out.write(b"head\n")  # what the caller wrote before stays first
            summaries[workers] = Audit(lines, today=TODAY, regulation=reg, workers=workers, chunk=64).write(out)
            out.write(b"tail\n")
        files[workers] = path.read_bytes()
    iterated = "".join(line.json + "\n" for line in Audit(lines, today=TODAY, regulation=reg, chunk=64))
    assert files[1] == files[2] == b"head\n" + iterated.encode("utf-8") + b"tail\n"
    assert summaries[1] == summaries[2]
    assert summaries[1].cases == len(lines) - 1 and summaries[1].invalid == len(BAD)  # the blank line skipped


def test_workers_writing_to_an_in_memory_stream_send_the_lines_back(archive: list[dict[str, Any]]) -> None:
    lines, _ = _lines(archive)
    reg = quyche.load(engine="python")
    one, two = io.BytesIO(), io.BytesIO()  # no file descriptor: the parent writes what the workers return
    s1 = Audit(lines, today=TODAY, regulation=reg).write(one)
    s2 = Audit(lines, today=TODAY, regulation=reg, workers=2).write(two)
    assert one.getvalue() == two.getvalue() and s1 == s2
    assert len(one.getvalue().splitlines()) == len(lines) - 1


def test_cli_audit_to_a_file_with_workers_equals_one(archive: list[dict[str, Any]], tmp_path: Path) -> None:
    """The command with ``-o FILE`` (the workers write the file) and through a pipe (stdout): the same bytes."""
    lines, _ = _lines(archive)
    path = _write(tmp_path, lines)
    outputs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"statuses{workers}.jsonl"
        cmd = [sys.executable, "-m", "quyche", "audit", str(path), "--today", TODAY, "--workers", workers]
        done = subprocess.run([*cmd, "-o", str(out), "--format", "json"], capture_output=True, timeout=300, check=False)
        assert done.returncode == 2, done.stderr  # the bad lines
        piped = subprocess.run([*cmd, "--summary", "/dev/null"], capture_output=True, timeout=300, check=False)
        assert piped.stdout == out.read_bytes()
        outputs[workers] = (out.read_bytes(), done.stderr)
    assert outputs["1"] == outputs["2"]


def test_a_worker_that_dies_while_writing_a_file_is_an_engine_error_not_a_hang(
    python_reg: Regulation, tmp_path: Path
) -> None:
    cases = [{"event": {"type": "annual_review", "year": 2024}}] * (CHUNK * 200)
    killed: list[int] = []

    def feed() -> Iterator[dict[str, Any]]:
        for i, case in enumerate(cases):
            if i == CHUNK * 20 and not killed:
                (first, *_) = _audit_workers()
                os.kill(first, signal.SIGKILL)
                killed.append(first)
            yield case

    with hang_guard(120), (tmp_path / "out.jsonl").open("wb") as out:
        with pytest.raises(quyche.QuycheError, match=r"audit worker \d stopped"):
            Audit(feed(), today=TODAY, regulation=python_reg, workers=2).write(out)
    assert killed
    assert _audit_workers() == []  # the other worker stopped too (its turn never came)


def test_workers_audit_with_an_amended_regulation_by_its_date_of_effect(archive: list[dict[str, Any]]) -> None:
    """Each worker rebuilds the amended regulation with the one it amends: cases dated before the date of effect
    are tracked by the rules before it, in every worker, as in one process."""
    reg = quyche.load(engine="python").amend(ROOT / "examples" / "amendments" / "dieu_08_answer_citizen.yaml")
    day = "2024-06-20"  # before the date of effect (2024-07-01): 10 working days; after it: 7
    cases = [
        {"event": {"type": "petition_received", "received_by": "btt_ubmttq", "kind": "complaint",
                   "competent_body": "ubnd", "date": d}}
        for d in [day, "2024-07-10"] * 300
    ]
    one = [line.json for line in Audit(cases, today=TODAY, regulation=reg)]
    two = [line.json for line in Audit(cases, today=TODAY, regulation=reg, workers=2, chunk=16)]
    assert one == two
    dues = {json.loads(line)["decision"]["reference_date"]: line for line in one}
    assert '"days":10' in dues[day] and '"days":7' in dues["2024-07-10"]
