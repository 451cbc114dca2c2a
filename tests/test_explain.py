"""Explanations for people: golden files (tests/golden/), deadlines, reasons in words, the CLI."""

from __future__ import annotations

import difflib
import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from quyche.chapters.chuong_1 import SETS
from quyche.cli import main
from quyche.decision import Deadline
from quyche.explain import deadline_text, explain, vi_dates
from quyche.labels import label
from quyche.regulation import Regulation
from quyche.render import condition_words, reason_words
from quyche.render import test_words as words_of_test
from quyche.rules.syntax import leaves, parse_condition
from quyche.testing import event_mix
from quyche.tools import GOLDEN, golden_texts

EXAMPLE = {"type": "annual_review", "year": 2024, "date": "2024-12-10", "id": "DG-2024"}


@pytest.mark.parametrize("engine", ["python", "durable"])
def test_golden_explanations(engine: str) -> None:
    """A change of wording must show up in review: regenerate with `python -m quyche.tools golden`."""
    texts = golden_texts(engine)
    assert len(texts) >= 6 and {"annual_review_2024.vi.txt", "amendment_ubnd.en.txt"} <= set(texts)
    for name, text in texts.items():
        committed = (GOLDEN / name).read_text(encoding="utf-8")
        if committed != text:
            diff = "".join(difflib.unified_diff(committed.splitlines(True), text.splitlines(True), name, "now"))
            pytest.fail(f"{name} differs; run `python -m quyche.tools golden`, review and commit:\n{diff}")
    assert sorted(p.name for p in GOLDEN.glob("*.txt")) == sorted(texts)


def test_vietnamese_explanation_reads_in_vietnamese(reg: Regulation) -> None:
    text = explain(reg.evaluate(EXAMPLE), "vi", regulation=reg, event=EXAMPLE)
    assert "Cơ quan chủ trì: Ủy ban nhân dân tỉnh (ubnd)" in text
    assert "Gửi để biết: Thường trực Tỉnh ủy (tt_tinh_uy)" in text
    assert "Ngày làm căn cứ áp dụng: 10/12/2024" in text
    assert (
        "Căn cứ áp dụng: thuộc trường hợp hội nghị đánh giá Quy chế hằng năm; "
        "năm đánh giá là 2024. [dieu_19.host, dòng 3]"
        in text
    )
    assert "Khoản 1 Điều 19" in text
    for english in ("event;", "applies to every", " and ", "Because"):
        assert english not in text


def test_english_explanation(reg: Regulation) -> None:
    text = explain(reg.evaluate(EXAMPLE), "en", regulation=reg, event=EXAMPLE)
    assert "Chairs (chủ trì): Provincial People's Committee (ubnd)" in text
    assert "Article 19(1) (Chapter VI): Annual evaluation of the regulation" in text
    assert (
        "Because: the event is an annual evaluation of the regulation; the year is 2024. [dieu_19.host, row 3]" in text
    )


def test_warnings_and_reasons_with_dates(reg: Regulation) -> None:
    event = {"type": "annual_review", "year": 2026}
    decision = reg.evaluate(event, as_of="2026-01-15")
    vi = explain(decision, "vi", regulation=reg, event=event)
    assert "Cơ quan chủ trì: không xác định (xem phần lưu ý)" in vi
    assert "[review_year_unscheduled]" in vi and "[outside_validity]" in vi
    assert "ngày làm căn cứ áp dụng (15/01/2026) sau ngày 30/06/2025" in vi
    assert "không thuộc trường hợp ngoại lệ: dieu_19.host" in vi
    en = explain(decision, "en", regulation=reg, event=event)
    assert "the reference date (2026-01-15) is after 2025-06-30" in en


def test_without_the_regulation_the_trace_is_shown(python_reg: Regulation) -> None:
    text = explain(python_reg.evaluate(EXAMPLE))
    assert "dieu_19.host (Điều 19): the event is an annual evaluation of the regulation; the year is 2024" in text


def test_deadlines_in_words() -> None:
    d = Deadline(days=10, unit="working_days", relation="within", anchor="date", due=date(2024, 6, 14))
    assert deadline_text(d, "vi") == (
        "trong thời hạn 10 ngày làm việc kể từ ngày làm căn cứ tính thời hạn — hạn: ngày 14/06/2024"
    )
    assert deadline_text(d, "vi", "petition_received") == (
        "trong thời hạn 10 ngày làm việc kể từ ngày tiếp nhận đơn — hạn: ngày 14/06/2024"
    )
    assert deadline_text(d, "en") == "within 10 working days of the event's date — due 2024-06-14"
    b = Deadline(days=5, unit="days", relation="before", anchor="session_opening")
    assert deadline_text(b, "vi") == (
        "chậm nhất 5 ngày trước ngày khai mạc kỳ họp — hạn: chưa tính được (chưa có ngày làm căn cứ tính thời hạn)"
    )
    assert deadline_text(b, "en").startswith("at least 5 days before the session's opening date — due date unknown")


def _words(cond: dict[str, object], lang: str = "vi", held: set[int] | None = None) -> str:
    node = parse_condition(cond, sets=SETS)
    truths = None if held is None else {t.index: t.index in held for t in leaves(node)}
    return condition_words(node, lang, truths)  # type: ignore[arg-type]


def test_a_moved_due_date_says_so() -> None:
    """Bộ luật Dân sự 2015, Điều 148 khoản 5: the explanation says when a period's last day was a day off."""
    d = Deadline(
        days=10, unit="days", relation="within", anchor="date", due=date(2024, 2, 19), moved_from=date(2024, 2, 17)
    )
    vi = deadline_text(d, "vi", "petition_received")
    assert vi.startswith("trong thời hạn 10 ngày kể từ ngày tiếp nhận đơn — hạn: ngày 19/02/2024 (ngày cuối cùng")
    assert "17/02/2024, là ngày nghỉ" in vi and "khoản 5 Điều 148 Bộ luật Dân sự 2015" in vi
    en = deadline_text(d, "en", "petition_received")
    assert "due 2024-02-19 (the period's last day, 2024-02-17, is a day off" in en and "Article 148(5)" in en


def test_conditions_in_words() -> None:
    assert _words({"kind": {"in": ["complaint", "denunciation"]}}) == "loại đơn là khiếu nại hoặc tố cáo"
    both = {"received_by": "ubnd", "complex": True, "submission_date": {"given": False}}
    assert _words(both) == (
        "cơ quan tiếp nhận là Ủy ban nhân dân tỉnh và vụ việc phức tạp và không nêu ngày trình dự thảo"
    )
    assert _words(both, "en") == (
        "the receiving body is Provincial People's Committee and the case is complex"
        " and the submission date is not given"
    )
    assert _words({"remote_area": {"ne": True}}) == "người gửi không ở vùng sâu, vùng xa"
    assert _words({"received_by": {"differs_from": "competent_body"}}) == (
        "cơ quan tiếp nhận khác cơ quan có thẩm quyền giải quyết"
    )
    assert _words({"competent_body": {"in": "parties"}}, "en") == "the competent body is one of the four bodies"
    assert reason_words("petition_received", None, None, "vi") == (
        "thuộc trường hợp tiếp nhận đơn thư khiếu nại, tố cáo, phản ánh, kiến nghị"
    )
    assert _words({"competent_body": "central"}) == "đơn thuộc thẩm quyền giải quyết của cơ quan Trung ương"


def test_only_the_branches_that_held_are_given_as_reasons() -> None:
    cond = {"any": [{"kind": "complaint"}, {"kind": "denunciation", "complex": True}]}
    assert _words(cond, "vi", held={1, 2}) == "loại đơn là tố cáo và vụ việc phức tạp"
    assert _words(cond, "vi", held={0}) == "loại đơn là khiếu nại"


def test_a_test_shows_the_events_value_where_it_does_not_state_it() -> None:
    (t,) = leaves(parse_condition({"received_by": {"differs_from": "competent_body"}}, sets=SETS))
    fact = {"received_by": "ubnd", "competent_body": "tt_hdnd"}
    assert words_of_test(t, "vi", fact) == (
        "cơ quan tiếp nhận (Ủy ban nhân dân tỉnh) khác cơ quan có thẩm quyền giải quyết "
        "(Thường trực Hội đồng nhân dân tỉnh)"
    )


def test_explain_command(tmp_path: Path) -> None:
    event = tmp_path / "event.yaml"
    event.write_text("type: amendment_proposed\nproposed_by: ubnd\narticles: [19, 20]\n", encoding="utf-8")
    runner = CliRunner()
    vi = runner.invoke(main, ["explain", "--engine", "python", str(event)])
    assert vi.exit_code == 0 and vi.stdout.startswith("Sự việc: Đề xuất sửa đổi, bổ sung Quy chế (amendment_proposed)")
    assert "Cơ quan chủ trì: Ủy ban nhân dân tỉnh (ubnd)" in vi.stdout
    en = runner.invoke(main, ["explain", "--engine", "python", "--lang", "en", str(event)])
    assert en.exit_code == 0 and "Chairs (chủ trì): Provincial People's Committee (ubnd)" in en.stdout


# --------------------------------------------------------------------------- why a rule did not apply

DENUNCIATION = {
    "type": "petition_received",
    "received_by": "doan_dbqh",
    "kind": "denunciation",
    "competent_body": "ubnd",
    "date": "2024-02-05",
}


def test_why_not_names_each_kind_of_reason(reg: Regulation) -> None:
    from quyche.why import UnknownRule

    assert reg.why_not(DENUNCIATION, "dieu_08.denunciation_transfer").applies
    overridden = reg.why_not(DENUNCIATION, "dieu_08.forward")
    assert [r.code for r in overridden.reasons] == ["overridden"]
    assert overridden.overridden_by == ["dieu_08.denunciation_transfer"]
    failed = reg.why_not(DENUNCIATION, "dieu_08.denunciation_initial")
    assert [r.code for r in failed.reasons] == ["condition"]
    assert [t.held for t in failed.tests] == [True, False]
    assert "cơ quan tiếp nhận (Đoàn đại biểu Quốc hội tỉnh) cũng là" in failed.reasons[0].message_vi
    other_type = reg.why_not(DENUNCIATION, "dieu_19.host")
    assert [r.code for r in other_type.reasons] == ["event_type"] and other_type.tests == []
    no_row = reg.why_not({"type": "annual_review", "year": 2026}, "dieu_19.host")
    assert [r.code for r in no_row.reasons] == ["no_row"]
    voter = {"type": "voter_petition", "received_by": "ubnd", "competence": "provincial", "date": "2024-05-02"}
    assert "not_in_force" in [r.code for r in reg.why_not(voter, "dieu_06.answer_provincial_72_direct").reasons]
    with pytest.raises(UnknownRule, match="did you mean 'dieu_08.forward'"):
        reg.why_not(DENUNCIATION, "dieu_08.foward")


def test_why_not_command(tmp_path: Path) -> None:
    event = tmp_path / "event.yaml"
    event.write_text(
        "type: petition_received\nreceived_by: doan_dbqh\nkind: denunciation\ncompetent_body: ubnd\n", encoding="utf-8"
    )
    runner = CliRunner()
    vi = runner.invoke(main, ["explain", "--engine", "python", str(event), "--why-not", "dieu_08.forward"])
    assert vi.exit_code == 0, vi.output
    assert "quy định ngoại lệ được áp dụng thay thế: dieu_08.denunciation_transfer" in vi.stdout
    en = runner.invoke(main, ["explain", str(event), "--why-not", "dieu_08.denunciation_initial", "--lang", "en"])
    assert (
        en.exit_code == 0
        and "✗ the receiving body (Provincial National Assembly Delegation) is the same as" in en.stdout
    )
    bad = runner.invoke(main, ["explain", str(event), "--why-not", "dieu_08.nothing"])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: no rule 'dieu_08.nothing'")


# -- the layout for people (issue 14 items 13 and 14) ----------------------------------------------------

WARNED = {"type": "annual_review", "year": 2026, "date": "2026-01-15"}
COMPLAINT = {"type": "petition_received", "received_by": "btt_ubmttq", "kind": "complaint", "competent_body": "ubnd",
             "date": "2024-03-04"}  # fmt: skip


def test_warnings_come_first(reg: Regulation) -> None:
    for lang, warnings, lead in (("vi", "Lưu ý:", "Cơ quan chủ trì:"), ("en", "Warnings:", "Chairs (chủ trì):")):
        text = explain(reg.evaluate(WARNED), lang, regulation=reg, event=WARNED)  # type: ignore[arg-type]
        assert text.index(warnings) < text.index(lead) < text.index("[dieu_23.outside_validity]")


def test_duties_are_grouped_by_body_lead_first(reg: Regulation) -> None:
    decision = reg.evaluate(COMPLAINT)
    text = explain(decision, "vi", regulation=reg, event=COMPLAINT)
    duties = text.split("Trách nhiệm:\n")[1].split("\n\n")[0].splitlines()
    heads = [line for line in duties if line.startswith("  ") and not line.startswith("    ")]
    bodies = {r.party for r in decision.responsibilities}
    assert len(heads) == len(bodies)  # one heading per body, each once
    assert heads[0] == f"  {label(decision.lead or '', 'vi')} ({decision.lead}):"
    for party in bodies:  # every duty of a body is under its heading
        start = duties.index(f"  {label(party, 'vi')} ({party}):")
        block = duties[start + 1 :]
        block = block[: next((i for i, x in enumerate(block) if not x.startswith("    ")), len(block))]
        assert sum(x.startswith("    - ") for x in block) == sum(r.party == party for r in decision.responsibilities)


def test_the_article_title_appears_once(reg: Regulation) -> None:
    text = explain(reg.evaluate(EXAMPLE), "vi", regulation=reg, event=EXAMPLE)
    assert text.count("(Chương VI): Đánh giá kết quả thực hiện Quy chế\n") == 1  # in the provisions cited
    assert text.count("Chương VI") == 1  # not on every duty
    assert "Căn cứ: Khoản 1 Điều 19 [" in text
    en = explain(reg.evaluate(EXAMPLE), "en", regulation=reg, event=EXAMPLE)
    assert en.count("(Chapter VI): Annual evaluation of the regulation\n") == 1
    assert en.count("Chapter VI") == 1


def test_vietnamese_text_has_vietnamese_dates_everywhere(reg: Regulation) -> None:
    for event in (WARNED, COMPLAINT, EXAMPLE):
        text = explain(reg.evaluate(event), "vi", regulation=reg, event=event)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text
        short = explain(reg.evaluate(event), "vi", short=True)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", short), short
    assert "(01/07/2021 – 30/06/2025)" in explain(reg.evaluate(WARNED), "vi")
    assert vi_dates("từ 2021-07-01 đến 2025-06-30; mã SD-2024-01") == "từ 01/07/2021 đến 30/06/2025; mã SD-2024-01"


def test_short_form_is_at_most_15_lines(python_reg: Regulation) -> None:
    for event in event_mix(600, seed=15):
        decision = python_reg.evaluate(event)
        for lang in ("vi", "en"):
            text = explain(decision, lang, short=True)  # type: ignore[arg-type]
            assert text.count("\n") <= 15, text
            if decision.lead:
                assert label(decision.lead, lang) in text


def test_short_form_says_who_does_what_and_when(python_reg: Regulation) -> None:
    text = explain(python_reg.evaluate(COMPLAINT), "vi", short=True)
    lines = text.splitlines()
    assert lines[0] == "Tiếp nhận đơn thư khiếu nại, tố cáo, phản ánh, kiến nghị (ngày làm căn cứ áp dụng 04/03/2024)"
    assert "Chủ trì: Ủy ban nhân dân tỉnh" in lines
    assert "  - Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh: 3 nhiệm vụ; hạn sớm nhất 18/03/2024" in lines
    assert "  - Ủy ban nhân dân tỉnh: 3 nhiệm vụ; 2 nhiệm vụ chưa tính được hạn" in lines
    cli = CliRunner().invoke(main, ["explain", "--short", "--engine", "python", "-"], input=json.dumps(COMPLAINT))
    assert cli.exit_code == 0 and cli.stdout == text


def test_explain_on_other_files_says_what_they_are(tmp_path: Path) -> None:
    runner = CliRunner()
    scenario = Path(__file__).parent / "scenarios" / "dieu_19.yaml"
    result = runner.invoke(main, ["explain", str(scenario)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {scenario} is a scenario file (")
    assert result.stderr.rstrip().endswith(f"not an event: run it with: quyche check {scenario}")
    case = tmp_path / "case.yaml"
    case.write_text("case: HS-1\nevent: {type: annual_review, year: 2024}\ndone: []\n", encoding="utf-8")
    result = runner.invoke(main, ["explain", str(case)])
    assert result.exit_code == 2 and "is a case file (an event and what has been done about it)" in result.stderr
    assert f"quyche track {case}" in result.stderr
    result = runner.invoke(main, ["explain", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path} is a folder: quyche explain takes one event file (YAML or JSON); "
        f"to run the scenario files of a folder: quyche check {tmp_path}\n"
    )
    rule = Path(__file__).parent.parent / "rules" / "dieu_19.yaml"
    result = runner.invoke(main, ["evaluate", str(rule)])
    assert result.exit_code == 2
    assert "is a rule file, not an event: check the rule files with: quyche validate" in result.stderr
