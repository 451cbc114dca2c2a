"""Tracking a case (contract §8): each status on both sides of its boundary, on both engines; the errors
for bad ``done`` entries; time travel; the JSON form."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

import quyche
from quyche.cases import CaseStatus, lateness, working_days_between
from quyche.decision import Responsibility
from quyche.regulation import Regulation

#: Luật Tố cáo 2018, Điều 24 khoản 1: the body that receives a denunciation within its competence
#: registers and processes it within 07 working days (rule dieu_08.denunciation_receipt).
DENUNCIATION = {
    "type": "petition_received",
    "received_by": "ubnd",
    "kind": "denunciation",
    "competent_body": "ubnd",
}


def _case(event: dict[str, Any], done: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"case": "HS-T", "event": event, "done": done or [], **extra}


def _duty(status: CaseStatus, duty: str, party: str | None = None) -> quyche.DutyStatus:
    (found,) = [d for d in status.duties if d.duty == duty and (party is None or d.party == party)]
    return found


def _resp(reg: Regulation, event: dict[str, Any], duty: str) -> Responsibility:
    (found,) = [r for r in reg.evaluate(event).responsibilities if r.duty == duty]
    return found


# -- a working-day deadline across Tết (pinned: Luật Tố cáo 2018, Điều 24 khoản 1) -------------------


def test_seven_working_days_across_tet_2024(reg: Regulation) -> None:
    # received Wednesday 07/02/2024, the day before the Tết break (08–14/02/2024): the 7 working days
    # are 15, 16, 19, 20, 21, 22 and 23/02, so the due date is Friday 23/02/2024
    ev = {**DENUNCIATION, "date": "2024-02-07"}
    r = _resp(reg, ev, "process_denunciation")
    assert r.deadline is not None and r.deadline.unit == "working_days" and r.deadline.days == 7
    assert r.deadline.due == date(2024, 2, 23)

    def done_on(day: str) -> quyche.DutyStatus:
        entry = {"party": "ubnd", "duty": "process_denunciation", "on": day}
        return _duty(reg.track(_case(ev, [entry]), today="2024-03-29"), "process_denunciation")

    assert (done_on("2024-02-23").status, done_on("2024-02-23").days_late) == ("met", 0)
    assert (done_on("2024-02-09").status, done_on("2024-02-09").days_late) == ("met", 0)  # during Tết
    assert (done_on("2024-02-24").status, done_on("2024-02-24").days_late) == ("late", 1)  # a Saturday
    assert (done_on("2024-02-26").status, done_on("2024-02-26").days_late) == ("late", 1)  # Monday
    assert (done_on("2024-02-27").status, done_on("2024-02-27").days_late) == ("late", 2)
    assert done_on("2024-03-08").days_late == 10  # two full weeks of working days later

    def not_done(today: str) -> quyche.DutyStatus:
        return _duty(reg.track(_case(ev), today=today), "process_denunciation")

    assert (not_done("2024-02-23").status, not_done("2024-02-23").days_late) == ("open", None)
    assert (not_done("2024-02-24").status, not_done("2024-02-24").days_late) == ("overdue", 1)
    assert (not_done("2024-02-28").status, not_done("2024-02-28").days_late) == ("overdue", 3)


def test_seven_working_days_from_before_tet_counts_the_days_after_it(reg: Regulation) -> None:
    # received Monday 05/02/2024: 06 and 07/02, then (after the break) 15, 16, 19, 20 and 21/02
    ev = {**DENUNCIATION, "date": "2024-02-05"}
    assert _resp(reg, ev, "process_denunciation").deadline.due == date(2024, 2, 21)  # type: ignore[union-attr]
    status = reg.track(_case(ev), today="2024-02-14")  # the last day of the break: not overdue
    assert _duty(status, "process_denunciation").status == "open"


# -- a calendar-day deadline: the due date is the decision's, the boundary is the status logic's ------


@pytest.mark.parametrize("anchor_given", [True, False])
def test_calendar_day_deadline_boundaries(reg: Regulation, anchor_given: bool) -> None:
    ev = {**DENUNCIATION, "date": "2024-03-04"}
    if anchor_given:
        ev["acceptance_date"] = "2024-03-11"
    r = _resp(reg, ev, "settle_denunciation")
    assert r.deadline is not None and r.deadline.unit == "days" and r.deadline.anchor == "acceptance_date"
    if not anchor_given:  # undated: not done → undated, done → met (no known time limit was passed)
        assert r.deadline.due is None
        assert _duty(reg.track(_case(ev), today="2030-01-01"), "settle_denunciation").status == "undated"
        entry = {"party": "ubnd", "duty": "settle_denunciation", "on": "2029-01-01"}
        d = _duty(reg.track(_case(ev, [entry]), today="2030-01-01"), "settle_denunciation")
        assert (d.status, d.days_late, d.due) == ("met", 0, None)
        return
    due = r.deadline.due
    assert due is not None

    def done_on(day: date) -> quyche.DutyStatus:
        entry = {"party": "ubnd", "duty": "settle_denunciation", "on": day.isoformat()}
        return _duty(reg.track(_case(ev, [entry]), today=due + timedelta(days=60)), "settle_denunciation")

    assert (done_on(due).status, done_on(due).days_late, done_on(due).done_on) == ("met", 0, due)
    assert (done_on(due + timedelta(days=1)).status, done_on(due + timedelta(days=1)).days_late) == ("late", 1)
    assert done_on(due + timedelta(days=9)).days_late == 9
    assert done_on(date(2024, 3, 4)).status == "met"  # on the event's own date

    def not_done(today: date) -> quyche.DutyStatus:
        return _duty(reg.track(_case(ev), today=today), "settle_denunciation")

    assert (not_done(due).status, not_done(due).days_late) == ("open", None)
    assert (not_done(due + timedelta(days=1)).status, not_done(due + timedelta(days=1)).days_late) == ("overdue", 1)
    assert not_done(date(2024, 3, 4)).status == "open"


def test_a_deadline_before_its_anchor(reg: Regulation) -> None:
    # Luật Hoạt động giám sát 2015, Điều 52: the plan reaches the supervised body 10 days before the start
    ev = {
        "type": "supervision_planned",
        "activity": "supervision",
        "by": "doan_dbqh",
        "subject": "ubnd",
        "date": "2024-05-02",
        "supervision_start": "2024-06-10",
    }
    r = _resp(reg, ev, "notify_supervision_plan")
    assert r.deadline is not None and r.deadline.relation == "before"
    due = r.deadline.due
    assert due is not None and due < date(2024, 6, 10)
    entry = {"party": "doan_dbqh", "duty": "notify_supervision_plan"}
    on_due = reg.track(_case(ev, [{**entry, "on": due.isoformat()}]), today="2024-07-01")
    after = reg.track(_case(ev, [{**entry, "on": (due + timedelta(days=1)).isoformat()}]), today="2024-07-01")
    assert _duty(on_due, "notify_supervision_plan").status == "met"
    assert _duty(after, "notify_supervision_plan").status == "late"
    # the report counts from the end of the supervision, which the case does not give yet
    assert _duty(reg.track(_case(ev), today="2024-07-01"), "report_supervision_results").status == "undated"


def test_a_duty_with_no_time_limit_is_open_until_done(reg: Regulation) -> None:
    ev = {**DENUNCIATION, "date": "2024-03-04"}
    assert _resp(reg, ev, "settle_petition").deadline is None
    assert _duty(reg.track(_case(ev), today="2030-01-01"), "settle_petition").status == "open"
    entry = {"party": "ubnd", "duty": "settle_petition", "on": "2024-05-01"}
    d = _duty(reg.track(_case(ev, [entry]), today="2030-01-01"), "settle_petition")
    assert (d.status, d.done_on, d.days_late) == ("met", date(2024, 5, 1), 0)


# -- time travel and the day tracked ---------------------------------------------------------------


def test_time_travel_a_duty_done_later_is_not_done_yet(reg: Regulation) -> None:
    ev = {**DENUNCIATION, "date": "2024-02-07"}
    case = _case(ev, [{"party": "ubnd", "duty": "process_denunciation", "on": "2024-02-27"}])
    seen = {
        today: (_duty(reg.track(case, today=today), "process_denunciation").status)
        for today in ("2024-02-20", "2024-02-26", "2024-02-27", "2024-12-31")
    }
    assert seen == {"2024-02-20": "open", "2024-02-26": "overdue", "2024-02-27": "late", "2024-12-31": "late"}
    then = _duty(reg.track(case, today="2024-02-26"), "process_denunciation")
    assert then.done_on is None and then.days_late == 1


def test_today_argument_then_case_today_then_the_current_date(python_reg: Regulation) -> None:
    ev = {**DENUNCIATION, "date": "2024-02-07"}
    assert python_reg.track(_case(ev, today="2024-03-01")).today == date(2024, 3, 1)
    assert python_reg.track(_case(ev, today="2024-03-01"), today="2024-04-02").today == date(2024, 4, 2)
    before = date.today()
    status = python_reg.track(_case(ev))
    assert before <= status.today <= date.today()


def test_duties_follow_the_decisions_responsibilities(reg: Regulation) -> None:
    ev = {**DENUNCIATION, "date": "2024-02-07", "acceptance_date": "2024-02-16", "id": "EV-1"}
    status = reg.track(_case(ev), today="2024-03-01")
    assert status.decision == reg.evaluate(ev)
    assert [(d.party, d.duty, d.citation) for d in status.duties] == [
        (r.party, r.duty, r.citation) for r in status.decision.responsibilities
    ]
    assert [d.due for d in status.duties] == [
        r.deadline.due if r.deadline else None for r in status.decision.responsibilities
    ]
    assert status.case == "HS-T" and status.decision.event_id == "EV-1"


def test_the_status_is_json_and_round_trips(reg: Regulation) -> None:
    ev = {**DENUNCIATION, "date": "2024-02-07"}
    status = reg.track(_case(ev, [{"party": "ubnd", "duty": "answer_citizen", "on": "2024-02-20"}]), today="2024-03-01")
    data = json.loads(json.dumps(status.model_dump(mode="json")))
    assert set(data) == {"case", "today", "decision", "duties"}
    assert set(data["duties"][0]) == {"party", "duty", "due", "status", "done_on", "days_late", "citation"}
    assert CaseStatus.model_validate_json(status.model_dump_json()) == status
    assert {d["status"] for d in data["duties"]} <= {"met", "late", "overdue", "open", "undated"}


def test_engines_track_alike(python_reg: Regulation, durable_reg: Regulation) -> None:
    from quyche.testing import event_mix

    for i, ev in enumerate(event_mix(300, seed=11)):
        case = _case(ev, today="2025-01-15")
        assert python_reg.track(case) == durable_reg.track(case), i


def test_a_case_model_is_accepted(python_reg: Regulation) -> None:
    case = quyche.Case(
        case="M-1",
        event=quyche.parse_event({**DENUNCIATION, "date": "2024-02-07"}),
        done=(quyche.DoneEntry(party="ubnd", duty="process_denunciation", on=date(2024, 2, 23)),),
        today=date(2024, 3, 1),
    )
    assert _duty(python_reg.track(case), "process_denunciation").status == "met"
    assert python_reg.track(case) == python_reg.track(json.loads(case.model_dump_json()))


# -- bad done entries and bad cases ----------------------------------------------------------------

EV = {**DENUNCIATION, "date": "2024-02-07"}


def _error(reg: Regulation, case: Any, today: str | None = "2024-03-01") -> quyche.InvalidEvent:
    with pytest.raises(quyche.InvalidEvent) as info:
        reg.track(case, today=today)
    return info.value


def test_a_done_entry_naming_no_duty_of_the_decision(reg: Regulation) -> None:
    err = _error(reg, _case(EV, [{"party": "ubnd", "duty": "proces_denunciation", "on": "2024-02-20"}]))
    assert err.errors[0]["loc"] == ["done", 0, "duty"]
    assert "'proces_denunciation' is not a duty of this decision (did you mean 'process_denunciation'?)" in str(err)
    assert str(err).startswith("invalid case: done[0].duty: ")


def test_a_done_entry_for_a_party_without_that_duty(reg: Regulation) -> None:
    err = _error(reg, _case(EV, [{"party": "ubdn", "duty": "process_denunciation", "on": "2024-02-20"}]))
    assert err.errors[0]["loc"] == ["done", 0, "party"]
    assert "'ubdn' has no duty 'process_denunciation' in this decision (did you mean 'ubnd'?)" in str(err)
    err = _error(reg, _case(EV, [{"party": "tt_hdnd", "duty": "process_denunciation", "on": "2024-02-20"}]))
    assert "'process_denunciation' falls to: ubnd" in str(err)


def test_a_done_entry_before_the_event(reg: Regulation) -> None:
    err = _error(reg, _case(EV, [{"party": "ubnd", "duty": "process_denunciation", "on": "2024-02-06"}]))
    assert err.errors[0]["loc"] == ["done", 0, "on"]
    assert "2024-02-06 is before the event's date 2024-02-07" in str(err)


def test_every_bad_entry_is_reported_and_a_duplicate_is_one(reg: Regulation) -> None:
    done = [
        {"party": "ubnd", "duty": "process_denunciation", "on": "2024-02-20"},
        {"party": "ubnd", "duty": "nothing", "on": "2024-02-20"},
        {"party": "ubnd", "duty": "process_denunciation", "on": "2024-02-21"},
    ]
    err = _error(reg, _case(EV, done))
    assert [e["loc"] for e in err.errors] == [["done", 1, "duty"], ["done", 2]]
    assert "already listed as done[0]" in err.errors[1]["msg"] and "(and 1 more)" in str(err)


@pytest.mark.parametrize(
    ("case", "loc", "message"),
    [
        ({"event": EV, "dones": []}, ["dones"], "unknown key (did you mean 'done'?)"),
        ({"done": []}, ["event"], "field required"),
        ({"event": {**EV, "kind": "complain"}}, ["event", "kind"], "did you mean 'complaint'?"),
        ({"event": {**EV, "acceptance_date": "2024-02-01"}}, ["event", "acceptance_date"], "before the event's date"),
        ({"event": EV, "done": {"party": "ubnd"}}, ["done"], "expected a list"),
        ({"event": EV, "done": ["x"]}, ["done", 0], "expected a mapping"),
        ({"event": EV, "done": [{"party": "ubnd", "duty": "answer_citizen"}]}, ["done", 0, "on"], "field required"),
        (
            {"event": EV, "done": [{"party": "ubnd", "duty": "answer_citizen", "on": "2024-02-20", "by": "x"}]},
            ["done", 0, "by"],
            "unknown key",
        ),
        (
            {"event": EV, "done": [{"party": "ubnd", "duty": "answer_citizen", "on": "20/02/2024"}]},
            ["done", 0, "on"],
            "expected an ISO date",
        ),
        ({"event": EV, "done": [{"party": 1, "duty": "a", "on": "2024-02-20"}]}, ["done", 0, "party"], "identifier"),
        ({"event": EV, "today": "2024-02-30"}, ["today"], "not a valid calendar date"),
        ({"event": EV, "today": "2200-01-01"}, ["today"], "outside the supported years"),
        ({"event": EV, "case": 12}, ["case"], "text"),
        ([EV], [], "expected a mapping"),
    ],
)
def test_bad_cases_name_the_key(python_reg: Regulation, case: Any, loc: list[Any], message: str) -> None:
    err = _error(python_reg, case, today=None)
    assert err.errors[0]["loc"] == loc, err.errors
    assert message in str(err)


def test_a_bad_today_argument(python_reg: Regulation) -> None:
    err = _error(python_reg, _case(EV), today="tomorrow")
    assert err.errors[0]["loc"] == ["today"]


# -- counting ---------------------------------------------------------------------------------------


def test_working_days_between_counts_as_the_calendar_does() -> None:
    from quyche.calendar import due_date, is_working_day

    start = date(2023, 12, 20)
    for n in range(0, 400, 7):
        end = due_date(start, n, "working_days", "within") if n else start
        assert working_days_between(start, end) == n
    day = date(2024, 12, 30)
    brute = sum(is_working_day(day + timedelta(days=i)) for i in range(1, 500))
    assert working_days_between(day, day + timedelta(days=499)) == brute
    assert working_days_between(day, day) == 0 and working_days_between(day, day - timedelta(days=3)) == 0


def test_lateness_in_each_unit() -> None:
    friday = date(2024, 3, 1)
    assert lateness(friday, friday, "days") == 0 and lateness(friday, friday, "working_days") == 0
    assert lateness(friday, date(2024, 3, 2), "days") == 1
    assert lateness(friday, date(2024, 3, 2), "working_days") == 1  # Saturday: late all the same
    assert lateness(friday, date(2024, 3, 3), "working_days") == 1
    assert lateness(friday, date(2024, 3, 4), "working_days") == 1
    assert lateness(friday, date(2024, 3, 5), "working_days") == 2
    assert lateness(friday, date(2024, 2, 1), "working_days") == 0
