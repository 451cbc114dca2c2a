"""Amendment files (quyche.amendments) and Regulation.amend: each kind of change, the date of effect, the original
regulation left unchanged, chains of amendments, and the same decisions on both engines.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import quyche
from quyche.amendments import CHANGE_MODELS, AmendedRegulation, read_amendment
from quyche.errors import InvalidEvent, RuleFileError
from quyche.regulation import Regulation
from quyche.testing import json_values

ROOT = Path(__file__).resolve().parent.parent
HOST_2025 = ROOT / "examples" / "amendments" / "dieu_19_host_2025.yaml"
ANSWER_7 = ROOT / "examples" / "amendments" / "dieu_08_answer_citizen.yaml"
REVIEW_2025 = {"type": "annual_review", "year": 2025}
PETITION = {"type": "petition_received", "received_by": "ubnd", "kind": "feedback", "competent_body": "ubnd"}


def amendment(*changes: dict[str, Any], articles: list[int], **extra: Any) -> dict[str, Any]:
    """An amendment as a mapping (the shape of the file)."""
    return {
        "format": "quyche/amendment@1",
        "title_vi": "Sửa đổi thử nghiệm",
        "title_en": "A test amendment",
        "proposed_by": "ubnd",
        "articles": articles,
        **extra,
        "changes": [{"text_vi": "Nội dung sửa đổi.", "text_en": "The change.", **c} for c in changes],
    }


def duty(decision: quyche.Decision, code: str) -> quyche.Responsibility:
    (found,) = [r for r in decision.responsibilities if r.duty == code]
    return found


# ------------------------------------------------------------------------------------------ the date of effect


def test_the_original_regulation_is_unchanged(reg: Regulation) -> None:
    amended = reg.amend(HOST_2025)
    assert isinstance(amended, AmendedRegulation) and amended.previous is reg
    assert amended.engine == reg.engine
    assert reg.evaluate(REVIEW_2025).lead == "btt_ubmttq"
    assert amended.evaluate(REVIEW_2025).lead == "doan_dbqh"
    assert reg.compiled is not amended.compiled
    assert reg.compiled.checked.src is not None
    assert reg.compiled.checked.src.articles[19].model.clause(1).text_vi.endswith("và đề ra giải pháp.")
    assert "Đoàn đại biểu Quốc hội tỉnh (năm 2025)" in amended.compiled.outline.articles[19].clause(1).text_vi
    assert "Đoàn đại biểu Quốc hội tỉnh (năm 2025)" not in reg.compiled.outline.articles[19].clause(1).text_vi


@pytest.mark.parametrize(
    ("event_date", "as_of", "lead"),
    [
        ("2025-02-28", None, "btt_ubmttq"),  # dated before 1/3/2025: the rules before the amendment
        ("2025-03-01", None, "doan_dbqh"),  # from the date of effect: the amended rules
        (None, None, "doan_dbqh"),  # undated: the amended rules (the version in force now)
        ("2025-02-01", "2025-04-01", "doan_dbqh"),  # as_of decides, as for every rule version
        ("2025-04-01", "2025-02-01", "btt_ubmttq"),
        (None, "2025-02-28", "btt_ubmttq"),
    ],
)
def test_the_date_of_effect_decides_which_rules_apply(
    reg: Regulation, event_date: str | None, as_of: str | None, lead: str
) -> None:
    amended = reg.amend(HOST_2025)
    event = dict(REVIEW_2025, **({"date": event_date} if event_date else {}))
    decision = amended.evaluate(event, as_of=as_of)
    assert decision.lead == lead
    reference = date.fromisoformat(as_of or event_date) if (as_of or event_date) else None
    assert amended.version_for(reference).evaluate(event, as_of=as_of) == decision
    assert (amended.version_for(reference) is reg) == (lead == "btt_ubmttq")


def test_evaluate_many_decides_each_event_by_its_date(reg: Regulation) -> None:
    amended = reg.amend(ANSWER_7)
    events = [dict(PETITION, date=f"2024-{m:02d}-10") for m in range(1, 13)] + [PETITION]
    many = list(amended.evaluate_many(events))
    assert many == [amended.evaluate(e) for e in events]
    days = [duty(d, "answer_citizen").deadline.days for d in many]  # type: ignore[union-attr]
    assert days == [10] * 6 + [7] * 6 + [7]


def test_evaluate_many_yields_the_valid_prefix_then_raises(python_reg: Regulation) -> None:
    amended = python_reg.amend(ANSWER_7)
    events = [dict(PETITION, date="2024-06-10"), dict(PETITION, date="2024-08-10"), {"type": "nothing"}, PETITION]
    it = amended.evaluate_many(events)
    assert duty(next(it), "answer_citizen").deadline.days == 10  # type: ignore[union-attr]
    assert duty(next(it), "answer_citizen").deadline.days == 7  # type: ignore[union-attr]
    with pytest.raises(InvalidEvent, match="unknown event type"):
        next(it)


def test_an_invalid_event_or_date_is_an_invalid_event(python_reg: Regulation) -> None:
    amended = python_reg.amend(HOST_2025)
    with pytest.raises(InvalidEvent):
        amended.evaluate({"type": "annual_review"})
    with pytest.raises(InvalidEvent):
        amended.evaluate(REVIEW_2025, as_of="31/12/2025")


def test_why_not_answers_by_the_rules_in_force(python_reg: Regulation) -> None:
    removed = python_reg.amend(
        amendment(
            {"change": "remove_rule", "rule": "dieu_19.evaluation_meeting"},
            articles=[19],
            effective_from=date(2025, 3, 1),
        )
    )
    assert removed.why_not(dict(REVIEW_2025, date="2025-02-10"), "dieu_19.evaluation_meeting").applies
    with pytest.raises(quyche.QuycheError, match="dieu_19.evaluation_meeting"):
        removed.why_not(dict(REVIEW_2025, date="2025-03-10"), "dieu_19.evaluation_meeting")


def test_a_chain_of_amendments_has_a_period_for_each(python_reg: Regulation) -> None:
    first = python_reg.amend(ANSWER_7)  # 7 working days from 1/7/2024
    second = first.amend(
        amendment(
            {
                "change": "change_duty",
                "rule": "dieu_08.answer_citizen",
                "duty": "answer_citizen",
                "set": {"deadline": {"days": 5}},
            },
            articles=[8],
            effective_from=date(2025, 1, 1),
        )
    )
    days = [
        duty(second.evaluate(dict(PETITION, date=d)), "answer_citizen").deadline.days  # type: ignore[union-attr]
        for d in ("2024-06-10", "2024-07-10", "2025-01-10")
    ]
    assert days == [10, 7, 5]
    assert second.version_for(date(2024, 6, 10)) is python_reg


def test_an_amendment_read_from_a_mapping_with_iso_dates(python_reg: Regulation) -> None:
    data = amendment(
        {"change": "change_row", "rule": "dieu_19.host", "row": {"year": 2025}, "set": {"host": "ubnd"}},
        articles=[19],
        effective_from="2025-03-01",
    )
    amended = python_reg.amend(data)
    assert amended.evaluate(dict(REVIEW_2025, date="2025-03-01")).lead == "ubnd"
    data["changes"][0]["rule"] = "dieu_19.hots"
    with pytest.raises(RuleFileError) as info:
        python_reg.amend(data)
    assert info.value.path == "<amendment>" and info.value.field == "changes.0.rule"


def test_the_proposal_of_an_amendment_file_is_an_event_citing_its_articles(python_reg: Regulation) -> None:
    am = read_amendment(HOST_2025)
    decision = python_reg.evaluate(am.model.event())
    assert decision.lead == "btt_ubmttq"
    assert 19 in decision.cited_articles and 20 in decision.cited_articles


# ------------------------------------------------------------------------------------------ each kind of change


def test_every_kind_of_change_is_tested_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    for kind in CHANGE_MODELS:
        assert f'"change": "{kind}"' in source, kind


NEW_RULE = {
    "id": "dieu_20.ubnd_drafts",
    "event": "amendment_proposed",
    "provenance": {"source": "reconstructed"},
    "text_vi": "Ủy ban nhân dân tỉnh luôn chủ trì dự thảo sửa đổi.",
    "text_en": "The People's Committee always drafts the amendment.",
    "lead": "ubnd",
    "coordinating": ["all_parties"],
}


def test_replace_rule(reg: Regulation) -> None:
    amended = reg.amend(
        amendment({"change": "replace_rule", "rule": "dieu_20.amendment", "with": NEW_RULE}, articles=[20])
    )
    decision = amended.evaluate({"type": "amendment_proposed", "proposed_by": "tt_hdnd"})
    assert decision.lead == "ubnd"
    assert "dieu_20.amendment" not in [t.rule for t in decision.trace]
    assert "dieu_20.ubnd_drafts" in [t.rule for t in decision.trace]


def test_add_rule_after_another(reg: Regulation) -> None:
    rule = dict(NEW_RULE, lead=None, notified=["tt_tinh_uy"])
    del rule["lead"]
    amended = reg.amend(
        amendment({"change": "add_rule", "article": 20, "after": "dieu_20.amendment", "rule": rule}, articles=[20])
    )
    decision = amended.evaluate({"type": "amendment_proposed", "proposed_by": "tt_hdnd"})
    assert decision.lead == "tt_hdnd" and "tt_tinh_uy" in decision.notified
    rules = [r["id"] for r in amended.compiled.checked.src.articles[20].doc.data["rules"]]  # type: ignore[union-attr]
    assert rules == ["dieu_20.amendment", "dieu_20.ubnd_drafts"]


def test_remove_rule(reg: Regulation) -> None:
    amended = reg.amend(amendment({"change": "remove_rule", "rule": "dieu_19.evaluation_meeting"}, articles=[19]))
    decision = amended.evaluate(REVIEW_2025)
    assert decision.lead == "btt_ubmttq" and decision.coordinating == []
    assert not [r for r in decision.responsibilities if r.duty == "host_annual_evaluation"]


def test_change_rule_sets_and_removes_keys(reg: Regulation) -> None:
    amended = reg.amend(
        amendment(
            {
                "change": "change_rule",
                "rule": "dieu_19.evaluation_meeting",
                "set": {"notified": ["tt_tinh_uy", "public"]},
            },
            {"change": "change_rule", "rule": "dieu_20.amendment", "set": {"cites": None}},
            articles=[19, 20],
        )
    )
    assert amended.evaluate(REVIEW_2025).notified == ["public", "tt_tinh_uy"]
    proposal = {"type": "amendment_proposed", "proposed_by": "ubnd", "articles": [8]}
    assert 8 in reg.evaluate(proposal).cited_articles
    assert 8 not in amended.evaluate(proposal).cited_articles


def test_change_duty_merges_the_deadline(reg: Regulation) -> None:
    amended = reg.amend(ANSWER_7)
    before = duty(reg.evaluate(dict(PETITION, date="2024-07-10")), "answer_citizen")
    after = duty(amended.evaluate(dict(PETITION, date="2024-07-10")), "answer_citizen")
    assert before.deadline is not None and after.deadline is not None
    assert (before.deadline.days, after.deadline.days) == (10, 7)
    assert (after.deadline.unit, after.deadline.relation, after.deadline.anchor) == ("working_days", "within", "date")
    assert after.deadline.due == date(2024, 7, 19)  # 7 working days from Wednesday 10/7/2024
    assert "07 ngày làm việc" in after.text_vi
    assert after.provenance == "reconstructed" and before.provenance == "law"


def test_add_and_remove_duty(reg: Regulation) -> None:
    new_duty = {
        "party": "lead",
        "duty": "publish_evaluation",
        "mode": "for_information",
        "deadline": {"days": 15, "unit": "days", "relation": "within", "anchor": "date"},
        "text_vi": "Công khai kết quả đánh giá.",
        "text_en": "Publish the outcome of the evaluation.",
    }
    amended = reg.amend(
        amendment(
            {"change": "add_duty", "rule": "dieu_19.evaluation_meeting", "responsibility": new_duty},
            {"change": "remove_duty", "rule": "dieu_19.evaluation_meeting", "duty": "report_on_implementation"},
            articles=[19],
        )
    )
    decision = amended.evaluate(dict(REVIEW_2025, date="2025-06-02"))
    published = duty(decision, "publish_evaluation")
    assert published.party == "btt_ubmttq" and published.deadline is not None
    assert published.deadline.due == date(2025, 6, 17)
    assert not [r for r in decision.responsibilities if r.duty == "report_on_implementation"]


def test_change_add_and_remove_rows(reg: Regulation) -> None:
    amended = reg.amend(
        amendment(
            {"change": "change_row", "rule": "dieu_19.host", "row": {"year": 2024}, "set": {"host": "tt_hdnd"}},
            {"change": "add_row", "rule": "dieu_19.host", "row": {"year": 2026, "host": "doan_dbqh"}},
            {"change": "remove_row", "rule": "dieu_19.host", "row": {"year": 2022}},
            articles=[19],
        )
    )
    leads = {y: amended.evaluate({"type": "annual_review", "year": y}).lead for y in (2022, 2024, 2025, 2026)}
    assert leads == {2022: None, 2024: "tt_hdnd", 2025: "btt_ubmttq", 2026: "doan_dbqh"}
    assert amended.evaluate({"type": "annual_review", "year": 2022}).warning_codes == ["review_year_unscheduled"]


def test_change_and_add_clauses(reg: Regulation) -> None:
    amended = reg.amend(
        amendment(
            {
                "change": "add_clause",
                "article": 20,
                "clause": {"clause": 2, "text_vi": "Khoản mới.", "text_en": "New."},
            },
            {"change": "change_rule", "rule": "dieu_20.amendment", "set": {"clause": 2}},
            {"change": "change_clause", "article": 20, "clause": 1, "set": {"text_en": "Amended."}},
            articles=[20],
        )
    )
    decision = amended.evaluate({"type": "amendment_proposed", "proposed_by": "ubnd"})
    assert [c.clause for c in decision.citations if c.article == 20] == [2]
    article = amended.compiled.outline.articles[20]
    assert article.clause(1).text_en == "Amended." and article.clause(2).text_vi == "Khoản mới."
    assert article.clause(1).text_vi == reg.compiled.outline.articles[20].clause(1).text_vi


def test_a_change_to_a_point_a_clause_does_not_have(python_reg: Regulation) -> None:
    with pytest.raises(RuleFileError, match=r"changes\.0\.point: khoản 1 Điều 19 has no point a \(its points: none\)"):
        python_reg.amend(
            amendment(
                {"change": "change_clause", "article": 19, "clause": 1, "point": "a", "set": {"text_vi": "x"}},
                articles=[19],
            )
        )


def test_a_duty_several_parties_share_needs_its_party(python_reg: Regulation) -> None:
    two = dict(
        NEW_RULE,
        responsibilities=[
            {"party": "ubnd", "duty": "draft", "text_vi": "Dự thảo.", "text_en": "Draft."},
            {"party": "tt_hdnd", "duty": "draft", "text_vi": "Dự thảo.", "text_en": "Draft."},
        ],
    )
    base = python_reg.amend(
        amendment({"change": "replace_rule", "rule": "dieu_20.amendment", "with": two}, articles=[20])
    )
    change = {"change": "change_duty", "rule": "dieu_20.ubnd_drafts", "duty": "draft", "set": {"mode": "meeting"}}
    with pytest.raises(RuleFileError, match="gives the duty 'draft' to several parties"):
        base.amend(amendment(change, articles=[20]))
    amended = base.amend(amendment(dict(change, party="tt_hdnd"), articles=[20]))
    modes = {
        r.party: r.mode
        for r in amended.evaluate({"type": "amendment_proposed", "proposed_by": "ubnd"}).responsibilities
        if r.duty == "draft"
    }
    assert modes == {"ubnd": None, "tt_hdnd": "meeting"}


def test_an_amended_rule_set_passes_every_load_time_check(python_reg: Regulation) -> None:
    # an exception that can never override its rule is refused, as in a rule file
    rule = dict(NEW_RULE, id="dieu_20.never", exception_to="dieu_19.host", event="annual_review", when={"year": 1990})
    del rule["coordinating"]
    with pytest.raises(RuleFileError) as info:
        python_reg.amend(amendment({"change": "add_rule", "article": 20, "rule": rule}, articles=[20]))
    assert info.value.path == "<amendment>" and "changes.0.rule" in str(info.value)


BASE = {"format": "quyche/amendment@1", "title_vi": "a", "title_en": "b", "proposed_by": "ubnd", "articles": [19]}


@settings(max_examples=150, deadline=None)
@given(json_values(), st.sampled_from(list(CHANGE_MODELS)))
def test_any_value_in_an_amendment_is_a_rule_file_error_or_valid(python_reg: Regulation, value: Any, kind: str) -> None:
    """Never a traceback: any JSON value where an amendment, a change or a change's key is expected."""
    candidates = [
        value,
        dict(BASE, changes=value),
        dict(BASE, changes=[value]),
        dict(BASE, changes=[{"change": kind, "rule": "dieu_19.host", "text_vi": "a", "text_en": "b", "set": value}]),
        dict(BASE, changes=[{"change": kind, "rule": "dieu_19.host", "row": value, "text_vi": "a", "text_en": "b"}]),
        dict(BASE, changes=[{"change": kind, "article": 19, "clause": value, "text_vi": "a", "text_en": "b"}]),
    ]
    for data in candidates:
        if not isinstance(data, dict):
            continue
        try:
            python_reg.amend(data)
        except RuleFileError as exc:
            assert exc.path == "<amendment>" and str(exc)


def test_an_error_the_amended_rules_fail_names_the_change_that_causes_it(python_reg: Regulation) -> None:
    changes = [
        {"change": "change_row", "rule": "dieu_19.host", "row": {"year": 2024}, "set": {"host": "tt_hdnd"}},
        {"change": "change_clause", "article": 19, "clause": 1, "set": {"text_en": "Reworded."}},
        {"change": "change_row", "rule": "dieu_19.host", "row": {"year": 2025}, "set": {"host": "ubnd_tinh"}},
        {"change": "change_clause", "article": 19, "clause": 1, "set": {"text_vi": "Lời văn mới."}},
    ]
    with pytest.raises(RuleFileError) as info:
        python_reg.amend(amendment(*changes, articles=[19]))
    assert info.value.field == "changes.2"
    assert "column 'host' holds 'ubnd_tinh', which is not a body" in str(info.value)
