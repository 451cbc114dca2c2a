"""quyche.sweep: every combination of the event table (contract §3) on the reference dates of the rules."""

from __future__ import annotations

from datetime import date

import pytest

from quyche import sweep
from quyche.events import EVENT_TYPES, FIELD_SPECS, parse_event
from quyche.regulation import Regulation


@pytest.fixture(scope="module")
def swept(python_reg: Regulation) -> list[dict]:
    return list(sweep.events([python_reg.compiled]))


def test_every_swept_event_is_valid(swept: list[dict]) -> None:
    for event in swept:
        parse_event(event)


def test_every_enumerated_value_and_optional_field_present_and_absent(swept: list[dict]) -> None:
    for event_type, specs in FIELD_SPECS.items():
        events = [e for e in swept if e["type"] == event_type]
        assert events, event_type
        for name, spec in specs.items():
            seen = [e.get(name) for e in events]
            if spec.kind == "enum":
                assert set(spec.values) <= set(seen), (event_type, name)
            if spec.kind == "bool":
                assert {True, False} <= set(seen), (event_type, name)
            if spec.kind == "date":
                assert any(v is not None for v in seen), (event_type, name)
            if spec.kind == "list":
                lists = [tuple(v) for v in seen if v is not None]
                assert () in lists and tuple(range(1, 24)) in lists, (event_type, name)
                assert {n for v in lists for n in v} == set(range(1, 24))
            if not spec.required and name != "id":
                assert None in seen, (event_type, name)


def test_years_around_every_row_of_the_rotation(swept: list[dict]) -> None:
    years = {e["year"] for e in swept if e["type"] == "annual_review"}
    assert years == {2021, 2022, 2023, 2024, 2025, 2026}


def test_reference_dates_are_the_first_days_of_the_periods_the_rules_tell_apart(python_reg: Regulation) -> None:
    days = sweep.reference_dates([python_reg.compiled])
    validity = python_reg.validity
    assert validity is not None
    # the day before the period of validity, its first day, the Điều 6 version of 20/2/2025, the day after it ends
    assert days == [date(2021, 6, 30), validity[0], date(2025, 2, 20), date(2025, 7, 1)]
    assert sweep.reference_dates([python_reg.compiled], [date(2024, 7, 1)]) == [*days[:2], date(2024, 7, 1), *days[2:]]


def test_events_are_dated_on_each_reference_date_and_undated(python_reg: Regulation, swept: list[dict]) -> None:
    days = {e.get("date") for e in swept}
    assert days == {None, *(d.isoformat() for d in sweep.reference_dates([python_reg.compiled]))}


def test_the_sweep_is_deterministic_and_counted(python_reg: Regulation, swept: list[dict]) -> None:
    assert list(sweep.events([python_reg.compiled])) == swept
    assert sweep.count([python_reg.compiled]) == len(swept)
    assert {e["type"] for e in swept} == set(EVENT_TYPES)


def test_date_fields_no_condition_reads_are_given_together(python_reg: Regulation, swept: list[dict]) -> None:
    # draft_consultation: submission_date is only an anchor; given a week after the event's date, or absent
    events = [e for e in swept if e["type"] == "draft_consultation" and e.get("date") == "2021-07-01"]
    given = {e.get("submission_date") for e in events}
    assert given == {None, "2021-07-08"}


def test_a_value_an_amendment_introduces_is_swept(python_reg: Regulation) -> None:
    amended = python_reg.amend(
        {
            "format": "quyche/amendment@1",
            "title_vi": "Bổ sung năm 2026",
            "title_en": "2026 added",
            "proposed_by": "ubnd",
            "articles": [19],
            "changes": [
                {
                    "change": "add_row",
                    "rule": "dieu_19.host",
                    "row": {"year": 2026, "host": "doan_dbqh"},
                    "text_vi": "Năm 2026, Đoàn đại biểu Quốc hội tỉnh chủ trì.",
                    "text_en": "In 2026 the NA Delegation hosts.",
                }
            ],
        }
    )
    years = {e["year"] for e in sweep.events([python_reg.compiled, amended.compiled], types=["annual_review"])}
    assert {2026, 2027} <= years
