"""Assemble a Decision from the rules that fired (shared by both engines, so they cannot diverge).

The lead is named by the first fired rule (in firing order) that names one; coordinating bodies never
include the lead, and recipients for information never include the lead or a coordinating body
(contract.md §4). A decision with no lead always carries a warning that says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from quyche import calendar
from quyche.chapters.chuong_1 import OFFICE_OF, PARTIES, RECIPIENTS
from quyche.decision import Citation, Deadline, Decision, DecisionWarning, Responsibility, TraceEntry
from quyche.events_base import EventBase
from quyche.rules import conditions as C
from quyche.rules.compile import CompiledRegulation, CompiledRule
from quyche.rules.model import DeadlineSpec

_OFFICE = re.compile(r"^office_of\((.+)\)$")


def resolve(expr: str, event: EventBase, lead: str | None) -> list[str]:
    """The bodies a body expression names for this event (see :data:`quyche.rules.model.BodyExpr`)."""
    m = _OFFICE.fullmatch(expr)
    if m:
        return [OFFICE_OF[p] for p in resolve(m.group(1), event, lead) if p in OFFICE_OF]
    if expr == "all_parties":
        return list(PARTIES)
    if expr == "other_parties":
        return [p for p in PARTIES if p != lead]
    if expr == "lead":
        return [lead] if lead else []
    if expr.startswith("event."):
        value = getattr(event, expr[len("event.") :], None)
        return [value] if isinstance(value, str) and value in RECIPIENTS else []
    return [expr]


def _sorted_unique(items: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    drop = set(exclude)
    return sorted({i for i in items if i not in drop})


def roman(n: int) -> str:
    """Chapter numeral (1–7)."""
    return ["", "I", "II", "III", "IV", "V", "VI", "VII"][n] if 0 < n < 8 else str(n)


def citation(reg: CompiledRegulation, article: int, clause: int | None, point: str | None) -> Citation:
    """A citation with its Vietnamese label, e.g. ``Khoản 1 Điều 19 (Chương VI): …``."""
    art = reg.outline.articles[article]
    parts = ([f"điểm {point}"] if point else []) + ([f"khoản {clause}"] if clause is not None else [])
    where = " ".join([*parts, f"Điều {article}"])
    where = where[0].upper() + where[1:]
    label = f"{where} (Chương {roman(art.chapter)}): {art.title_vi}"
    return Citation(chapter=art.chapter, article=article, clause=clause, point=point, label=label)


def _anchor_date(event: EventBase, anchor: str, reference: date | None) -> date | None:
    if anchor == "reference_date":
        return reference
    value = getattr(event, anchor, None)
    return value if isinstance(value, date) else None


def deadline(spec: DeadlineSpec, event: EventBase, reference: date | None) -> Deadline:
    """A deadline with its due date when the anchor date is known."""
    anchor = _anchor_date(event, spec.anchor, reference)
    due = calendar.due_date(anchor, spec.days, spec.unit, spec.relation) if anchor is not None else None
    return Deadline(days=spec.days, unit=spec.unit, relation=spec.relation, anchor=spec.anchor, due=due)


def decide(
    reg: CompiledRegulation,
    event: EventBase,
    fired: Sequence[CompiledRule],
    fact: dict[str, Any],
    reference: date | None,
) -> Decision:
    """Build the decision for ``event`` from the rules that fired, in firing order."""
    lead: str | None = None
    for r in fired:
        if r.rule.lead is not None:
            named = resolve(r.rule.lead, event, None)
            if named:
                lead = named[0]
                break
    coordinating: list[str] = []
    notified: list[str] = []
    advising: list[str] = []
    modes: list[str] = []
    responsibilities: list[Responsibility] = []
    seen_duties: set[tuple[str, str, int]] = set()
    citations: dict[tuple[int, int, int, str], Citation] = {}
    warnings: dict[str, DecisionWarning] = {}
    trace: list[TraceEntry] = []

    def cite(article: int, clause: int | None, point: str | None) -> Citation:
        key = (article, clause or 0, 0 if clause is None else 1, point or "")
        if key not in citations:
            citations[key] = citation(reg, article, clause, point)
        return citations[key]

    for r in fired:
        rule = r.rule
        for expr in rule.coordinating:
            coordinating += resolve(expr, event, lead)
        for expr in rule.notified:
            notified += resolve(expr, event, lead)
        for expr in rule.advising:
            advising += resolve(expr, event, lead)
        modes += rule.modes
        rule_cite = cite(r.article, rule.clause, rule.point)
        for art in rule.cites:
            cite(art, None, None)
        for spec in rule.responsibilities:
            article = spec.article or r.article
            clause = spec.clause if spec.clause is not None or spec.article else rule.clause
            point = spec.point if spec.point is not None or spec.article else rule.point
            resp_cite = (
                cite(article, clause, point)
                if (article, clause, point) != (r.article, rule.clause, rule.point)
                else rule_cite
            )
            prov = spec.provenance or rule.provenance
            for party in resolve(spec.party, event, lead):
                key = (party, spec.duty, article)
                if key in seen_duties:
                    continue
                seen_duties.add(key)
                responsibilities.append(
                    Responsibility(
                        party=party,
                        duty=spec.duty,
                        text_vi=spec.text_vi,
                        text_en=spec.text_en,
                        mode=spec.mode,
                        deadline=deadline(spec.deadline, event, reference) if spec.deadline else None,
                        citation=resp_cite,
                        provenance=prov.source,
                        basis=prov.basis,
                    )
                )
        for w in rule.warnings:
            warnings.setdefault(w.code, DecisionWarning(code=w.code, message=w.message_en, message_vi=w.message_vi))
        trace.append(
            TraceEntry(rule=r.id, article=r.article, reason=f"{_type(event)} event; {C.describe(r.when, fact)}")
        )

    if not fired:
        warnings["no_rule_applies"] = DecisionWarning(
            code="no_rule_applies",
            message="No rule of the regulation applies to this event.",
            message_vi="Không có quy định nào của Quy chế áp dụng cho sự kiện này.",
        )
    elif lead is None and not warnings:
        warnings["no_lead"] = DecisionWarning(
            code="no_lead",
            message="The rules that apply do not designate a body to lead (chủ trì).",
            message_vi="Các quy định áp dụng không xác định cơ quan chủ trì.",
        )
    coordinating_out = _sorted_unique(coordinating, [lead] if lead else [])
    return Decision(
        event_type=_type(event),
        event_id=event.id,
        reference_date=reference,
        lead=lead,
        coordinating=coordinating_out,
        notified=_sorted_unique(notified, [*coordinating_out, *([lead] if lead else [])]),
        advising=_sorted_unique(advising),
        modes=_sorted_unique(modes),
        responsibilities=responsibilities,
        citations=[citations[k] for k in sorted(citations)],
        warnings=sorted(warnings.values(), key=lambda w: w.code),
        trace=trace,
    )


def _type(event: EventBase) -> str:
    return str(getattr(event, "type"))  # noqa: B009 - every concrete event has a type
