"""The *assemble* stage: the units that applied (:mod:`quyche.rules.runtime`) into a Decision, shared by both
engines so they cannot diverge.

The lead is named by the first applying unit (in firing order) that names one; coordinating bodies never include
the lead, and recipients for information never include the lead or a coordinating body (docs/reference.md §4). A
decision with no lead always carries a warning that says why. The modes of a decision are those its rules name and
those its duties are carried out in. Warnings are kept one per code and message: two rules that warn with the same
code for different reasons keep both reasons.

Every per-unit part is prepared once, at load time, by :class:`Assembler`:

* body expressions (already parsed, :class:`~quyche.rules.syntax.Body`) become small closures; fixed bodies are
  resolved once;
* each unit's citations and warnings are built once (frozen models, shared by the decisions that use them);
* a duty's Responsibility is built once per possible party when it does not depend on a date;
* due dates come from a bounded memo of the pure function ``calendar.period_end`` (a calendar-day period ending
  on a day off ends on the next working day, Bộ luật Dân sự 2015 Điều 148 khoản 5);
* a duty due before a later date that had already passed on the event's own date adds a
  ``deadline_already_passed`` warning (:func:`_lapsed_warnings`);
* everything of a decision but its dates, id and trace depends only on the units that applied and on the event
  fields the body expressions read (``event.X``): that part (a ``_Skeleton``) is memoised by them, bounded;
* a trace entry — which tests of the unit's condition held, and the reason in words — depends only on the values
  of the fields the condition reads: memoised by them;
* the models built per event are created from values that are already valid, without re-validating them
  (:func:`_trusted`; ``tests/test_batch.py`` checks the JSON against a validating round trip).

An Assembler holds only immutable data after construction: it is safe from several threads.
"""

from __future__ import annotations

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
from quyche.labels import label
from quyche.rules import conditions as C
from quyche.rules.cite import citation
from quyche.rules.compile import Plan, Unit, UnitDuty
from quyche.rules.syntax import Body, leaves
from quyche.rules.syntax import fields as condition_fields

M = TypeVar("M", bound=BaseModel)
#: A compiled body expression: ``(event, lead) -> bodies`` (the result is only read, never kept).
BodyFn = Callable[[Any, "str | None"], Sequence[str]]

_RECIPIENTS = frozenset(RECIPIENTS)
#: ``calendar.period_end`` is a pure function of its arguments (the holidays are fixed once imported): a
#: bounded, thread-safe memo of it (errors are not stored, so a bad date raises every time).
_period_end = lru_cache(maxsize=4096)(calendar.period_end)
_NO_BODIES: tuple[str, ...] = ()


def _trusted(cls: type[M]) -> Callable[..., M]:
    """A constructor for ``cls`` that skips validation: for values built here from validated data.

    The instance is what ``cls(**values)`` gives when every field is passed: the same ``__dict__`` (in field
    order), ``model_fields_set`` (all fields) and no extra or private values.
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


def compile_body(body: Body) -> BodyFn:
    """A body expression as a closure ``(event, lead) -> bodies``."""
    kind = body.kind
    if kind == "fixed":
        fixed: tuple[str, ...] = (str(body.name),)
        return lambda event, lead: fixed
    if kind == "all_parties":
        parties = tuple(PARTIES)
        return lambda event, lead: parties
    if kind == "other_parties":
        return lambda event, lead: tuple(p for p in PARTIES if p != lead)
    if kind == "lead":
        return lambda event, lead: (lead,) if lead else _NO_BODIES
    if kind == "event":
        name = str(body.name)

        def field(event: Any, lead: str | None) -> Sequence[str]:
            value = getattr(event, name, None)
            return (value,) if isinstance(value, str) and value in _RECIPIENTS else _NO_BODIES

        return field
    if kind == "office_of" and body.inner is not None:
        inner = compile_body(body.inner)
        return lambda event, lead: tuple(OFFICE_OF[p] for p in inner(event, lead) if p in OFFICE_OF)
    raise ValueError(f"unresolved body expression {body}")  # pragma: no cover - row.X is filled in by compile


def resolve(body: Body, event: Any, lead: str | None) -> list[str]:
    """The bodies a body expression names for an event and a lead."""
    return list(compile_body(body)(event, lead))


def _fixed(body: Body) -> bool:
    return body.kind in ("fixed", "all_parties")


def _event_fields(body: Body) -> set[str]:
    if body.kind == "event":
        return {str(body.name)}
    return _event_fields(body.inner) if body.inner is not None else set()


@dataclass(frozen=True)
class _Duty:
    party: BodyFn
    duty: UnitDuty
    citation: Citation
    # the finished Responsibility for each possible party, when it does not depend on a date: with no deadline,
    # or (``undated``) with a deadline whose anchor date is unknown; shared (they are frozen)
    prebuilt: dict[str, Responsibility]

    def responsibility(self, party: str, deadline: Deadline | None) -> Responsibility:
        d = self.duty
        return _responsibility(
            party=party,
            duty=d.duty,
            text_vi=d.text_vi,
            text_en=d.text_en,
            mode=d.mode,
            deadline=deadline,
            citation=self.citation,
            provenance=d.provenance.source,
            basis=d.provenance.basis,
        )


@dataclass(frozen=True)
class _UnitPlan:
    unit: Unit
    lead: BodyFn | None
    coordinating: tuple[str, ...]
    coordinating_dyn: tuple[BodyFn, ...]
    notified: tuple[str, ...]
    notified_dyn: tuple[BodyFn, ...]
    advising: tuple[str, ...]
    advising_dyn: tuple[BodyFn, ...]
    citations: tuple[tuple[tuple[int, int, int, str], Citation], ...]
    duties: tuple[_Duty, ...]
    warnings: tuple[DecisionWarning, ...]
    trace_fields: tuple[str, ...]  # the fact's fields the trace entry depends on …
    trace_entry: Callable[[str, tuple[Any, ...]], TraceEntry]  # … and a memo of the entry by their values


def _key(article: int, clause: int | None, point: str | None) -> tuple[int, int, int, str]:
    return (article, clause or 0, 0 if clause is None else 1, point or "")


def _split(bodies: Sequence[Body]) -> tuple[tuple[str, ...], tuple[BodyFn, ...]]:
    fixed: list[str] = []
    dynamic: list[BodyFn] = []
    for b in bodies:
        if _fixed(b):
            fixed.extend(compile_body(b)(None, None))
        else:
            dynamic.append(compile_body(b))
    return tuple(fixed), tuple(dynamic)


def _trace_memo(u: Unit) -> tuple[tuple[str, ...], Callable[[str, tuple[Any, ...]], TraceEntry]]:
    """The trace entry of a unit, memoised by the values of the fields its condition reads (a pure function of
    them; bounded; thread-safe): which tests held, and the reason in English words.
    """
    from quyche.render import reason_words

    tests = tuple(leaves(u.condition))
    names = tuple(sorted(condition_fields(u.condition) | {C.REFERENCE_DATE}))
    rule, article, row = u.rule_id, u.article, u.row

    @lru_cache(maxsize=1024)
    def entry(event_type: str, values: tuple[Any, ...]) -> TraceEntry:
        fact = {f: v for f, v in zip(names, values, strict=True) if v is not C.MISSING}
        truths = {t.index: C.test_holds(t, fact) for t in tests}
        reason = reason_words(event_type, u.condition, truths, "en", fact)
        held = [i for i, ok in truths.items() if ok]
        return _trace(rule=rule, article=article, reason=reason, held=held, row=row)

    return names, entry


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
    """Builds Decisions from the units that applied; every unit's static part is prepared in ``__init__``."""

    def __init__(self, plan: Plan) -> None:
        self._plans: dict[str, _UnitPlan] = {u.id: self._plan(plan, u) for u in plan.units}
        self._articles = plan.outline.articles
        # the event fields each type's body expressions read (``event.X``) and the fields whose articles a rule
        # cites (``cites: [event.articles]``): with the units that applied, they decide everything but the
        # dates, so the rest of a decision is memoised by them (bounded)
        self._body_fields: dict[str, tuple[str, ...]] = {
            t: tuple(
                sorted(
                    {f for u in units for b in _bodies_of(u) for f in _event_fields(b)}
                    | {f for u in units for f in u.cites_from}
                )
            )
            for t, units in plan.by_type.items()
        }
        # the types where one of those fields is a list (made a tuple for the memo's key)
        self._listed: frozenset[str] = frozenset(
            t for t, units in plan.by_type.items() if any(u.cites_from for u in units)
        )
        self._skeleton = lru_cache(maxsize=8192)(self._build_skeleton)

    @staticmethod
    def _plan(plan: Plan, u: Unit) -> _UnitPlan:
        articles = plan.outline.articles
        cites: dict[tuple[int, int, int, str], Citation] = {}

        def cite(article: int, clause: int | None, point: str | None) -> Citation:
            key = _key(article, clause, point)
            if key not in cites:
                cites[key] = citation(articles, article, clause, point)
            return cites[key]

        cite(u.article, u.rule.rule.clause, u.rule.rule.point)
        for art in u.cites:
            cite(art, None, None)
        duties: list[_Duty] = []
        for d in u.duties:
            duty = _Duty(party=compile_body(d.party), duty=d, citation=cite(d.article, d.clause, d.point), prebuilt={})
            undated = (
                None
                if d.days is None
                else Deadline(
                    days=d.days, unit=d.unit, relation=d.relation, anchor=d.anchor, due=None, moved_from=None
                )
            )
            parties = compile_body(d.party)(None, None) if _fixed(d.party) else RECIPIENTS
            duty.prebuilt.update({party: duty.responsibility(party, undated) for party in parties})
            duties.append(duty)
        warnings: dict[tuple[str, str], DecisionWarning] = {}
        for code, vi, en in u.warnings:
            warnings.setdefault((code, en), DecisionWarning(code=code, message=en, message_vi=vi))
        coordinating, coordinating_dyn = _split(u.coordinating)
        notified, notified_dyn = _split(u.notified)
        advising, advising_dyn = _split(u.advising)
        trace_fields, trace_entry = _trace_memo(u)
        return _UnitPlan(
            unit=u,
            lead=compile_body(u.lead) if u.lead is not None else None,
            coordinating=coordinating,
            coordinating_dyn=coordinating_dyn,
            notified=notified,
            notified_dyn=notified_dyn,
            advising=advising,
            advising_dyn=advising_dyn,
            citations=tuple(cites.items()),
            duties=tuple(duties),
            warnings=tuple(warnings.values()),
            trace_fields=trace_fields,
            trace_entry=trace_entry,
        )

    def decide(self, event: EventBase, units: Sequence[Unit], fact: dict[str, Any], reference: date | None) -> Decision:
        """The Decision for ``event`` given the units that applied, in firing order."""
        event_type = str(event.type)  # type: ignore[attr-defined]
        named = tuple([getattr(event, f, None) for f in self._body_fields[event_type]])
        if event_type in self._listed:
            named = tuple(tuple(v) if isinstance(v, list) else v for v in named)
        sk = self._skeleton(event_type, tuple(u.id for u in units), named)
        responsibilities: list[Responsibility] = []
        deadlines: dict[int, Deadline] = {}
        unknown_calendar = False
        for i, d, party in sk.duties:
            if d.duty.days is None:
                responsibilities.append(d.prebuilt[party])
                continue
            dl = deadlines.get(i)
            if dl is None:
                try:
                    dl = _deadline_for(d.duty, event, reference)
                except (ValueError, OverflowError):  # a date the calendar does not cover: due unknown
                    u = d.duty
                    dl = _deadline(
                        days=u.days, unit=u.unit, relation=u.relation, anchor=u.anchor, due=None, moved_from=None
                    )
                    unknown_calendar = True
                deadlines[i] = dl
            responsibilities.append(d.prebuilt[party] if dl.due is None else d.responsibility(party, dl))
        lapsed = _lapsed_warnings(responsibilities, event.date) if deadlines and event.date is not None else ()
        missing = C.MISSING
        trace = [
            plan.trace_entry(event_type, tuple([fact.get(f, missing) for f in plan.trace_fields])) for plan in sk.plans
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
            warnings=_warnings(sk.warnings, lapsed, unknown_calendar),
            trace=trace,
        )

    def _build_skeleton(self, event_type: str, unit_ids: tuple[str, ...], named: tuple[Any, ...]) -> _Skeleton:
        """Everything of a decision that depends only on the units that applied and on the event fields that
        body expressions read (``event.X``): the same for every event with those.
        """
        event: Any = SimpleNamespace(type=event_type, **dict(zip(self._body_fields[event_type], named, strict=True)))
        plans = [self._plans[i] for i in unit_ids]
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
        warnings: dict[tuple[str, str], DecisionWarning] = {}
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
            modes.update(p.unit.modes)
            for key, cit in p.citations:
                citations.setdefault(key, cit)
            for name in p.unit.cites_from:  # the articles the event lists (Điều 20: the articles to amend)
                for art in getattr(event, name, None) or ():
                    if art in self._articles:
                        citations.setdefault(_key(art, None, None), citation(self._articles, art, None, None))
            for d in p.duties:
                parties = d.party(event, lead)
                if parties and d.duty.mode:  # a duty carried out in a mode: the decision uses that mode
                    modes.add(d.duty.mode)
                for party in parties:
                    key3 = (party, d.duty.duty, d.duty.article)
                    if key3 not in seen_duties:
                        seen_duties.add(key3)
                        duties.append((id(d), d, party))
            for w in p.warnings:
                warnings.setdefault((w.code, w.message), w)
        if not plans:
            warnings[("no_rule_applies", _NO_RULE.message)] = _NO_RULE
        elif lead is None and not warnings:
            warnings[("no_lead", _NO_LEAD.message)] = _NO_LEAD
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
            warnings=tuple(warnings[k] for k in sorted(warnings)),
            duties=tuple(duties),
            plans=tuple(plans),
        )


@dataclass(frozen=True)
class _Skeleton:
    """The part of a decision shared by every event with the same units and named bodies."""

    lead: str | None
    coordinating: tuple[str, ...]
    notified: tuple[str, ...]
    advising: tuple[str, ...]
    modes: tuple[str, ...]
    citations: tuple[Citation, ...]
    warnings: tuple[DecisionWarning, ...]
    duties: tuple[tuple[int, _Duty, str], ...]  # (the duty's identity, the duty, the party), in order
    plans: tuple[_UnitPlan, ...]


def _bodies_of(u: Unit) -> list[Body]:
    """Every body expression a unit uses."""
    out = [*u.coordinating, *u.notified, *u.advising, *(d.party for d in u.duties)]
    return [u.lead, *out] if u.lead is not None else out


def _code(w: DecisionWarning) -> tuple[str, str]:
    return (w.code, w.message)


def _lapsed_warnings(responsibilities: Sequence[Responsibility], happened: date) -> tuple[DecisionWarning, ...]:
    """A ``deadline_already_passed`` warning for each duty due a number of days *before* a later date (a
    session's opening, a submission, the start of a supervision) whose due date is earlier than the
    event's own date: the time limit had lapsed when the event took place (review D7). A duty counted
    back from the event's own date (a notice before a reception day) is preparatory and never warned.
    """
    from quyche.explain import ANCHOR_LABELS  # the anchors in words (explain imports nothing from here)

    out = []
    for r in responsibilities:
        dl = r.deadline
        if dl is None or dl.due is None or dl.relation != "before" or dl.anchor == "date" or dl.due >= happened:
            continue
        due, day = (f"{x.day:02d}/{x.month:02d}/{x.year}" for x in (dl.due, happened))
        vi_anchor, en_anchor = ANCHOR_LABELS.get(dl.anchor, (dl.anchor, dl.anchor))
        vi_unit, en_unit = ("ngày làm việc", "working days") if dl.unit == "working_days" else ("ngày", "days")
        out.append(
            DecisionWarning(
                code="deadline_already_passed",
                message=(
                    f"The {label(r.party, 'en')} had to act at least {dl.days} {en_unit} before {en_anchor}, that is "
                    f"by {dl.due.isoformat()}, before the event's date {happened.isoformat()}: the time limit had "
                    f"passed when the event took place (duty {r.duty})."
                ),
                message_vi=(
                    f"{label(r.party)} phải thực hiện chậm nhất {dl.days} {vi_unit} trước {vi_anchor}, tức là "
                    f"ngày {due}, trước ngày {day} của sự việc: thời hạn đã hết khi sự việc diễn ra (trách nhiệm "
                    f"{r.duty})."
                ),
            )
        )
    return tuple(out)


def _warnings(
    base: Sequence[DecisionWarning], lapsed: Sequence[DecisionWarning], unknown_calendar: bool
) -> list[DecisionWarning]:
    """The skeleton's warnings, with those of this event's dates (lapsed time limits, an unknown calendar)."""
    if not lapsed and not unknown_calendar:
        return list(base)
    return sorted((*base, *lapsed, *((CALENDAR_UNKNOWN,) if unknown_calendar else ())), key=_code)


def _deadline_for(d: UnitDuty, event: EventBase, reference: date | None) -> Deadline:
    """The deadline of a duty for this event, with its due date when the anchor date is known."""
    assert d.days is not None and d.anchor is not None
    if d.anchor == C.REFERENCE_DATE:
        anchor = reference
    else:
        value = getattr(event, d.anchor, None)
        anchor = value if isinstance(value, date) else None
    due, moved = _period_end(anchor, d.days, d.unit, d.relation) if anchor is not None else (None, None)
    return _deadline(days=d.days, unit=d.unit, relation=d.relation, anchor=d.anchor, due=due, moved_from=moved)
