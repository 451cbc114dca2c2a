"""Contract §3 and §5: every kind of invalid event is an InvalidEvent naming the field, on both engines."""

from __future__ import annotations

from typing import Any

import pytest

import quyche
from quyche.events import EVENT_TYPES, FIELD_SPECS
from quyche.regulation import Regulation

VALID = {"type": "petition_received", "received_by": "doan_dbqh", "kind": "complaint", "competent_body": "ubnd"}


def _error(reg: Regulation, event: Any, as_of: Any = None) -> quyche.InvalidEvent:
    with pytest.raises(quyche.InvalidEvent) as info:
        reg.evaluate(event, as_of=as_of)
    assert isinstance(info.value, ValueError) and isinstance(info.value, quyche.QuycheError)
    return info.value


@pytest.mark.parametrize(
    ("event", "field", "hint"),
    [
        ({**VALID, "type": "petition_recieved"}, "type", "petition_received"),
        ({k: v for k, v in VALID.items() if k != "type"}, "type", "annual_review"),
        ({k: v for k, v in VALID.items() if k != "kind"}, "kind", "required"),
        ({**VALID, "colour": "red"}, "colour", "unknown field"),
        ({**VALID, "kind": "Complaint"}, "kind", "'complaint'"),
        ({**VALID, "competent_body": "tinh_uy"}, "competent_body", "'central'"),
        ({**VALID, "round": 3}, "round", "1"),
        ({**VALID, "round": "1"}, "round", ""),
        ({**VALID, "complex": "yes"}, "complex", "write true or false, not 'yes'"),
        ({**VALID, "complex": 1}, "complex", "write true or false, not 1"),
        ({**VALID, "date": "2024-02-30"}, "date", "2024-02-30"),
        ({**VALID, "date": "30/01/2024"}, "date", "YYYY-MM-DD"),
        ({**VALID, "date": 20240130}, "date", "YYYY-MM-DD"),
        ({**VALID, "date": "2024-01-30T10:00:00"}, "date", "YYYY-MM-DD"),
        ({**VALID, "id": 17}, "id", "expected text, got 17"),
        ({"type": "annual_review", "year": "2024"}, "year", "expected a whole number, got '2024'"),
        ({"type": "annual_review", "year": 2024.0}, "year", "expected a whole number, got 2024.0"),
        ({"type": "annual_review", "year": True}, "year", "expected a whole number, got True"),
        ({"type": "amendment_proposed", "proposed_by": "ubnd", "articles": [24]}, "articles.0", "23"),
        ({"type": "amendment_proposed", "proposed_by": "ubnd", "articles": "5"}, "articles", "list"),
        (
            {"type": "draft_consultation", "document": "hdnd_resolution", "submission_date": "soon"},
            "submission_date",
            "",
        ),
        ({"type": 5}, "type", ""),
    ],
)
def test_invalid_event_names_the_field(reg: Regulation, event: dict[str, Any], field: str, hint: str) -> None:
    err = _error(reg, event)
    locs = [".".join(map(str, e["loc"])) for e in err.errors]
    assert field in locs, (locs, str(err))
    assert field.split(".")[0] in str(err)
    assert hint.lower() in str(err).lower()


@pytest.mark.parametrize("junk", [None, 5, "annual_review", ["type", "annual_review"], b"{}", 3.5])
def test_non_mapping_is_invalid(reg: Regulation, junk: Any) -> None:
    err = _error(reg, junk)
    assert "mapping" in str(err)


def test_unknown_type_lists_accepted_types(python_reg: Regulation) -> None:
    err = _error(python_reg, {"type": "meeting"})
    for event_type in EVENT_TYPES:
        assert event_type in str(err)


def test_bad_as_of_is_invalid(reg: Regulation) -> None:
    err = _error(reg, {"type": "annual_review", "year": 2024}, as_of="2024-13-01")
    assert err.errors[0]["loc"] == ["as_of"]


def test_every_error_is_reported(python_reg: Regulation) -> None:
    err = _error(python_reg, {**VALID, "kind": "x", "round": 9, "extra": 1})
    assert {tuple(e["loc"]) for e in err.errors} == {("kind",), ("round",), ("extra",)}
    for e in err.errors:  # every problem is in the message, none hidden behind "(and 2 more)"
        assert e["msg"] in str(err)


def test_every_contract_event_type_exists_with_its_fields() -> None:
    expected = {
        "propaganda_activity": {"organized_by", "topic"},
        "draft_consultation": {"document", "drafted_by", "social_criticism", "submission_date"},
        "voter_contact": {"level", "phase", "session_opening", "session_closing"},
        "voter_petition": {"received_by", "competence", "transfer_receipt_date"},
        "citizen_reception": {"reception"},
        "petition_received": {"received_by", "kind", "competent_body", "round", "complex", "remote_area"}
        | {"transfer_receipt_date", "acceptance_date"},  # later dates (docs/cases.en.md)
        "petition_resolved": {"resolved_by", "transferred_by", "notice_date"},
        "supervision_planned": {"activity", "by", "subject", "supervision_start", "supervision_end"},
        "meeting_convened": {"convened_by", "meeting"},
        "report_issued": {"issued_by", "report"},
        "information_request": {"requested_by", "requested_from", "mode"},
        "annual_review": {"year"},
        "amendment_proposed": {"proposed_by", "articles"},
    }
    assert set(EVENT_TYPES) == set(expected)
    for event_type, fields in expected.items():
        assert set(FIELD_SPECS[event_type]) == fields | {"id", "date"}


def test_event_models_are_accepted_as_input(reg: Regulation) -> None:
    event = quyche.parse_event({"type": "annual_review", "year": 2024, "id": "x-1"})
    decision = reg.evaluate(event)
    assert decision.lead == "ubnd" and decision.event_id == "x-1"


def test_yaml_dates_and_strings_are_both_accepted(reg: Regulation) -> None:
    import datetime as dt

    a = reg.evaluate({"type": "annual_review", "year": 2024, "date": dt.date(2024, 3, 1)})
    b = reg.evaluate({"type": "annual_review", "year": 2024, "date": "2024-03-01"})
    assert a == b
