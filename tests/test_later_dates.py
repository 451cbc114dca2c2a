"""Later dates (docs/cases.en.md): every deadline anchor is a date field of its event type, and an event that
gives it gets the due date — swept over every combination of the event table on reference dates."""

from __future__ import annotations

import itertools
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

import quyche
from quyche.chapters.chuong_2 import LATER_DATE_LABELS
from quyche.events import EVENT_TYPES, FIELD_SPECS, LATER_DATES, FieldSpec, field_descriptions
from quyche.explain import ANCHOR_LABELS, explain
from quyche.regulation import Regulation, bundled_rules_dir
from quyche.testing import events

#: The first day of the period of validity, a day just before Tết 2024, the last day of validity.
REFERENCE_DATES = [date(2021, 7, 1), date(2024, 2, 7), date(2025, 6, 30)]


def _domain(spec: FieldSpec) -> list[Any]:
    absent: list[Any] = [] if spec.required else [None]
    if spec.kind == "enum":
        return absent + list(spec.values)
    if spec.kind == "bool":
        return absent + [True, False]
    if spec.kind == "int":
        return [2021, 2024]
    if spec.kind == "list":
        return absent + [[8, 20]]
    return absent  # dates and texts: absent here (dates are set by the test)


def every_combination(event_type: str) -> list[dict[str, Any]]:
    """Every combination of the enumerated, yes/no, numbered and list fields of an event type."""
    specs = [s for n, s in FIELD_SPECS[event_type].items() if n not in ("id", "date") and s.kind != "date"]
    out = []
    for combo in itertools.product(*(_domain(s) for s in specs)):
        ev: dict[str, Any] = {"type": event_type}
        ev.update({s.name: v for s, v in zip(specs, combo, strict=True) if v is not None})
        out.append(ev)
    return out


def _date_fields(event_type: str) -> list[str]:
    return [n for n, s in FIELD_SPECS[event_type].items() if s.kind == "date" and n != "date"]


def _with_date(ev: dict[str, Any], name: str, day: date, offset: int) -> dict[str, Any]:
    """``ev`` with ``name`` set ``offset`` days after ``day`` and every date it may not precede set too."""
    out = dict(ev)
    out[name] = (day + timedelta(days=offset)).isoformat()
    for before in LATER_DATES[ev["type"]].get(name, ()):
        if before != "date" and before not in out:  # e.g. acceptance_date after transfer_receipt_date
            out[before] = (day + timedelta(days=offset)).isoformat()
    return out


def _sweep(reg: Regulation, days: list[date]) -> tuple[int, set[str]]:
    undated_seen = 0
    anchors: set[str] = set()
    for event_type in sorted(EVENT_TYPES):
        fields = _date_fields(event_type)
        for base in every_combination(event_type):
            for day in days:
                ev = {**base, "date": day.isoformat()}
                decision = reg.evaluate(ev)
                for r in decision.responsibilities:
                    if r.deadline is None or r.deadline.due is not None:
                        continue
                    anchor = r.deadline.anchor
                    assert anchor in fields, f"{event_type}: {r.duty} counts from {anchor!r}, not a date field"
                    undated_seen += 1
                    anchors.add(anchor)
                    again = reg.evaluate(_with_date(ev, anchor, day, 12))
                    same = [
                        x
                        for x in again.responsibilities
                        if (x.party, x.duty) == (r.party, r.duty) and x.deadline and x.deadline.anchor == anchor
                    ]
                    assert same and all(x.deadline and x.deadline.due is not None for x in same), (ev, anchor)
                # with every date field given, no duty of the event is without a due date
                full = dict(ev)
                for i, name in enumerate(fields):
                    full = _with_date(full, name, day, 5 + 3 * i)
                complete = reg.evaluate(full)
                assert [r for r in complete.responsibilities if r.deadline and r.deadline.due is None] == [], full
    return undated_seen, anchors


def test_every_undated_duty_gets_its_due_date_once_the_event_gives_its_anchor(python_reg: Regulation) -> None:
    undated, anchors = _sweep(python_reg, REFERENCE_DATES)
    assert undated > 1000  # the sweep is not vacuous: thousands of duties counted from a later date
    # every later date some rule counts from was exercised
    used = {
        spec.deadline.anchor
        for rule in python_reg.compiled.checked.rules
        for spec in rule.rule.responsibilities
        if spec.deadline is not None
    } - {"date", "reference_date"}
    assert used <= anchors | {"submission_date", "session_opening"}, used - anchors
    assert {
        "acceptance_date",
        "transfer_receipt_date",
        "notice_date",
        "supervision_start",
        "supervision_end",
        "session_closing",
    } <= anchors


def test_the_sweep_agrees_on_the_durable_engine(durable_reg: Regulation) -> None:
    undated, _ = _sweep(durable_reg, [date(2024, 2, 7)])
    assert undated > 300


def test_every_later_date_is_documented_in_both_languages() -> None:
    for event_type, later in LATER_DATES.items():
        described = field_descriptions(event_type)
        for name in later:
            vi, en = described[name]  # its meaning, in sentences (docs/reference.md, quyche events)
            assert vi.startswith("Ngày") and en.startswith("The "), (event_type, name)
            short_vi, short_en = ANCHOR_LABELS[name]  # its name in explanations ("tính từ ngày thụ lý")
            assert short_vi.startswith("ngày") and short_en.startswith("the "), (event_type, name)
            assert short_vi == LATER_DATE_LABELS[name][0]
    assert field_descriptions("petition_received")["acceptance_date"][0].startswith("Ngày thụ lý")
    assert ANCHOR_LABELS["acceptance_date"][0] == "ngày thụ lý"
    props = EVENT_TYPES["petition_received"].model_json_schema()["properties"]["acceptance_date"]
    assert props["description_vi"].startswith("Ngày thụ lý") and "accepts" in props["description"]


DENUNCIATION = {
    "type": "petition_received",
    "received_by": "ubnd",
    "kind": "denunciation",
    "competent_body": "ubnd",
    "date": "2024-03-04",
}


@pytest.mark.parametrize(
    ("field", "extra", "message"),
    [
        ("acceptance_date", {"acceptance_date": "2024-03-03"}, "before the event's date 2024-03-04"),
        (
            "acceptance_date",
            {"transfer_receipt_date": "2024-03-10", "acceptance_date": "2024-03-09"},
            "before transfer_receipt_date 2024-03-10",
        ),
        ("transfer_receipt_date", {"transfer_receipt_date": "2023-12-31"}, "before the event's date"),
        ("acceptance_date", {"acceptance_date": "2024-02-30"}, "not a valid calendar date"),
        ("acceptance_date", {"acceptance_date": "04/03/2024"}, "expected an ISO date"),
        ("acceptance_date", {"acceptance_date": "2024-03-05T10:00:00"}, "expected an ISO date"),
    ],
)
def test_a_later_date_is_validated_like_date_and_never_before_it(
    reg: Regulation, field: str, extra: dict[str, str], message: str
) -> None:
    with pytest.raises(quyche.InvalidEvent) as info:
        reg.evaluate({**DENUNCIATION, **extra})
    assert info.value.errors[0]["loc"] == [field]
    assert str(info.value).startswith(f"invalid event: {field}: ") and message in str(info.value)


def test_supervision_end_is_not_before_its_start(reg: Regulation) -> None:
    ev = {"type": "supervision_planned", "activity": "supervision", "by": "doan_dbqh", "date": "2024-05-02"}
    with pytest.raises(quyche.InvalidEvent) as info:
        reg.evaluate({**ev, "supervision_start": "2024-06-10", "supervision_end": "2024-06-09"})
    assert info.value.errors[0]["loc"] == ["supervision_end"] and "supervision_start 2024-06-10" in str(info.value)
    # the same day, and any date when the event has no date of its own, are accepted
    reg.evaluate({**ev, "supervision_start": "2024-06-10", "supervision_end": "2024-06-10"})
    reg.evaluate({**ev, "date": None, "supervision_start": "2020-01-01"})


def test_a_later_date_equal_to_the_event_date_gives_the_due_date(reg: Regulation) -> None:
    decision = reg.evaluate({**DENUNCIATION, "acceptance_date": "2024-03-04"})
    settle = next(r for r in decision.responsibilities if r.duty == "settle_denunciation")
    assert settle.deadline is not None and settle.deadline.anchor == "acceptance_date"
    assert settle.deadline.due is not None and settle.deadline.due > date(2024, 3, 4)


def test_explanation_names_the_later_date_in_the_laws_words(python_reg: Regulation) -> None:
    ev = {**DENUNCIATION, "acceptance_date": "2024-03-11"}
    text = explain(python_reg.evaluate(ev), "vi", regulation=python_reg, event=ev)
    assert "kể từ ngày thụ lý" in text
    text_en = explain(python_reg.evaluate(ev), "en", regulation=python_reg, event=ev)
    assert "of the day the case is accepted — due 2024-03-18" in text_en


@given(events())
def test_generated_events_keep_their_later_dates_in_order(event: dict[str, Any]) -> None:
    parsed = quyche.parse_event(event)  # never an InvalidEvent
    for name, after in LATER_DATES[event["type"]].items():
        value = getattr(parsed, name)
        for other in after:
            if value is not None and getattr(parsed, other) is not None:
                assert value >= getattr(parsed, other)


def test_a_rule_counting_from_a_date_no_event_field_carries_is_a_load_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules)
    path = rules / "dieu_08.yaml"
    text = path.read_text(encoding="utf-8")
    assert "anchor: acceptance_date}" in text
    path.write_text(text.replace("anchor: acceptance_date}", "anchor: acceptance_day}", 1), encoding="utf-8")
    with pytest.raises(quyche.RuleFileError) as info:
        quyche.load(rules, engine="python")
    err = info.value
    assert err.path is not None and err.path.endswith("dieu_08.yaml") and err.line is not None
    assert "deadline anchor 'acceptance_day' is not a date field of petition_received" in str(err)
    assert "did you mean 'acceptance_date'?" in str(err)
    assert (
        text.replace("anchor: acceptance_date}", "anchor: acceptance_day}", 1)
        .splitlines()[err.line - 1]
        .count("acceptance_day")
    )


def test_every_later_date_is_in_the_guides() -> None:
    root = Path(__file__).resolve().parent.parent / "docs"
    vi_guide = (root / "cases.md").read_text(encoding="utf-8")
    en_guide = (root / "cases.en.md").read_text(encoding="utf-8")
    for event_type, later in LATER_DATES.items():
        described = field_descriptions(event_type)
        for name in later:
            vi, en = described[name]
            assert f"| `{event_type}` | `{name}` | {vi} |" in vi_guide, name
            assert f"| `{event_type}` | `{name}` | {en} " in en_guide, name
