"""The regulation as the summary states it: the rotation (Điều 19), amendments (Điều 20), validity
(Điều 23), the outline, and the public API (contract §4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import quyche
from quyche.chapters.chuong_1 import PARTIES
from quyche.regulation import Regulation, bundled_rules_dir

ROTATION = {2022: "doan_dbqh", 2023: "tt_hdnd", 2024: "ubnd", 2025: "btt_ubmttq"}


@pytest.mark.parametrize(("year", "host"), sorted(ROTATION.items()))
def test_annual_review_host_rotates_as_the_summary_states(reg: Regulation, year: int, host: str) -> None:
    d = reg.evaluate({"type": "annual_review", "year": year, "date": f"{year}-06-01"})
    assert d.lead == host
    assert d.coordinating == sorted(set(PARTIES) - {host})
    assert "tt_tinh_uy" in d.notified
    assert "meeting" in d.modes
    assert 19 in d.cited_articles
    assert d.warning_codes == []
    assert any(r.party == host and r.duty == "host_annual_evaluation" for r in d.responsibilities)


@pytest.mark.parametrize("year", [2021, 2026, 2030])
def test_annual_review_outside_the_rotation_has_no_lead_and_says_why(reg: Regulation, year: int) -> None:
    d = reg.evaluate({"type": "annual_review", "year": year})
    assert d.lead is None
    assert "review_year_unscheduled" in d.warning_codes
    assert d.coordinating == sorted(PARTIES)


@pytest.mark.parametrize("proposer", PARTIES)
def test_the_proposing_body_leads_an_amendment_with_the_other_three(reg: Regulation, proposer: str) -> None:
    d = reg.evaluate({"type": "amendment_proposed", "proposed_by": proposer, "articles": [19], "date": "2023-05-02"})
    assert d.lead == proposer
    assert d.coordinating == sorted(set(PARTIES) - {proposer})
    assert 20 in d.cited_articles
    assert d.warning_codes == []
    assert quyche.regulation.bundled_rules_dir().is_dir()


@pytest.mark.parametrize(
    ("as_of", "outside"),
    [("2021-06-30", True), ("2021-07-01", False), ("2024-06-01", False), ("2025-06-30", False), ("2025-07-01", True)],
)
def test_validity_boundaries(reg: Regulation, as_of: str, outside: bool) -> None:
    d = reg.evaluate({"type": "annual_review", "year": 2024}, as_of=as_of)
    assert ("outside_validity" in d.warning_codes) is outside
    assert d.lead == "ubnd"  # the rotation still says who hosts; the warning says the regulation had lapsed


def test_as_of_overrides_the_event_date(reg: Regulation) -> None:
    event = {"type": "annual_review", "year": 2024, "date": "2030-01-01"}
    assert "outside_validity" in reg.evaluate(event).warning_codes
    assert "outside_validity" not in reg.evaluate(event, as_of="2024-01-01").warning_codes
    assert str(reg.evaluate(event, as_of="2024-01-01").reference_date) == "2024-01-01"


def test_undated_event_has_no_validity_warning(reg: Regulation) -> None:
    d = reg.evaluate({"type": "annual_review", "year": 2024})
    assert d.reference_date is None and d.warning_codes == []


def test_outline_has_7_chapters_and_23_articles(python_reg: Regulation) -> None:
    assert [c.number for c in python_reg.chapters] == list(range(1, 8))
    assert [a.number for a in python_reg.articles] == list(range(1, 24))
    by_chapter = {c.number: c.articles for c in python_reg.chapters}
    for article in python_reg.articles:
        assert article.number in by_chapter[article.chapter]
        assert article.title_vi and article.title_en
    assert python_reg.validity is not None


def test_engine_names(python_reg: Regulation, durable_reg: Regulation) -> None:
    assert python_reg.engine == "python"
    assert durable_reg.engine == "durable"
    assert quyche.load().engine == "durable"  # auto: durable imports on this machine


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(quyche.QuycheError):
        quyche.load(engine="drools")  # type: ignore[arg-type]


def test_decision_json_has_the_contract_keys(reg: Regulation) -> None:
    d = reg.evaluate({"type": "amendment_proposed", "proposed_by": "ubnd", "id": "A-1"})
    data = json.loads(json.dumps(d.model_dump(mode="json")))
    for key in (
        "event_type", "event_id", "lead", "coordinating", "notified", "advising", "modes",
        "responsibilities", "citations", "warnings", "trace",
    ):  # fmt: skip
        assert key in data
    assert data["event_id"] == "A-1"
    for resp in data["responsibilities"]:
        assert set(resp) >= {"party", "duty", "text_vi", "text_en", "mode", "deadline", "citation", "provenance"}
        assert resp["provenance"] in ("summary", "law", "reconstructed")
    for cite in data["citations"]:
        assert set(cite) >= {"chapter", "article", "clause", "label"} and 1 <= cite["article"] <= 23
    for entry in data["trace"]:
        assert set(entry) == {"rule", "article", "reason", "held", "row"}


def test_both_engines_agree_on_the_contract_examples(python_reg: Regulation, durable_reg: Regulation) -> None:
    events = [{"type": "annual_review", "year": y} for y in range(2020, 2028)] + [
        {"type": "amendment_proposed", "proposed_by": p, "date": "2022-01-10"} for p in PARTIES
    ]
    for event in events:
        assert python_reg.evaluate(event) == durable_reg.evaluate(event)


def test_public_api_is_small_and_pinned() -> None:
    from quyche.events import EVENT_MODELS

    assert sorted(quyche.__all__) == sorted(
        [
            "Citation", "Deadline", "Decision", "DecisionWarning", "InvalidEvent", "QuycheError", "Regulation",
            "RegulationClosed", "Responsibility", "RuleFileError", "TraceEntry", "label", "load", "parse_event",
            # typed events and identifiers (issue 14)
            "Event", "EventBase", "EventType", "ErrorDetail", "PartyId", "OfficeId", "OtherRecipientId", "BodyId",
            "ModeId", *(m.__name__ for m in EVENT_MODELS),
            # cases over time (contract §8)
            "AuditSummary", "Case", "CaseStatus", "DoneEntry", "DutyStatus", "audit", "parse_case",
        ]
    )  # fmt: skip
    for name in quyche.__all__:
        assert getattr(quyche, name) is not None
    assert quyche.label("ubnd") == "Ủy ban nhân dân tỉnh"
    assert quyche.label("ubnd", "en") == "Provincial People's Committee"


def test_every_identifier_has_both_labels() -> None:
    from quyche.chapters.chuong_1 import RECIPIENTS
    from quyche.chapters.chuong_4 import MODES

    for identifier in (*RECIPIENTS, *MODES):
        assert quyche.label(identifier, "vi") != identifier
        assert quyche.label(identifier, "en") != identifier


def test_closed_durable_regulation_refuses_politely() -> None:
    reg = quyche.load(engine="durable")
    reg.close()
    reg.close()  # idempotent
    with pytest.raises(quyche.RegulationClosed):
        reg.evaluate({"type": "annual_review", "year": 2024})


def test_dropped_durable_regulation_releases_its_rulesets(tmp_path: Path) -> None:
    """durable-rules keeps rulesets in a process-wide C table: a Regulation that is simply dropped must
    still release them (a service that reloads its rules must not run out of handles). Rulesets are
    shared by Regulations of the same rules, so this test uses rules of its own (one changed year)."""
    import gc
    import shutil

    from quyche.rules import durable_adapter

    root = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), root)
    art = root / "dieu_19.yaml"
    art.write_text(art.read_text(encoding="utf-8").replace("{year: 2025, host", "{year: 2925, host"), encoding="utf-8")

    def annual_review_rulesets(r: Regulation) -> tuple[object, ...]:
        assert isinstance(r._engine, durable_adapter.DurableEngine)
        return r._engine._sets["annual_review"]

    reg = quyche.load(root, engine="durable")
    used = annual_review_rulesets(reg)
    assert [rs.refs for rs in used] == [1]  # type: ignore[attr-defined]
    release = reg._engine._release  # type: ignore[union-attr]
    del reg
    gc.collect()
    assert not release.alive  # the finalizer ran: the release is queued (it never takes the engine lock)
    with quyche.load(root, engine="durable") as other:  # the next call into the engine drains the queue
        assert annual_review_rulesets(other) == used  # the same ruleset, reused
        assert [rs.refs for rs in used] == [1]  # type: ignore[attr-defined]
        assert other.evaluate({"type": "annual_review", "year": 2925}).lead == "btt_ubmttq"
    assert [rs.refs for rs in used] == [0]  # type: ignore[attr-defined]  # idle, kept for the next load
