"""Assemble a Decision from the rules that fired (shared by both engines, so they cannot diverge).

The lead is named by the first fired rule (in firing order) that names one; coordinating bodies never
include the lead, and recipients for information never include the lead or a coordinating body
(contract.md §4). A decision with no lead always carries a warning that says why.

Every per-rule part is prepared once, at load time, by :class:`Assembler`:

* body expressions that name a fixed body (``ubnd``, ``all_parties``) are resolved once; ``event.X``
  and ``lead`` become small closures; anything else calls :func:`~quyche.rules.bodies.resolve`;
* each rule's citations (its own, ``cites``, its duties') and warnings are built once: they are frozen
  models, shared by the decisions that use them;
* each condition's description is compiled (:func:`~quyche.rules.conditions.compile_describe`), and
  the trace entry itself is built once when the description cannot depend on the event;
* a duty's Responsibility is built once per possible party when it does not depend on a date;
* due dates come from a bounded memo of the pure function ``calendar.due_date``;
* everything of a decision but its dates, id and fact-dependent reasons depends only on the rules that
  fired and on the event fields the body expressions read (``event.X``): that part (a ``_Skeleton``:
  lead, lists, citations, warnings, which duties for which bodies) is memoised by them, bounded, and
  each decision gets its own copies of the lists;
* a reason that depends on the fact (which ``any`` branch held) is memoised by the values of the fields
  its condition reads;
* the models built per event (Decision, Responsibility, Deadline, TraceEntry) are created from values
  that are already valid, without re-validating them (:func:`_trusted`) — the same fields, values and
  ``model_fields_set`` as the validating constructor (``tests/test_batch.py`` checks the JSON against
  a validating round trip).

An Assembler holds only immutable data after construction: it is safe from several threads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, TypeVar

from pydantic import BaseModel

from quyche import calendar
from quyche.chapters.chuong_1 import OFFICE_OF, PARTIES, RECIPIENTS
from quyche.decision import Citation, Deadline, Decision, DecisionWarning, Responsibility, TraceEntry
from quyche.events_base import EventBase
from quyche.rules import conditions as C
from quyche.rules.bodies import citation, resolve
from quyche.rules.compile import CompiledRegulation, CompiledRule
from quyche.rules.model import DeadlineSpec, Rule

M = TypeVar("M", bound=BaseModel)
#: A compiled body expression: ``(event, lead) -> bodies`` (the result is only read, never kept).
Body = Callable[[EventBase, "str | None"], Sequence[str]]

_RECIPIENTS = frozenset(RECIPIENTS)
_EVENT_FIELD = re.compile(r"event\.([a-z_][a-z0-9_]*)")
#: ``calendar.due_date`` is a pure function of its arguments (the holidays are fixed once imported):
#: a bounded, thread-safe memo of it (errors are not stored, so a bad date raises every time).
_due_date = lru_cache(maxsize=4096)(calendar.due_date)
_NO_BODIES: tuple[str, ...] = ()


def _trusted(cls: type[M]) -> Callable[..., M]:
    """A constructor for ``cls`` that skips validation: for values built here from validated data.

    The instance is what ``cls(**values)`` gives when every field is passed: the same ``__dict__`` (in
    field order), ``model_fields_set`` (all fields) and no extra or private values.
    """
    names = tuple(cls.model_fields)
    all_fields = frozenset(names)
    new = object.__new__
    setattr_ = object.__setattr__

    def make(**values: Any) -> M:
        obj = new(cls)
        setattr_(obj, "__dict__", {n: values[n] for n in names})
        setattr_(obj, "__pydantic_fields_set__", set(all_fields))
        setattr_(obj, "__pydantic_extra__", None)
        setattr_(obj, "__pydantic_private__", None)
        return obj

    return make


_decision = _trusted(Decision)
_responsibility = _trusted(Responsibility)
_deadline = _trusted(Deadline)
_trace = _trusted(TraceEntry)


def compile_body(expr: str) -> Body:
    """A body expression as a closure (same result as :func:`~quyche.rules.bodies.resolve`)."""
    if expr in _RECIPIENTS:
        fixed: tuple[str, ...] = (expr,)
        return lambda event, lead: fixed
    if expr == "all_parties":
        parties = tuple(PARTIES)
        return lambda event, lead: parties
    if expr == "lead":
        return lambda event, lead: (lead,) if lead else _NO_BODIES
    if expr.startswith("event.") and "(" not in expr and expr.count(".") == 1:
        name = expr[len("event.") :]

        def field(event: EventBase, lead: str | None) -> Sequence[str]:
            value = getattr(event, name, None)
            return (value,) if isinstance(value, str) and value in _RECIPIENTS else _NO_BODIES

        return field
    if expr == "other_parties":
        return lambda event, lead: tuple(p for p in PARTIES if p != lead)
    if expr.startswith("office_of(") and expr.endswith(")"):
        inner = compile_body(expr[len("office_of(") : -1])
        return lambda event, lead: tuple(OFFICE_OF[p] for p in inner(event, lead) if p in OFFICE_OF)
    return lambda event, lead: resolve(expr, event, lead)


def _is_fixed(expr: str) -> bool:
    return expr in _RECIPIENTS or expr == "all_parties"


@dataclass(frozen=True)
class _Duty:
    party: Body
    duty: str
    article: int
    text_vi: str
    text_en: str
    mode: str | None
    deadline: DeadlineSpec | None
    citation: Citation
    provenance: str
    basis: str | None
    # the finished Responsibility for each possible party, when it does not depend on a date: with no
    # deadline, or (``undated``) with a deadline whose anchor date is unknown; shared (they are frozen)
    prebuilt: dict[str, Responsibility]

    def responsibility(self, party: str, deadline: Deadline | None) -> Responsibility:
        return _responsibility(
            party=party,
            duty=self.duty,
            text_vi=self.text_vi,
            text_en=self.text_en,
            mode=self.mode,
            deadline=deadline,
            citation=self.citation,
            provenance=self.provenance,
            basis=self.basis,
        )


@dataclass(frozen=True)
class _RulePlan:
    id: str
    article: int
    lead: Body | None
    coordinating: tuple[str, ...]
    coordinating_dyn: tuple[Body, ...]
    notified: tuple[str, ...]
    notified_dyn: tuple[Body, ...]
    advising: tuple[str, ...]
    advising_dyn: tuple[Body, ...]
    modes: tuple[str, ...]
    citations: tuple[tuple[tuple[int, int, int, str], Citation], ...]
    duties: tuple[_Duty, ...]
    warnings: tuple[DecisionWarning, ...]
    trace: dict[str, TraceEntry]  # by event type, when the reason does not depend on the fact
    trace_fields: tuple[str, ...]  # otherwise: the fact's fields the reason depends on …
    trace_entry: Callable[[str, tuple[Any, ...]], TraceEntry]  # … and a memo of the entry by their values


def _trace_memo(r: CompiledRule, describe: C.Describer) -> Callable[[str, tuple[Any, ...]], TraceEntry]:
    """The trace entry of a rule whose reason depends on the fact, memoised by the values of the fields
    its condition reads (a pure function of them; bounded; thread-safe).
    """
    fields = tuple(sorted(C.fields_of(r.when)))

    @lru_cache(maxsize=1024)
    def entry(event_type: str, values: tuple[Any, ...]) -> TraceEntry:
        fact = {f: v for f, v in zip(fields, values, strict=True) if v is not C.MISSING}
        return _trace(rule=r.id, article=r.article, reason=f"{event_type} event; {describe(fact)}")

    return entry


def _fact_dependent(node: C.Node | None) -> bool:
    """Whether ``describe(node, fact)`` depends on the fact (only ``any`` branches do)."""
    return node is not None and ("any" in node or ("all" in node and any(_fact_dependent(n) for n in node["all"])))


def _key(article: int, clause: int | None, point: str | None) -> tuple[int, int, int, str]:
    return (article, clause or 0, 0 if clause is None else 1, point or "")


def _split(exprs: Sequence[str]) -> tuple[tuple[str, ...], tuple[Body, ...]]:
    fixed: list[str] = []
    dynamic: list[Body] = []
    for expr in exprs:
        if _is_fixed(expr):
            fixed.extend(compile_body(expr)(None, None))  # type: ignore[arg-type]
        else:
            dynamic.append(compile_body(expr))
    return tuple(fixed), tuple(dynamic)


_NO_RULE = DecisionWarning(
    code="no_rule_applies",
    message="No rule of the regulation applies to this event.",
    message_vi="Không có quy định nào của Quy chế áp dụng cho sự kiện này.",
)
#: A due date that cannot be computed because the calendar of working days is not known for its years.
CALENDAR_UNKNOWN = DecisionWarning(
    code="calendar_unknown",
    message=(
        "A due date cannot be computed: the calendar of working days and public holidays is known only "
        "for the years 1990 to 2100 (the deadline's due is null)."
    ),
    message_vi=(
        "Không xác định được ngày đến hạn: lịch ngày làm việc, ngày nghỉ lễ, tết chỉ được xác định cho "
        "các năm từ 1990 đến 2100."
    ),
)
_NO_LEAD = DecisionWarning(
    code="no_lead",
    message="The rules that apply do not designate a body to lead (chủ trì).",
    message_vi="Các quy định áp dụng không xác định cơ quan chủ trì.",
)


class Assembler:
    """Builds Decisions from fired rules; every rule's static part is prepared in ``__init__``."""

    def __init__(self, reg: CompiledRegulation) -> None:
        self._plans: dict[str, _RulePlan] = {r.id: self._plan(reg, r) for r in reg.rules}
        # the event fields each type's body expressions read (``event.X``): with the fired rules, they
        # decide everything but the dates, so the rest of a decision is memoised by them (bounded)
        self._body_fields: dict[str, tuple[str, ...]] = {
            t: tuple(sorted({m for r in rules for m in _EVENT_FIELD.findall(" ".join(_bodies_of(r.rule)))}))
            for t, rules in reg.by_type.items()
        }
        self._skeleton = lru_cache(maxsize=8192)(self._build_skeleton)

    @staticmethod
    def _plan(reg: CompiledRegulation, r: CompiledRule) -> _RulePlan:
        rule = r.rule
        cites: dict[tuple[int, int, int, str], Citation] = {}

        def cite(article: int, clause: int | None, point: str | None) -> Citation:
            key = _key(article, clause, point)
            if key not in cites:
                cites[key] = citation(reg, article, clause, point)
            return cites[key]

        rule_cite = cite(r.article, rule.clause, rule.point)
        for art in rule.cites:
            cite(art, None, None)
        duties: list[_Duty] = []
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
            dl = spec.deadline
            duty = _Duty(
                party=compile_body(spec.party),
                duty=spec.duty,
                article=article,
                text_vi=spec.text_vi,
                text_en=spec.text_en,
                mode=spec.mode,
                deadline=dl,
                citation=resp_cite,
                provenance=prov.source,
                basis=prov.basis,
                prebuilt={},
            )
            undated = (
                None
                if dl is None
                else Deadline(days=dl.days, unit=dl.unit, relation=dl.relation, anchor=dl.anchor, due=None)
            )
            parties = compile_body(spec.party)(None, None) if _is_fixed(spec.party) else RECIPIENTS  # type: ignore[arg-type]
            duty.prebuilt.update({party: duty.responsibility(party, undated) for party in parties})
            duties.append(duty)
        warnings: dict[str, DecisionWarning] = {}
        for w in rule.warnings:
            warnings.setdefault(w.code, DecisionWarning(code=w.code, message=w.message_en, message_vi=w.message_vi))
        coordinating, coordinating_dyn = _split(rule.coordinating)
        notified, notified_dyn = _split(rule.notified)
        advising, advising_dyn = _split(rule.advising)
        return _RulePlan(
            id=r.id,
            article=r.article,
            lead=compile_body(rule.lead) if rule.lead is not None else None,
            coordinating=coordinating,
            coordinating_dyn=coordinating_dyn,
            notified=notified,
            notified_dyn=notified_dyn,
            advising=advising,
            advising_dyn=advising_dyn,
            modes=tuple(rule.modes),
            citations=tuple(cites.items()),
            duties=tuple(duties),
            warnings=tuple(warnings.values()),
            trace_fields=tuple(sorted(C.fields_of(r.when))),
            trace_entry=_trace_memo(r, C.compile_describe(r.when)),
            trace=(
                {}
                if _fact_dependent(r.when)
                else {
                    t: _trace(rule=r.id, article=r.article, reason=f"{t} event; {C.describe(r.when)}")
                    for t in r.event_types
                }
            ),
        )

    def decide(
        self, event: EventBase, fired_ids: Sequence[str], fact: dict[str, Any], reference: date | None
    ) -> Decision:
        """The Decision for ``event`` given the ids of the rules that fired, in firing order."""
        event_type = str(event.type)  # type: ignore[attr-defined]
        named = tuple([getattr(event, f, None) for f in self._body_fields[event_type]])
        sk = self._skeleton(event_type, tuple(fired_ids), named)
        responsibilities: list[Responsibility] = []
        deadlines: dict[int, Deadline] = {}
        unknown_calendar = False
        for i, d, party in sk.duties:
            if d.deadline is None:
                responsibilities.append(d.prebuilt[party])
                continue
            dl = deadlines.get(i)
            if dl is None:
                try:
                    dl = _deadline_for(d.deadline, event, reference)
                except (ValueError, OverflowError):  # a date the calendar does not cover: due unknown
                    spec = d.deadline
                    dl = _deadline(days=spec.days, unit=spec.unit, relation=spec.relation, anchor=spec.anchor, due=None)
                    unknown_calendar = True
                deadlines[i] = dl
            responsibilities.append(d.prebuilt[party] if dl.due is None else d.responsibility(party, dl))
        trace = [
            entry
            if entry is not None
            else plan.trace_entry(event_type, tuple([fact.get(f, C.MISSING) for f in plan.trace_fields]))
            for plan, entry in sk.trace
        ]
        return _decision(
            event_type=event_type,
            event_id=event.id,
            reference_date=reference,
            lead=sk.lead,
            coordinating=list(sk.coordinating),
            notified=list(sk.notified),
            advising=list(sk.advising),
            modes=list(sk.modes),
            responsibilities=responsibilities,
            citations=list(sk.citations),
            warnings=sorted([*sk.warnings, CALENDAR_UNKNOWN], key=_code) if unknown_calendar else list(sk.warnings),
            trace=trace,
        )

    def _build_skeleton(self, event_type: str, fired_ids: tuple[str, ...], named: tuple[Any, ...]) -> _Skeleton:
        """Everything of a decision that depends only on the rules that fired and on the event fields
        that body expressions read (``event.X``): the same for every event with those.
        """
        event: Any = SimpleNamespace(type=event_type, **dict(zip(self._body_fields[event_type], named, strict=True)))
        plans = [self._plans[i] for i in fired_ids]
        lead: str | None = None
        for p in plans:
            if p.lead is not None:
                bodies = p.lead(event, None)
                if bodies:
                    lead = bodies[0]
                    break
        coordinating: set[str] = set()
        notified: set[str] = set()
        advising: set[str] = set()
        modes: set[str] = set()
        duties: list[tuple[int, _Duty, str]] = []
        seen_duties: set[tuple[str, str, int]] = set()
        citations: dict[tuple[int, int, int, str], Citation] = {}
        warnings: dict[str, DecisionWarning] = {}
        trace: list[tuple[_RulePlan, TraceEntry | None]] = []
        for p in plans:
            coordinating.update(p.coordinating)
            for body in p.coordinating_dyn:
                coordinating.update(body(event, lead))
            notified.update(p.notified)
            for body in p.notified_dyn:
                notified.update(body(event, lead))
            advising.update(p.advising)
            for body in p.advising_dyn:
                advising.update(body(event, lead))
            modes.update(p.modes)
            for key, cit in p.citations:
                citations.setdefault(key, cit)
            for d in p.duties:
                for party in d.party(event, lead):
                    key3 = (party, d.duty, d.article)
                    if key3 not in seen_duties:
                        seen_duties.add(key3)
                        duties.append((id(d), d, party))
            for w in p.warnings:
                warnings.setdefault(w.code, w)
            trace.append((p, p.trace.get(event_type)))
        if not plans:
            warnings["no_rule_applies"] = _NO_RULE
        elif lead is None and not warnings:
            warnings["no_lead"] = _NO_LEAD
        if lead:
            coordinating.discard(lead)
        out_notified = notified - coordinating
        if lead:
            out_notified.discard(lead)
        return _Skeleton(
            lead=lead,
            coordinating=tuple(sorted(coordinating)),
            notified=tuple(sorted(out_notified)),
            advising=tuple(sorted(advising)),
            modes=tuple(sorted(modes)),
            citations=tuple(citations[k] for k in sorted(citations)),
            warnings=tuple(sorted(warnings.values(), key=_code)),
            duties=tuple(duties),
            trace=tuple(trace),
        )


@dataclass(frozen=True)
class _Skeleton:
    """The part of a decision shared by every event with the same fired rules and named bodies."""

    lead: str | None
    coordinating: tuple[str, ...]
    notified: tuple[str, ...]
    advising: tuple[str, ...]
    modes: tuple[str, ...]
    citations: tuple[Citation, ...]
    warnings: tuple[DecisionWarning, ...]
    duties: tuple[tuple[int, _Duty, str], ...]  # (the duty's identity, the duty, the party), in order
    trace: tuple[tuple[_RulePlan, TraceEntry | None], ...]  # None: the reason depends on the fact


def _bodies_of(rule: Rule) -> list[str]:
    """Every body expression a rule uses."""
    out = [*rule.coordinating, *rule.notified, *rule.advising, *(r.party for r in rule.responsibilities)]
    return [rule.lead, *out] if rule.lead is not None else out


def _code(w: DecisionWarning) -> str:
    return w.code


def _deadline_for(spec: DeadlineSpec, event: EventBase, reference: date | None) -> Deadline:
    """The deadline of a duty for this event, with its due date when the anchor date is known."""
    if spec.anchor == "reference_date":
        anchor = reference
    else:
        value = getattr(event, spec.anchor, None)
        anchor = value if isinstance(value, date) else None
    due = _due_date(anchor, spec.days, spec.unit, spec.relation) if anchor is not None else None
    return _deadline(days=spec.days, unit=spec.unit, relation=spec.relation, anchor=spec.anchor, due=due)
