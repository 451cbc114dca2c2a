"""``quyche track CASE`` (contract §8): text in Vietnamese and English, JSON, CSV read back with ``csv``,
iCalendar read back with ``icalendar``; errors as one line, exit 2."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

import quyche
from quyche.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "case_complaint.yaml"


def invoke(*args: str, stdin: str | None = None) -> object:
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.fixture(scope="module")
def expected() -> quyche.CaseStatus:
    from quyche.rules import yamlsafe

    data = yamlsafe.parse_file(EXAMPLE).data  # not PyYAML's safe_load: YAML 1.1 reads the key `on` as true
    return quyche.load(engine="python").track(data)


def test_the_example_case_has_every_kind_of_status_it_can(expected: quyche.CaseStatus) -> None:
    statuses = {d.status for d in expected.duties}
    assert {"met", "overdue", "open"} <= statuses
    assert expected.case == "HS-2024-0012" and expected.today == date(2024, 4, 20)


def test_json_is_the_case_status(expected: quyche.CaseStatus) -> None:
    result = CliRunner().invoke(main, ["track", str(EXAMPLE), "--format", "json", "--engine", "python"])
    assert result.exit_code == 0, result.output
    assert quyche.CaseStatus.model_validate_json(result.stdout) == expected
    assert json.loads(result.stdout)["duties"][0].keys() >= {"party", "duty", "due", "status", "citation"}


def test_text_groups_by_body_overdue_first_in_vietnamese(expected: quyche.CaseStatus) -> None:
    result = CliRunner().invoke(main, ["track", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("Hồ sơ: HS-2024-0012\n")
    assert "Tình hình thực hiện đến ngày 20/04/2024" in text
    ubnd = text.index("Ủy ban nhân dân tỉnh (ubnd)")
    front = text.index("Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh (btt_ubmttq)")
    assert ubnd < front  # the body with an overdue duty comes first
    block = text[ubnd:front]
    overdue = block.index("[Quá hạn ")
    assert overdue < block.index("[Đã thực hiện đúng hạn]")  # and its overdue duty first
    assert "Căn cứ: Khoản 5 Điều 8" in block
    assert "kể từ ngày thụ lý" in block


def test_text_in_english_and_another_day() -> None:
    result = CliRunner().invoke(main, ["track", str(EXAMPLE), "--lang", "en", "--today", "2024-03-20"])
    assert result.exit_code == 0, result.output
    assert "Status as of 2024-03-20" in result.stdout
    assert "Overdue" not in result.stdout and "[Not yet due]" in result.stdout
    assert "Basis: Article 8(5)" in result.stdout


def test_csv_rows_read_back(expected: quyche.CaseStatus) -> None:
    result = CliRunner().invoke(main, ["track", str(EXAMPLE), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["party"], r["duty"], r["status"]) for r in rows] == [
        (d.party, d.duty, d.status) for d in expected.duties
    ]
    for row, d in zip(rows, expected.duties, strict=True):
        assert row["due"] == (d.due.isoformat() if d.due else "")
        assert row["done_on"] == (d.done_on.isoformat() if d.done_on else "")
        assert row["days_late"] == ("" if d.days_late is None else str(d.days_late))
        assert row["article"] == str(d.citation.article) and row["case"] == "HS-2024-0012"
        assert row["citation"].startswith(("Khoản", "Điểm", "Điều"))


def test_ics_reads_back_with_one_event_per_dated_duty(expected: quyche.CaseStatus, tmp_path: Path) -> None:
    out = tmp_path / "case.ics"
    result = CliRunner().invoke(main, ["track", str(EXAMPLE), "--format", "ics", "-o", str(out)])
    assert result.exit_code == 0, result.output
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert cal["VERSION"] == "2.0" and "quyche" in str(cal["PRODID"])
    events = list(cal.walk("VEVENT"))
    dated = [(d, r) for d, r in expected.pairs() if d.due is not None]
    assert len(events) == len(dated) > 0
    for ev, (d, _) in zip(events, dated, strict=True):
        assert ev.decoded("DTSTART") == d.due
        assert ev.decoded("DTEND") == d.due + timedelta(days=1)
        description = str(ev["DESCRIPTION"])
        assert "Căn cứ: " in description and f"Điều {d.citation.article}" in description
        assert f"{d.party} {d.duty} {d.status}" in description
        assert d.party in str(ev["UID"]) or "@quyche" in str(ev["UID"])
    assert len({str(e["UID"]) for e in events}) == len(events)
    again = CliRunner().invoke(main, ["track", str(EXAMPLE), "--format", "ics"])
    assert again.stdout_bytes == out.read_bytes()  # reproducible (DTSTAMP is the tracking day)


def test_ics_in_english_names_the_article() -> None:
    result = CliRunner().invoke(main, ["track", str(EXAMPLE), "--format", "ics", "--lang", "en"])
    cal = icalendar.Calendar.from_ical(result.stdout_bytes)
    assert all("Basis: Article " in str(e["DESCRIPTION"]) for e in cal.walk("VEVENT"))


def test_stdin_and_json_case() -> None:
    case = {
        "event": {"type": "annual_review", "year": 2024, "date": "2024-06-01"},
        "today": "2024-06-02",
    }
    result = CliRunner().invoke(main, ["track", "-", "--format", "json"], input=json.dumps(case))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["today"] == "2024-06-02"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (
            "event: {type: annual_review, year: 2024}\ndone: [{party: ubnd, duty: nope, on: 2024-01-01}]\n",
            "done[0].duty",
        ),
        ("event: {type: annual_reveiw, year: 2024}\n", "event.type"),
        ("evnt: {type: annual_review, year: 2024}\n", "did you mean 'event'?"),
        (": : :\n", "cannot read the case"),
    ],
)
def test_a_bad_case_is_one_error_line(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["track", str(path)])
    assert result.exit_code == 2
    assert result.stdout == "" and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert needle in result.stderr and "Traceback" not in result.stderr


def test_missing_file_and_bad_today(tmp_path: Path) -> None:
    missing = CliRunner().invoke(main, ["track", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    bad = CliRunner().invoke(main, ["track", str(EXAMPLE), "--today", "2024-02-30"])
    assert bad.exit_code == 2 and "today" in bad.stderr


def test_case_files_match_their_published_schema(tmp_path: Path) -> None:
    import jsonschema

    from quyche.rules import yamlsafe

    schema = json.loads((ROOT / "schemas" / "case-file.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    first = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/case-file.schema.json"
    data = json.loads(json.dumps(yamlsafe.parse_file(EXAMPLE).data, default=str))
    assert list(validator.iter_errors(data)) == []
    assert list(validator.iter_errors({**data, "dones": []}))
    assert list(validator.iter_errors({**data, "done": [{"party": "ubnd", "duty": "x"}]}))
