"""The pipeline's stages one by one (docs/architecture.md): parse, check, compile, evaluate, assemble — on small
rule sets compiled alone (``quyche.testing.compile_article``), without copying the rules folder.
"""

from __future__ import annotations

from typing import Any

import pytest

import quyche
from quyche.chapters.chuong_1 import SETS
from quyche.regulation import Regulation
from quyche.rules import check as check_module
from quyche.rules import conditions as C
from quyche.rules.syntax import Body, SyntaxProblem, leaves, parse_body, parse_condition
from quyche.testing import article_file, compile_article

ENGINES = ["python", "durable"]


def _rule(rule_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"dieu_21.{rule_id}",
        "event": "report_issued",
        "clause": 1,
        "provenance": {"source": "reconstructed"},
        "text_vi": "Quy tắc kiểm thử.",
        "text_en": "A test rule.",
        **extra,
    }


def _regulation(rules: list[dict[str, Any]], engine: str) -> Regulation:
    return Regulation(compile_article(article_file(rules)), engine)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------- parse


def test_tests_are_numbered_in_document_order() -> None:
    node = parse_condition(
        {"kind": "complaint", "any": [{"round": 2}, {"complex": True}], "received_by": {"in": "parties"}}, sets=SETS
    )
    assert [(t.index, t.field, t.op) for t in leaves(node)] == [
        (0, "kind", "eq"),
        (1, "round", "eq"),
        (2, "complex", "eq"),
        (3, "received_by", "in"),
    ]
    (named,) = [t for t in leaves(node) if t.op == "in"]
    assert named.set_name == "parties" and named.value == SETS["parties"]


@pytest.mark.parametrize(
    ("cond", "loc", "message"),
    [
        ({"kind": ["complaint"]}, ("kind",), "write kind: {in: [..]}"),
        ({"kind": {"is": "complaint"}}, ("kind", "is"), "unknown test 'is'"),
        ({"kind": {"in": "partys"}}, ("kind", "in"), "did you mean 'parties'?"),
        ({"kind": {"same_as": "kind"}}, ("kind", "same_as"), "compares kind with itself"),
        ({"any": []}, ("any",), "takes a list of conditions"),
        ({"round": {"given": "yes"}}, ("round", "given"), "takes true or false"),
    ],
)
def test_a_condition_that_does_not_parse_says_where(cond: dict[str, Any], loc: tuple[str, ...], message: str) -> None:
    with pytest.raises(SyntaxProblem) as info:
        parse_condition(cond, sets=SETS)
    assert info.value.loc == loc and message in info.value.message


def test_body_expressions_parse_once() -> None:
    assert parse_body("office_of(event.received_by)") == Body("office_of", inner=Body("event", "received_by"))
    assert parse_body("row.host") == Body("row", "host")
    assert not parse_body("other_parties").single
    with pytest.raises(SyntaxProblem):
        parse_body("office_of(")


# --------------------------------------------------------------------------------------------- check


def test_a_named_set_may_hold_values_a_field_never_takes() -> None:
    """``outside_bodies`` has central and judicial; resolved_by takes only other_local of them."""
    plan = compile_article(
        article_file([{**_rule("r"), "event": "petition_resolved", "when": {"resolved_by": {"in": "outside_bodies"}}}])
    )
    assert plan.units[0].when == {
        "any": [
            {"field": "resolved_by", "op": "eq", "value": "central"},
            {"field": "resolved_by", "op": "eq", "value": "judicial"},
            {"field": "resolved_by", "op": "eq", "value": "other_local"},
        ]
    }


def test_an_exception_inherits_the_condition_of_the_rule_it_overrides() -> None:
    plan = compile_article(
        article_file(
            [
                _rule("general", when={"report": "annual"}),
                _rule("narrow", when={"issued_by": "ubnd"}, exception_to="dieu_21.general"),
            ]
        )
    )
    narrow = plan.by_id["dieu_21.narrow"]
    fact = {"report": "thematic", "issued_by": "ubnd"}
    assert not C.holds(narrow.when, fact), "the exception applies only where the general rule would"
    assert C.holds(narrow.when, {**fact, "report": "annual"})
    assert plan.exceptions == {"dieu_21.general": frozenset({"dieu_21.narrow"})}


def test_an_exception_may_not_reach_beyond_the_event_types_of_its_rule() -> None:
    rules = [_rule("general"), _rule("narrow", event="annual_review", exception_to="dieu_21.general")]
    with pytest.raises(quyche.RuleFileError, match="does not apply to them"):
        compile_article(article_file(rules))


def test_leads_of_a_default_and_its_exception_do_not_conflict() -> None:
    rules = [_rule("general", lead="ubnd"), _rule("narrow", when={"issued_by": "tt_hdnd"}, lead="tt_hdnd")]
    with pytest.raises(quyche.RuleFileError, match="can both apply"):
        compile_article(article_file(rules))
    rules[1]["exception_to"] = "dieu_21.general"
    compile_article(article_file(rules))


def test_the_lead_conflict_check_compares_only_rules_that_share_a_case() -> None:
    """reliability review defect 9: 3,000 rules that each fix a year (and name alternating leads) are checked in
    near-linear work — pairs are bucketed by the value they fix, only rules in one bucket are compared exactly.
    """
    leads = ["ubnd", "tt_hdnd"]
    rules = [
        {**_rule(f"y{y}"), "event": "annual_review", "when": {"year": y}, "lead": leads[y % 2]}
        for y in range(3000, 6000)
    ]
    calls = 0
    real = check_module.satisfiable

    def counting(*args: Any, **kwargs: Any) -> bool:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(check_module, "satisfiable", counting)
        plan = compile_article(article_file(rules))
    assert len(plan.units) == 3000
    assert calls < 100, f"{calls} exact comparisons for 3,000 rules that never share a case"


def test_integer_constants_beyond_64_bits_are_refused() -> None:
    rule = {**_rule("big"), "event": "annual_review", "when": {"year": {"ge": 2**63}}}
    with pytest.raises(quyche.RuleFileError, match="64-bit"):
        compile_article(article_file([rule]))


# --------------------------------------------------------------------------------------- compile


def test_a_table_becomes_one_unit_per_row_with_its_values_filled_in() -> None:
    rule = {
        **_rule("by_report"),
        "table": {
            "keys": ["report"],
            "rows": [
                {"report": "annual", "body": "tt_tinh_uy", "days": 10},
                {"report": "six_month", "body": "ubtvqh", "days": 5},
                {"report": "work_programme", "body": "public", "days": 3},
                {"report": "thematic", "body": "citizen", "days": 1},
            ],
        },
        "text_vi": "Gửi {body} trong {days} ngày.",
        "notified": ["row.body"],
        "responsibilities": [
            {
                "party": "event.issued_by",
                "duty": "send_report",
                "deadline": {"days": "row.days", "unit": "days", "relation": "within", "anchor": "date"},
                "text_vi": "Gửi báo cáo trong {days} ngày.",
                "text_en": "Send the report within {days} days.",
            }
        ],
    }
    plan = compile_article(article_file([rule]))
    assert [u.id for u in plan.units] == [f"dieu_21.by_report#{n}" for n in (1, 2, 3, 4)]
    second = plan.units[1]
    assert second.row == 2 and second.notified == (Body("fixed", "ubtvqh"),)
    assert second.text_vi == "Gửi Ủy ban Thường vụ Quốc hội trong 5 ngày."
    assert second.duties[0].days == 5 and second.duties[0].text_en == "Send the report within 5 days."


# ---------------------------------------------------------------------------- evaluate and assemble


@pytest.mark.parametrize("engine", ENGINES)
def test_the_most_specific_exception_applies(engine: str) -> None:
    rules = [
        _rule("general", lead="ubnd"),
        _rule("narrow", when={"report": "annual"}, exception_to="dieu_21.general", lead="tt_hdnd"),
        _rule("narrowest", when={"issued_by": "btt_ubmttq"}, exception_to="dieu_21.narrow", lead="btt_ubmttq"),
    ]
    reg = _regulation(rules, engine)
    event = {"type": "report_issued", "issued_by": "btt_ubmttq", "report": "annual"}
    assert [t.rule for t in reg.evaluate(event).trace] == ["dieu_21.narrowest"]
    assert reg.evaluate({**event, "issued_by": "ubnd"}).lead == "tt_hdnd"
    assert reg.evaluate({**event, "report": "thematic"}).lead == "ubnd"
    why = reg.why_not(event, "dieu_21.general")
    assert why.overridden_by == ["dieu_21.narrowest"]  # narrow gave way too: only what applied is named
    reg.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_decision_uses_the_modes_its_duties_are_carried_out_in(engine: str) -> None:
    duty = {"party": "event.issued_by", "duty": "present", "mode": "attend", "text_vi": "Dự.", "text_en": "Attend."}
    reg = _regulation([_rule("r", modes=["meeting"], responsibilities=[duty])], engine)
    assert reg.evaluate({"type": "report_issued", "issued_by": "ubnd", "report": "annual"}).modes == [
        "attend",
        "meeting",
    ]
    reg.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_two_reasons_under_one_warning_code_are_both_kept(engine: str) -> None:
    """legal review D4: warnings were merged by code, and the second reason was lost."""

    def warn(rule_id: str, text: str) -> dict[str, Any]:
        w = {"code": "unforeseen_combination", "message_vi": text, "message_en": text}
        return _rule(rule_id, warnings=[w])

    reg = _regulation([warn("a", "First reason."), warn("b", "Second reason.")], engine)
    d = reg.evaluate({"type": "report_issued", "issued_by": "ubnd", "report": "annual"})
    assert [w.message for w in d.warnings] == ["First reason.", "Second reason."]
    reg.close()
