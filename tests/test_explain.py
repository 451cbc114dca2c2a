"""Explanations for people: golden files (tests/golden/), deadlines, reasons in words, the CLI."""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from quyche.cli import main
from quyche.decision import Deadline
from quyche.explain import condition_text, deadline_text, explain, reason_text
from quyche.regulation import Regulation
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
        "Căn cứ áp dụng: thuộc trường hợp hội nghị đánh giá Quy chế hằng năm; năm đánh giá là 2024. [dieu_19.host_2024]"
        in text
    )
    assert "Khoản 1 Điều 19" in text
    for english in ("event;", "applies to every", " and ", "Because"):
        assert english not in text


def test_english_explanation(reg: Regulation) -> None:
    text = explain(reg.evaluate(EXAMPLE), "en", regulation=reg, event=EXAMPLE)
    assert "Chairs (chủ trì): Provincial People's Committee (ubnd)" in text
    assert "Article 19(1) (Chapter VI): Annual evaluation of the regulation" in text
    assert "Because: the event is an annual evaluation of the regulation; the year is 2024. [dieu_19.host_2024]" in text


def test_warnings_and_reasons_with_dates(reg: Regulation) -> None:
    event = {"type": "annual_review", "year": 2026}
    decision = reg.evaluate(event, as_of="2026-01-15")
    vi = explain(decision, "vi", regulation=reg, event=event)
    assert "Cơ quan chủ trì: không xác định (xem phần lưu ý)" in vi
    assert "[review_year_unscheduled]" in vi and "[outside_validity]" in vi
    assert "ngày làm căn cứ áp dụng (15/01/2026) sau ngày 30/06/2025" in vi
    assert "năm đánh giá (2026) không phải là 2022, 2023, 2024 hoặc 2025" in vi
    en = explain(decision, "en", regulation=reg, event=event)
    assert "the reference date (2026-01-15) is after 2025-06-30" in en


def test_without_the_regulation_the_trace_is_shown(python_reg: Regulation) -> None:
    text = explain(python_reg.evaluate(EXAMPLE))
    assert "dieu_19.host_2024 (Điều 19): annual_review event; year = 2024" in text


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
    assert deadline_text(b, "en").startswith("at least 5 days before the session's opening — due date unknown")


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
    kinds = {"any": [{"field": "kind", "op": "eq", "value": v} for v in ("complaint", "denunciation")]}
    assert condition_text(kinds, None, "vi") == "loại đơn là khiếu nại hoặc tố cáo"
    assert condition_text(kinds, {"kind": "denunciation"}, "vi") == "loại đơn là tố cáo"
    both = {
        "all": [
            {"field": "received_by", "op": "eq", "value": "ubnd"},
            {"field": "complex", "op": "eq", "value": True},
            {"field": "submission_date", "op": "not_exists"},
        ]
    }
    assert condition_text(both, None, "vi") == (
        "cơ quan tiếp nhận là Ủy ban nhân dân tỉnh và vụ việc phức tạp và không nêu ngày trình dự thảo"
    )
    assert condition_text(both, None, "en") == (
        "the receiving body is Provincial People's Committee and the case is complex"
        " and the submission date is not given"
    )
    not_remote = {"field": "remote_area", "op": "ne", "value": True}
    assert condition_text(not_remote, None, "vi") == "người gửi không ở vùng sâu, vùng xa"
    assert reason_text("petition_received", None, None, "vi") == (
        "thuộc trường hợp tiếp nhận đơn thư khiếu nại, tố cáo, phản ánh, kiến nghị"
    )
    central = {"field": "competent_body", "op": "eq", "value": "central"}
    assert condition_text(central, None, "vi") == "đơn thuộc thẩm quyền giải quyết của cơ quan Trung ương"


def test_explain_command(tmp_path: Path) -> None:
    event = tmp_path / "event.yaml"
    event.write_text("type: amendment_proposed\nproposed_by: ubnd\narticles: [19, 20]\n", encoding="utf-8")
    runner = CliRunner()
    vi = runner.invoke(main, ["explain", "--engine", "python", str(event)])
    assert vi.exit_code == 0 and vi.stdout.startswith("Sự việc: Đề xuất sửa đổi, bổ sung Quy chế (amendment_proposed)")
    assert "Cơ quan chủ trì: Ủy ban nhân dân tỉnh (ubnd)" in vi.stdout
    en = runner.invoke(main, ["explain", "--engine", "python", "--lang", "en", str(event)])
    assert en.exit_code == 0 and "Chairs (chủ trì): Provincial People's Committee (ubnd)" in en.stdout
