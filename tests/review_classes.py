"""Detectors of the defect classes of the December 2026 legal review (issue 9), one per class.

Each detector takes an event (a JSON-ready mapping), its decision and the regulation, and returns the
ways the decision breaks the class's rule (an empty list when it keeps it). They state the *general*
rule of each class, not its example, so that they can run on every combination of event fields
(``tests/test_review_classes.py``) and on generated events (``tests/test_properties.py``).

The classes (review §2): D1 a forwarded case keeps the competent body's intake duty; D2 a case outside
the four bodies' competence is led by the body that received or transferred it; D3 a body that attends
or joins a delegation is the lead or coordinates; D4 every warning of a rule that fired reaches the
decision; D5 no body comments on its own draft or notifies itself; D6 a period counted from the
competent body's receipt says so in its anchor; D7 a time limit counted back from a later date that had
passed when the event happened is warned, and a rule version follows the date its duty falls due;
D8 an unforeseen case gives no duty that presupposes what was not foreseen; D9 only a body with
supervisory power over the settling body supervises the settlement; D10 the report of Luật HĐGS
Điều 73(2) is not owed on every transfer; D11 the notice of Luật TCD Điều 27(2) is not owed to the
Front; D12 a calendar-day period ends on a working day (Bộ luật Dân sự 2015, Điều 148 khoản 5);
D13 the citizen-reception duties of the Ban Tiếp công dân and the office are not applied to the
Front's own reception.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from quyche.calendar import is_working_day
from quyche.chapters.chuong_1 import OFFICE_OF, PARTIES
from quyche.decision import Decision
from quyche.regulation import Regulation

Detector = Callable[[dict[str, Any], Decision, Regulation], list[str]]
OUTSIDE = ("central", "judicial", "other_local")
#: Who may supervise the settlement of a case it forwarded, by the body that settles it: the NA
#: delegation the State bodies (Luật HĐGS 2015 Điều 48 khoản 1 điểm b), the council Standing Committee
#: the People's Committee (Điều 66 khoản 5, Điều 73 khoản 1), the Front the State bodies and elected
#: representatives (Luật MTTQ 2015 Điều 25 khoản 1, Điều 26 khoản 1); the People's Committee none.
SUPERVISES: dict[str, frozenset[str]] = {
    "doan_dbqh": frozenset({"tt_hdnd", "ubnd"}),
    "tt_hdnd": frozenset({"ubnd"}),
    "btt_ubmttq": frozenset({"doan_dbqh", "tt_hdnd", "ubnd"}),
    "ubnd": frozenset(),
}
#: Duties addressed to another body, and the event field naming the body they are addressed to: a
#: body never owes one of them to itself (D5, D8).
ADDRESSED: dict[tuple[str, str], str] = {
    ("petition_received", "forward_petition"): "competent_body",
    ("petition_resolved", "notify_transferring_body"): "transferred_by",
    ("information_request", "notify_requesting_body"): "requested_by",
    ("information_request", "give_written_comments"): "requested_by",
    ("draft_consultation", "give_written_comments"): "drafted_by",
    ("draft_consultation", "give_opinion_on_draft"): "drafted_by",
    ("draft_consultation", "conduct_social_criticism"): "drafted_by",
    ("supervision_planned", "report_to_delegation"): "by",
    ("supervision_planned", "send_report_to_front"): "by",
    ("supervision_planned", "answer_social_criticism"): "by",
}
#: Duties that the body whose draft it is never owes on its own draft.
COMMENT_DUTIES = frozenset({"give_written_comments", "give_opinion_on_draft", "conduct_social_criticism"})
#: The date NQLT 72/2025 took effect (Điều 58 khoản 1: on signing, 20/02/2025).
NQLT_72 = date(2025, 2, 20)


def _day(event: dict[str, Any], name: str) -> date | None:
    value = event.get(name)
    return date.fromisoformat(value) if isinstance(value, str) else None


def _duties(d: Decision, party: str | None = None, duty: str | None = None) -> list[Any]:
    return [r for r in d.responsibilities if (party is None or r.party == party) and (duty is None or r.duty == duty)]


def d1_intake_of_forwarded_cases(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D1, D6 (petitions): the competent body takes in a complaint or a denunciation whoever received it
    (Luật Khiếu nại 2011 Điều 27, 36; Luật Tố cáo 2018 Điều 24 khoản 1), counted from its own receipt:
    the event's date when it received the case itself, else ``transfer_receipt_date``.
    """
    if event["type"] != "petition_received" or event["competent_body"] not in PARTIES:
        return []
    kind, competent, received = event["kind"], event["competent_body"], event["received_by"]
    duty = {"complaint": "accept_complaint", "denunciation": "process_denunciation"}.get(kind)
    if duty is None or (kind == "complaint" and competent != "ubnd"):
        return []
    found = _duties(d, competent, duty)
    if not found:
        return [f"{competent} has no {duty} duty"]
    anchor = "date" if received == competent else "transfer_receipt_date"
    return [f"{duty} counts from {r.deadline.anchor}, not {anchor}" for r in found if r.deadline.anchor != anchor]


def d2_outside_competence_has_a_lead(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D2 (contract §4): where the competent body is outside the four, the body of the four that received
    or transferred the case leads its handling, advised by its office (Điều 18).
    """
    if event["type"] == "petition_received" and event["competent_body"] in OUTSIDE:
        expected = event["received_by"]
    elif event["type"] == "petition_resolved" and event["resolved_by"] == "other_local":
        expected = event["transferred_by"]
    elif event["type"] == "voter_petition" and event["competence"] == "central":
        expected = "doan_dbqh"
    else:
        return []
    out = [] if d.lead == expected else [f"lead is {d.lead}, not {expected}"]
    if OFFICE_OF[expected] not in d.advising:
        out.append(f"{OFFICE_OF[expected]} does not advise")
    return out


def d3_attending_bodies_are_listed(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D3 (Điều 12, modes b and c): a party that attends a meeting or joins a delegation is the lead or
    coordinates; a party with any duty is never only "for information" (để biết).
    """
    out = []
    listed = {d.lead, *d.coordinating}
    for r in d.responsibilities:
        if r.party not in PARTIES:
            continue
        if r.mode in ("attend", "delegation") and r.party not in listed:
            out.append(f"{r.party} has {r.duty} ({r.mode}) but neither leads nor coordinates")
        if r.party in d.notified:
            out.append(f"{r.party} has {r.duty} but is only notified")
    return out


def d4_every_warning_reaches_the_decision(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D4: every warning of every rule that fired is in the decision, even when two share a code."""
    have = {(w.code, w.message_vi) for w in d.warnings}
    out = []
    for t in d.trace:
        for code, message_vi, _ in reg.compiled.unit_for(t.rule, t.row).warnings:
            if (code, message_vi) not in have:
                out.append(f"warning {code} of {t.rule} is lost")
    return out


def d5_no_body_addresses_itself(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D5, D8: no body comments on its own draft, forwards a case to itself or notifies itself."""
    out = []
    for r in d.responsibilities:
        field = ADDRESSED.get((event["type"], r.duty))
        if field is not None and event.get(field) == r.party:
            out.append(f"{r.party} owes {r.duty} to itself ({field})")
    if event["type"] == "draft_consultation":
        drafter = event.get("drafted_by") or ("ubnd" if event["document"] != "national_law" else None)
        for r in d.responsibilities:
            if r.duty in COMMENT_DUTIES and r.party == drafter:
                out.append(f"{drafter} comments on its own draft ({r.duty})")
        if event["document"] == "hdnd_resolution" and drafter not in (None, "ubnd"):
            if "ubnd" not in d.coordinating or not _duties(d, "ubnd", "give_opinion_on_draft"):
                out.append("the People's Committee gives no opinion on a draft another body submits")
    return out


def d6_forwarded_voter_petition_counts_from_receipt(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D6: the competent body answers a voter petition counting from its own receipt (NQLT 72/2025 Điều 49
    khoản 1, "kể từ ngày nhận được kiến nghị"), and sends the answer to the NA delegation.
    """
    if event["type"] != "voter_petition" or event["competence"] != "provincial":
        return []
    out = []
    anchor = "date" if event["received_by"] == "ubnd" else "transfer_receipt_date"
    for r in _duties(d, "ubnd", "answer_voter_petition"):
        if r.deadline is not None and r.deadline.anchor != anchor:
            out.append(f"answer counts from {r.deadline.anchor}, not {anchor}")
    return out


def d7_time_limits_that_had_passed(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D7: a duty due a number of days *before* a later date (a session's opening, a submission, the start
    of a supervision) whose due date is earlier than the event's own date had already lapsed when the event
    happened: the decision warns (``deadline_already_passed``), and only then. A before-session summary
    falls due under NQLT 72/2025 when the session opens on or after 07/03/2025, whatever the contact's date.
    """
    out = []
    happened = _day(event, "date")
    lapsed = [
        r
        for r in d.responsibilities
        if r.deadline is not None
        and r.deadline.relation == "before"
        and r.deadline.anchor != "date"
        and r.deadline.due is not None
        and happened is not None
        and r.deadline.due < happened
    ]
    warned = [w for w in d.warnings if w.code == "deadline_already_passed"]
    if lapsed and len(warned) != len(lapsed):
        out.append(f"{len(lapsed)} lapsed duties, {len(warned)} warnings")
    if warned and not lapsed:
        out.append("warned of a lapsed duty that is not lapsed")
    if (
        event["type"] == "voter_contact"
        and event["phase"] == "before_session"
        and event["level"] in ("national_assembly", "joint")
    ):
        opening = _day(event, "session_opening")
        if opening is not None and opening - timedelta(days=15) >= NQLT_72:
            summaries = _duties(d, "doan_dbqh", "summarise_voter_petitions")
            if not summaries or any(r.deadline is None or r.deadline.days != 15 for r in summaries):
                out.append("the summary due under NQLT 72/2025 has no 15-day deadline")
    return out


def d8_unforeseen_cases_give_no_presupposing_duty(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D8: a case the regulation does not foresee is warned, and gets only the duties that still make sense:
    no activity (supervision, meeting, request) led by a body that cannot hold it, no Luật Khiếu nại time
    limit for a body that is not the State administration.
    """
    if "unforeseen_combination" not in d.warning_codes:
        return []
    out = []
    if event["type"] in ("supervision_planned", "meeting_convened", "information_request"):
        if d.lead is not None or d.responsibilities:
            out.append(f"unforeseen {event['type']} still has lead {d.lead} and {len(d.responsibilities)} duties")
    if event["type"] == "petition_received" and event["kind"] == "complaint" and event["competent_body"] != "ubnd":
        for r in d.responsibilities:
            if r.duty in ("accept_complaint", "settle_complaint"):
                out.append(f"{r.party} gets {r.duty} (Luật Khiếu nại) for a body outside the administration")
    return out


def d9_supervision_only_by_supervisory_bodies(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D9: a body supervises the settlement of a forwarded case only where it supervises the settling body."""
    if event["type"] != "petition_received":
        return []
    competent = event["competent_body"]
    return [
        f"{r.party} supervises {competent}"
        for r in _duties(d, duty="supervise_settlement")
        if competent not in SUPERVISES.get(r.party, frozenset())
    ]


def d10_council_report_only_on_its_demand(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D10: Luật HĐGS Điều 73 khoản 2 (report to the council Standing Committee within 7 days) follows a
    demand of the Standing Committee after it finds a violation, not every case it transfers; no event
    says so, so the duty is never given.
    """
    return [f"{r.party} owes {r.duty}" for r in _duties(d, duty="report_to_council_standing_committee")]


def d11_no_transfer_notice_law_for_the_front(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D11: Luật TCD Điều 27 khoản 2 and 28 khoản 2 bind transfers by NA bodies, deputies and reception
    boards, not by the Front: no ``law`` duty cites them for a case the Front transferred.
    """
    if event["type"] != "petition_resolved" or event["transferred_by"] != "btt_ubmttq":
        return []
    return [
        f"{r.party} {r.duty} cites {r.basis}"
        for r in d.responsibilities
        if r.provenance == "law" and r.basis and ("Điều 27 khoản 2" in r.basis or "Điều 28 khoản 2" in r.basis)
    ]


def d12_periods_end_on_working_days(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D12 (Bộ luật Dân sự 2015, Điều 148 khoản 5; contract §4): a ``within`` period in calendar days whose
    last day is a weekend day or an official day off ends on the next working day, and says which day it
    moved from; a working-day period always ends on a working day; a ``before`` period is never moved.
    """
    out = []
    for r in d.responsibilities:
        dl = r.deadline
        if dl is None or dl.due is None:
            continue
        if (dl.unit == "working_days" or dl.relation == "within") and not is_working_day(dl.due):
            out.append(f"{r.duty} due {dl.due} (not a working day)")
        moved = getattr(dl, "moved_from", None)
        if moved is not None:
            if dl.unit != "days" or dl.relation != "within":
                out.append(f"{r.duty}: a {dl.unit} {dl.relation} period was moved")
            elif is_working_day(moved) or not moved < dl.due:
                out.append(f"{r.duty}: moved from {moved} to {dl.due}")
            elif any(is_working_day(moved + timedelta(days=k)) for k in range(1, (dl.due - moved).days)):
                out.append(f"{r.duty}: {dl.due} is not the first working day after {moved}")
    return out


def d13_front_reception_is_the_fronts(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """D13: the Front's citizen reception is its own (Luật TCD 2013 Điều 4 khoản 3, Điều 24 khoản 2): the
    provincial Citizen Reception Board and the office of the delegation and council get no duty from it.
    """
    if event["type"] != "citizen_reception" or event["reception"] != "front":
        return []
    out = [
        f"{r.party} has {r.duty}" for r in d.responsibilities if r.party in ("ban_tiep_cong_dan", "vp_doan_dbqh_hdnd")
    ]
    if not _duties(d, "btt_ubmttq", "post_reception_schedule"):
        out.append("the Front does not post its own reception schedule")
    return out


def minor_items(event: dict[str, Any], d: Decision, reg: Regulation) -> list[str]:
    """The review's minor items: thematic voter contact is chaired by the host agency, not the Front (NQLT
    72/2025 Điều 24 khoản 2); the delegation does not forward a petition to itself.
    """
    out = []
    if event["type"] == "voter_contact" and event["phase"] == "thematic":
        out += [f"the Front {r.duty}" for r in _duties(d, "btt_ubmttq", "organise_voter_meeting")]
    if event["type"] == "voter_petition" and event["competence"] == "central" and event["received_by"] == "doan_dbqh":
        out += [
            "the delegation forwards a petition to itself" for _ in _duties(d, "doan_dbqh", "forward_voter_petition")
        ]
    return out


DETECTORS: dict[str, Detector] = {
    "D1": d1_intake_of_forwarded_cases,
    "D2": d2_outside_competence_has_a_lead,
    "D3": d3_attending_bodies_are_listed,
    "D4": d4_every_warning_reaches_the_decision,
    "D5": d5_no_body_addresses_itself,
    "D6": d6_forwarded_voter_petition_counts_from_receipt,
    "D7": d7_time_limits_that_had_passed,
    "D8": d8_unforeseen_cases_give_no_presupposing_duty,
    "D9": d9_supervision_only_by_supervisory_bodies,
    "D10": d10_council_report_only_on_its_demand,
    "D11": d11_no_transfer_notice_law_for_the_front,
    "D12": d12_periods_end_on_working_days,
    "D13": d13_front_reception_is_the_fronts,
    "minor": minor_items,
}
