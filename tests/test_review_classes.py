"""The defect classes of the December 2026 legal review (issue 9), checked on every combination.

The sweep builds, for every event type, every combination of its enumerated fields (parties,
enumerations, booleans true/false/absent, rounds 1/2/absent, years, article lists), with its optional
date fields absent or given (six and thirty days after the event's date), each undated and on five dates
around the breaks of 2024–2025 (Tết 2024, 30/4 2024, 2/9 2024, before and after NQLT 72/2025 took
effect, 30/4 2025). Each event is evaluated on both engines and every detector of
``tests/review_classes.py`` must find nothing: the general rule of each class holds for every
combination, not only for the review's example. The review's own examples follow, each with the
corrected decision it must give.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from review_classes import DETECTORS

from quyche.decision import Decision
from quyche.events import EVENT_TYPES, FIELD_SPECS, LATER_DATES
from quyche.regulation import Regulation
from quyche.testing import later_dates_in_order

DATES: tuple[date | None, ...] = (
    None,
    date(2024, 2, 7),
    date(2024, 4, 26),
    date(2024, 8, 30),
    date(2025, 2, 15),
    date(2025, 4, 29),
)
_OTHER_VALUES: dict[str, list[Any]] = {"year": [2021, 2022, 2024, 2026], "articles": [None, [5, 19]]}


def _values(event_type: str, name: str, day: date | None) -> list[Any]:
    spec = FIELD_SPECS[event_type][name]
    if name in _OTHER_VALUES:
        values = list(_OTHER_VALUES[name])
    elif spec.kind == "enum":
        values = list(spec.values)
    elif spec.kind == "bool":
        values = [True, False]
    elif spec.kind == "date":
        base = day or date(2024, 9, 16)
        values = [(base + timedelta(days=6)).isoformat(), (base + timedelta(days=30)).isoformat()]
    else:  # id and other free text
        return [None]
    if not spec.required and None not in values:
        values.append(None)
    return values


def sweep() -> Iterator[dict[str, Any]]:
    """Every combination of every event type's values, on each of ``DATES``; the later dates of a case
    (``acceptance_date`` …) are given together: all absent, all six days or all thirty days after the
    event's date, then put in the order they must keep (``quyche.testing.later_dates_in_order``)."""
    seen: set[str] = set()
    for event_type in sorted(EVENT_TYPES):
        later = list(LATER_DATES[event_type])
        names = [n for n in FIELD_SPECS[event_type] if n not in ("id", "date", *later)]
        for day in DATES:
            base = day or date(2024, 9, 16)
            for combo in itertools.product(*(_values(event_type, n, day) for n in names)):
                for offset in (None, 6, 30) if later else (None,):
                    event: dict[str, Any] = {"type": event_type}
                    event.update({n: v for n, v in zip(names, combo, strict=True) if v is not None})
                    if day is not None:
                        event["date"] = day.isoformat()
                    if offset is not None:
                        event.update({n: (base + timedelta(days=offset)).isoformat() for n in later})
                    later_dates_in_order(event)
                    key = json.dumps(event, sort_keys=True)
                    if key not in seen:
                        seen.add(key)
                        yield event


EVENTS = list(sweep())


@pytest.fixture(scope="module")
def decided(reg: Regulation) -> list[Decision]:
    """The decision of every event of the sweep, on each engine."""
    return [reg.evaluate(e) for e in EVENTS]


def test_the_sweep_is_large_and_reaches_every_type() -> None:
    assert len(EVENTS) > 15_000
    assert {e["type"] for e in EVENTS} == set(EVENT_TYPES)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_no_combination_falls_in_the_class(reg: Regulation, decided: list[Decision], name: str) -> None:
    detector = DETECTORS[name]
    found = [(v, e) for e, d in zip(EVENTS, decided, strict=True) for v in detector(e, d, reg)]
    assert not found, f"{name}: {len(found)} cases, e.g. {found[:3]}"


def test_both_engines_agree_on_the_sweep(python_reg: Regulation, durable_reg: Regulation) -> None:
    for event in EVENTS[::7]:
        assert durable_reg.evaluate(event) == python_reg.evaluate(event), event


# --------------------------------------------------------------------------------------------------
# The review's examples (§2), each with the decision it must now give


def _duties(d: Decision, party: str, duty: str) -> list[Any]:
    return [r for r in d.responsibilities if r.party == party and r.duty == duty]


def test_d1_forwarded_denunciation(reg: Regulation) -> None:
    event = {
        "type": "petition_received",
        "received_by": "doan_dbqh",
        "kind": "denunciation",
        "competent_body": "ubnd",
        "date": "2024-02-05",
    }
    d = reg.evaluate(event)
    (intake,) = _duties(d, "ubnd", "process_denunciation")
    assert intake.deadline is not None and intake.provenance == "law"
    assert (intake.deadline.days, intake.deadline.unit, intake.deadline.anchor) == (
        7,
        "working_days",
        "transfer_receipt_date",
    )
    assert intake.deadline.due is None  # the event gives the delegation's receipt, not the People's Committee's
    (forward,) = _duties(d, "doan_dbqh", "forward_petition")
    assert forward.deadline is not None and forward.deadline.due == date(2024, 2, 19)


def test_d2_outside_competence_and_other_local(reg: Regulation) -> None:
    for competent in ("central", "judicial", "other_local"):
        d = reg.evaluate(
            {"type": "petition_received", "received_by": "ubnd", "kind": "feedback", "competent_body": competent}
        )
        assert d.lead == "ubnd" and "vp_ubnd" in d.advising and not d.warnings
    d = reg.evaluate({"type": "petition_resolved", "resolved_by": "other_local", "transferred_by": "tt_hdnd"})
    assert d.lead == "tt_hdnd" and d.advising == ["vp_doan_dbqh_hdnd"]


def test_d3_ubnd_meeting(reg: Regulation) -> None:
    d = reg.evaluate({"type": "meeting_convened", "convened_by": "ubnd", "meeting": "ubnd_meeting"})
    assert d.coordinating == ["btt_ubmttq", "tt_hdnd"]
    assert not [r for r in d.responsibilities if r.party == "doan_dbqh"]


def test_d4_two_reasons_under_one_code(reg: Regulation) -> None:
    d = reg.evaluate(
        {"type": "draft_consultation", "document": "national_law", "drafted_by": "btt_ubmttq", "social_criticism": True}
    )
    unforeseen = [w for w in d.warnings if w.code == "unforeseen_combination"]
    assert len(unforeseen) == 3 and len({w.message for w in unforeseen}) == 3
    assert d.warnings == sorted(d.warnings, key=lambda w: (w.code, w.message))


def test_d5_front_drafts_a_council_resolution(reg: Regulation) -> None:
    d = reg.evaluate({"type": "draft_consultation", "document": "hdnd_resolution", "drafted_by": "btt_ubmttq"})
    assert d.lead == "btt_ubmttq" and "ubnd" in d.coordinating
    assert not _duties(d, "btt_ubmttq", "give_written_comments")
    assert _duties(d, "ubnd", "give_opinion_on_draft")


def test_d6_forwarded_voter_petition(reg: Regulation) -> None:
    d = reg.evaluate(
        {"type": "voter_petition", "received_by": "doan_dbqh", "competence": "provincial", "date": "2025-03-03"}
    )
    (answer,) = _duties(d, "ubnd", "answer_voter_petition")
    assert (
        answer.deadline is not None
        and answer.deadline.anchor == "transfer_receipt_date"
        and answer.deadline.due is None
    )
    assert answer.provenance == "law" and "Đoàn ĐBQH tỉnh" in answer.text_vi


def test_d7_voter_contact_summaries(reg: Regulation) -> None:
    late = reg.evaluate(
        {
            "type": "voter_contact",
            "level": "national_assembly",
            "phase": "before_session",
            "session_opening": "2025-05-05",
            "date": "2025-04-29",
        }
    )
    (summary,) = _duties(late, "doan_dbqh", "summarise_voter_petitions")
    assert summary.deadline is not None and summary.deadline.due == date(2025, 4, 20)
    (warning,) = [w for w in late.warnings if w.code == "deadline_already_passed"]
    assert "20/04/2025" in (warning.message_vi or "") and "29/04/2025" in (warning.message_vi or "")
    early = reg.evaluate(
        {
            "type": "voter_contact",
            "level": "national_assembly",
            "phase": "before_session",
            "session_opening": "2025-05-20",
            "date": "2025-02-15",
        }
    )
    (summary,) = _duties(early, "doan_dbqh", "summarise_voter_petitions")
    assert summary.deadline is not None and summary.deadline.due == date(2025, 5, 5) and summary.provenance == "law"
    after = reg.evaluate(
        {"type": "voter_contact", "level": "national_assembly", "phase": "after_session", "date": "2025-06-02"}
    )
    (summary,) = _duties(after, "doan_dbqh", "summarise_voter_petitions")
    assert summary.deadline is not None and summary.deadline.anchor == "session_closing"
    assert (summary.deadline.days, summary.deadline.relation) == (15, "within")


def test_d8_unforeseen_cases(reg: Regulation) -> None:
    d = reg.evaluate({"type": "petition_resolved", "resolved_by": "ubnd", "transferred_by": "ubnd"})
    assert not _duties(d, "ubnd", "notify_transferring_body") and "unforeseen_combination" in d.warning_codes
    d = reg.evaluate(
        {"type": "petition_received", "received_by": "btt_ubmttq", "kind": "complaint", "competent_body": "btt_ubmttq"}
    )
    assert not [r for r in d.responsibilities if r.duty in ("accept_complaint", "settle_complaint")]
    assert _duties(d, "btt_ubmttq", "answer_citizen")
    d = reg.evaluate({"type": "supervision_planned", "activity": "inspection", "by": "ubnd", "subject": "tt_hdnd"})
    assert d.lead is None and not d.responsibilities and "unforeseen_combination" in d.warning_codes


def test_d9_d10_d11_petitions(reg: Regulation) -> None:
    d = reg.evaluate(
        {"type": "petition_received", "received_by": "ubnd", "kind": "complaint", "competent_body": "tt_hdnd"}
    )
    assert not _duties(d, "ubnd", "supervise_settlement") and _duties(d, "ubnd", "follow_up_forwarded_petition")
    d = reg.evaluate(
        {"type": "petition_resolved", "resolved_by": "ubnd", "transferred_by": "tt_hdnd", "date": "2024-08-29"}
    )
    assert not _duties(d, "ubnd", "report_to_council_standing_committee")
    d = reg.evaluate({"type": "petition_resolved", "resolved_by": "ubnd", "transferred_by": "btt_ubmttq"})
    (notice,) = _duties(d, "ubnd", "notify_transferring_body")
    assert notice.provenance == "reconstructed" and notice.deadline is None


def test_d12_accept_complaint_on_a_saturday(reg: Regulation) -> None:
    d = reg.evaluate(
        {
            "type": "petition_received",
            "received_by": "ubnd",
            "kind": "complaint",
            "competent_body": "ubnd",
            "date": "2024-02-07",
        }
    )
    (accept,) = _duties(d, "ubnd", "accept_complaint")
    assert accept.deadline is not None
    assert (accept.deadline.due, accept.deadline.moved_from) == (date(2024, 2, 19), date(2024, 2, 17))
    assert accept.provenance == "law" and accept.deadline.unit == "days"


def test_d13_front_reception(reg: Regulation) -> None:
    d = reg.evaluate({"type": "citizen_reception", "reception": "front", "date": "2024-06-20"})
    parties = {r.party for r in d.responsibilities}
    assert "ban_tiep_cong_dan" not in parties and "vp_doan_dbqh_hdnd" not in parties
    (post,) = _duties(d, "btt_ubmttq", "post_reception_schedule")
    assert post.deadline is not None and post.deadline.due == date(2024, 6, 13)
    assert post.basis is not None and "Điều 24 khoản 2" in post.basis


def test_minor_items(reg: Regulation) -> None:
    d = reg.evaluate({"type": "voter_contact", "level": "people_council", "phase": "thematic"})
    assert not _duties(d, "btt_ubmttq", "organise_voter_meeting") and _duties(d, "btt_ubmttq", "attend_voter_meeting")
    d = reg.evaluate({"type": "voter_petition", "received_by": "doan_dbqh", "competence": "central"})
    assert not _duties(d, "doan_dbqh", "forward_voter_petition")
    d = reg.evaluate({"type": "supervision_planned", "activity": "supervision", "by": "tt_hdnd", "subject": "ubnd"})
    assert "ubnd" in d.coordinating and "ubnd" not in d.notified
