"""Content checks of the encoded regulation (issue 3): the whole event vocabulary gets a real decision.

The sweep builds, for every event type of contract §3, every combination of the values of its
enumerated fields (parties, enumerations, booleans true/false/absent, rounds 1/2/absent), with date
fields absent or given; each event is evaluated on both engines. What is checked:

* both engines give the same decision (contract §4);
* every decision names a lead or carries a warning that says why not;
* every article is cited by some decision of the sweep or declares what it does not encode;
* every ``law`` provenance names its instrument and article; every rule and standing duty has one;
* rule versions by date (voter contact: NQLT 525/2012 until 19/2/2025, NQLT 72/2025 from 20/2/2025);
* the glossary lists every duty code and warning code the rules use.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from quyche.events import EVENT_TYPES, FIELD_SPECS
from quyche.regulation import Regulation

ROOT = Path(__file__).resolve().parent.parent
DATED = date(2024, 9, 16)
#: Values for fields that are not enumerations.
_OTHER_VALUES: dict[str, list[Any]] = {
    "year": [2021, 2022, 2023, 2024, 2025, 2026],
    "articles": [None, [], [5, 19]],
}


def _values(event_type: str, name: str) -> list[Any]:
    spec = FIELD_SPECS[event_type][name]
    if name in _OTHER_VALUES:
        values = list(_OTHER_VALUES[name])
    elif spec.kind == "enum":
        values = list(spec.values)
    elif spec.kind == "bool":
        values = [True, False]
    elif spec.kind == "date":
        values = [DATED]
    else:  # id and other free text: left out
        return [None]
    if not spec.required and None not in values:
        values.append(None)
    return values


def sweep(event_type: str) -> Iterator[dict[str, Any]]:
    """Every combination of the event type's values (``id`` and ``date`` absent; see ``dated``)."""
    names = [n for n in FIELD_SPECS[event_type] if n not in ("id", "date")]
    for combo in itertools.product(*(_values(event_type, n) for n in names)):
        event: dict[str, Any] = {"type": event_type}
        event.update({n: v for n, v in zip(names, combo, strict=True) if v is not None})
        yield event


ALL_EVENTS = [e for t in sorted(EVENT_TYPES) for e in sweep(t)]


def _decisions(reg: Regulation, events: list[dict[str, Any]], as_of: date | None = None) -> list[Any]:
    return [reg.evaluate(e, as_of=as_of) for e in events]


@pytest.fixture(scope="module")
def swept(python_reg: Regulation) -> list[Any]:
    return _decisions(python_reg, ALL_EVENTS)


def test_sweep_covers_every_enumeration_value() -> None:
    for event_type, specs in FIELD_SPECS.items():
        events = [e for e in ALL_EVENTS if e["type"] == event_type]
        for name, spec in specs.items():
            if spec.kind in ("enum", "bool"):
                seen = {e.get(name) for e in events}
                assert set(spec.values if spec.kind == "enum" else (True, False)) <= seen, (event_type, name)
                if not spec.required:
                    assert None in seen, (event_type, name)


@pytest.mark.parametrize("as_of", [None, DATED, date(2025, 2, 19), date(2025, 2, 20)])
def test_both_engines_agree_on_the_whole_vocabulary(
    python_reg: Regulation, durable_reg: Regulation, as_of: date | None
) -> None:
    events = ALL_EVENTS if as_of is None else ALL_EVENTS[::3]
    for event in events:
        assert durable_reg.evaluate(event, as_of=as_of) == python_reg.evaluate(event, as_of=as_of), event


def test_every_decision_has_a_lead_or_says_why_not(swept: list[Any]) -> None:
    for event, decision in zip(ALL_EVENTS, swept, strict=True):
        assert decision.trace, event
        assert decision.lead is not None or decision.warnings, event
        assert "no_rule_applies" not in decision.warning_codes, event
        assert decision.lead not in decision.coordinating and decision.lead not in decision.notified
        assert not set(decision.coordinating) & set(decision.notified), event
        assert decision.citations, event


def test_every_article_is_cited_or_declares_what_it_does_not_encode(
    python_reg: Regulation, swept: list[Any]
) -> None:
    cited = {a for d in swept for a in d.cited_articles}
    cited |= set(python_reg.evaluate({"type": "annual_review", "year": 2024, "date": "2026-01-05"}).cited_articles)
    for article in python_reg.compiled.outline.articles.values():
        assert article.article in cited or article.not_encoded, f"Điều {article.article} is neither cited nor declared"
        for gap in article.not_encoded:
            assert "work in progress" not in gap.reason.lower(), f"Điều {article.article}: {gap.reason}"


def test_every_event_type_cites_its_own_article(python_reg: Regulation, swept: list[Any]) -> None:
    home = {
        "propaganda_activity": 4,
        "draft_consultation": 5,
        "voter_contact": 6,
        "voter_petition": 6,
        "citizen_reception": 7,
        "petition_received": 8,
        "petition_resolved": 8,
        "supervision_planned": 9,
        "meeting_convened": 10,
        "report_issued": 11,
        "information_request": 13,
        "annual_review": 19,
        "amendment_proposed": 20,
    }
    assert set(home) == set(EVENT_TYPES)
    for event, decision in zip(ALL_EVENTS, swept, strict=True):
        assert home[event["type"]] in decision.cited_articles, event


def test_every_provenance_is_complete(python_reg: Regulation) -> None:
    outline = python_reg.compiled.outline
    provenances = []
    for art in outline.articles.values():
        provenances.append(art.provenance)
        provenances += [d.provenance for d in art.standing_duties]
        for rule in art.rules:
            provenances.append(rule.provenance)
            provenances += [r.provenance for r in rule.responsibilities if r.provenance]
    for prov in provenances:
        if prov.source == "law":
            assert prov.basis and "Điều" in prov.basis, prov
    for chapter in (5,):
        for number in outline.chapters[chapter].articles:
            assert outline.articles[number].standing_duties, f"Điều {number} has no standing duties"


def test_every_law_provenance_quotes_the_text_read(python_reg: Regulation) -> None:
    """Issue 9: no provenance says ``law`` unless its basis names an article whose text was read and is
    quoted: the note (the duty's own, or its rule's) holds a quotation ("…") and says where it was read.
    """
    outline = python_reg.compiled.outline
    checked = 0
    for art in outline.articles.values():
        entries: list[tuple[str, Any, Any]] = [(f"Điều {art.article}", art.provenance, None)]
        for rule in art.rules:
            entries.append((rule.id, rule.provenance, None))
            own = [r for r in rule.responsibilities if r.provenance]
            entries += [(f"{rule.id}/{r.duty}", r.provenance, rule.provenance) for r in own]
        entries += [(f"Điều {art.article}/{d.duty}", d.provenance, None) for d in art.standing_duties]
        for name, prov, parent in entries:
            if prov.source != "law":
                continue
            checked += 1
            assert prov.basis and "Điều" in prov.basis, name
            note = prov.note or (parent.note if parent is not None and parent.source == "law" else None) or ""
            assert '"' in note, f"{name}: a law provenance quotes the sentence read ({note!r})"
            assert "Read in" in note or "read in" in note or "Verified" in note, f"{name}: say where it was read"
    assert checked >= 40


def test_law_deadlines_name_their_basis(swept: list[Any]) -> None:
    for decision in swept:
        for r in decision.responsibilities:
            if r.provenance == "law":
                assert r.basis and "Điều" in r.basis, r
            if r.deadline is not None:
                assert r.deadline.unit in ("days", "working_days")


def test_voter_petition_version_follows_the_reference_date(python_reg: Regulation) -> None:
    event = {"type": "voter_petition", "received_by": "ubnd", "competence": "provincial"}

    def answer(d: Any) -> Any:
        (r,) = [r for r in d.responsibilities if r.duty == "answer_voter_petition"]
        return r

    old = answer(python_reg.evaluate({**event, "date": "2025-02-19"}))
    new = answer(python_reg.evaluate({**event, "date": "2025-02-20"}))
    current = answer(python_reg.evaluate(event))
    assert old.basis is not None and "525/2012" in old.basis and old.deadline is None
    assert new.basis is not None and "72/2025" in new.basis and new.deadline is not None
    assert new.deadline.days == 60 and new.deadline.due == date(2025, 4, 21)
    assert current.basis == new.basis and current.deadline is not None and current.deadline.due is None
    as_of_old = answer(python_reg.evaluate({**event, "date": "2025-03-01"}, as_of="2024-12-31"))
    assert as_of_old.basis == old.basis
    # forwarded by the delegation: NQLT 72/2025 Điều 49(1) counts from the People's Committee's own receipt
    forwarded = answer(python_reg.evaluate({**event, "received_by": "doan_dbqh", "date": "2025-02-20"}))
    assert forwarded.provenance == "law" and forwarded.deadline is not None
    assert forwarded.deadline.anchor == "transfer_receipt_date" and forwarded.deadline.due is None


def test_glossary_lists_every_code(python_reg: Regulation, swept: list[Any]) -> None:
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    duties = {d.duty for a in python_reg.compiled.outline.articles.values() for d in a.standing_duties}
    warnings = {"outside_validity", "no_rule_applies", "no_lead"}
    anchors = {"date", "reference_date"}
    for art in python_reg.compiled.outline.articles.values():
        for rule in art.rules:
            duties |= {r.duty for r in rule.responsibilities}
            warnings |= {w.code for w in rule.warnings}
            anchors |= {r.deadline.anchor for r in rule.responsibilities if r.deadline}
    for decision in swept:
        duties |= {r.duty for r in decision.responsibilities}
        warnings |= set(decision.warning_codes)
    for code in sorted(duties | warnings | anchors | set(EVENT_TYPES)):
        assert f"`{code}`" in glossary, f"docs/glossary.md does not list `{code}`"
