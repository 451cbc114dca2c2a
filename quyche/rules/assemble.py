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
* the models built per event are copies of templates validated once (``model_copy(update=…)``, pydantic's
  supported path for trusted values): the Responsibility and Deadline of each duty, and per skeleton the
  Decision; ``tests/test_batch.py`` checks every decision against a validating round trip;
* :meth:`Assembler.decide_json` writes the JSON form (``Decision.model_dump_json()``, byte for byte) from
  fragments serialised once by pydantic — the skeleton's lists, each prebuilt responsibility, each trace entry —
  without building the models (``quyche evaluate --batch``).

An Assembler holds only immutable data after construction: it is safe from several threads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic_core import to_json

from quyche import calendar
from quyche.chapters.chuong_1 import OFFICE_OF, PARTIES, RECIPIENTS
from quyche.decision import Citation, Deadline, Decision, DecisionWarning, Responsibility, TraceEntry
from quyche.labels import label
from quyche.rules import conditions as C
from quyche.rules.cite import citation
from quyche.rules.runtime import field_classes
from quyche.rules.syntax import Body, leaves
from quyche.rules.syntax import fields as condition_fields

if TYPE_CHECKING:
    from quyche.events_base import EventBase
    from quyche.rules.runplan import RunDuty, RunPlan, RunUnit

#: A compiled body expression: ``(event, lead) -> bodies`` (the result is only read, never kept).
BodyFn = Callable[[Any, "str | None"], Sequence[str]]

_RECIPIENTS = frozenset(RECIPIENTS)
#: ``calendar.period_end`` is a pure function of its arguments (the holidays are fixed once known): a
#: bounded, thread-safe memo of it (errors are not stored, so a bad date raises every time).
_period_end = lru_cache(maxsize=16384)(calendar.period_end)
#: The most entries of each per-skeleton memo of an Assembler (its trace entries that depend on fields of few values
#: only, by those values): each entry a tuple of shared, frozen models (the JSON memo: their bytes). Nothing that
#: depends on a date is kept per skeleton: a stream of new dates would fill such memos with parts read once, that
#: the garbage collector then walks again and again (measured: fewer, smaller memos made new events faster).
_MEMO = 8192
_NO_BODIES: tuple[str, ...] = ()
_NULL = b"null"


def _json_date(value: date | None) -> bytes:
    return _NULL if value is None else b'"%s"' % value.isoformat().encode()


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
class _Prebuilt:
    """A duty's Responsibility for one party without a due date (shared: frozen, no list inside), its JSON, and
    for a duty with a deadline the JSON around the deadline, so a dated one is written without building it.
    """

    responsibility: Responsibility
    json: bytes
    before_deadline: bytes  # … ``"deadline":`` included
    after_deadline: bytes


@dataclass(frozen=True, eq=False)
class _Duty:
    party: BodyFn
    duty: RunDuty
    citation: Citation
    # the Deadline without a due date (a template), and its JSON up to the due date
    undated: Deadline | None
    deadline_head: bytes
    may_lapse: bool  # due a number of days before a later date than the event's own (see _lapsed_warnings)
    # per party: the Responsibility when it does not depend on a date (no deadline, or the anchor date unknown),
    # built the first time a decision needs it, then shared by the decisions that use it
    built: dict[str, _Prebuilt] = field(default_factory=dict)

    def deadline(self, due: date, moved: date | None) -> Deadline:
        assert self.undated is not None
        return self.undated.model_copy(update={"due": due, "moved_from": moved})

    def pre(self, party: str) -> _Prebuilt:
        """The prebuilt Responsibility of this duty for ``party`` (two threads may build it at once: equal)."""
        found = self.built.get(party)
        if found is None:
            found = self.built[party] = self._prebuild(party)
        return found

    def _prebuild(self, party: str) -> _Prebuilt:
        d = self.duty
        if self.built:  # the first one was validated; the others are copies of it for another party
            r = next(iter(self.built.values())).responsibility.model_copy(update={"party": party})
        else:
            r = Responsibility(
                party=party,
                duty=d.duty,
                text_vi=d.text_vi,
                text_en=d.text_en,
                mode=d.mode,
                deadline=self.undated,
                citation=self.citation,
                provenance=d.provenance.source,
                basis=d.provenance.basis,
            )
        js = r.model_dump_json().encode()
        before = after = b""
        if self.undated is not None:
            marker = b'"deadline":' + self.undated.model_dump_json().encode()
            assert js.count(marker) == 1, js
            before, after = js.split(marker)
            before += b'"deadline":'
        return _Prebuilt(r, js, before, after)


def _dated(d: _Duty, party: str, due: date, moved: date | None) -> Responsibility:
    """A duty's Responsibility for one party with its due date, made per event (kept in a memo, few were read
    again in a stream of new dates, and the kept models cost more in the garbage collector's walks: new events
    ran at 58,000/s with a memo of 8,192 of them, 65,000/s without).
    """
    return d.pre(party).responsibility.model_copy(update={"deadline": d.deadline(due, moved)})


def _duty_plan(d: RunDuty, cite: Citation) -> _Duty:
    undated = (
        None
        if d.days is None
        else Deadline(days=d.days, unit=d.unit, relation=d.relation, anchor=d.anchor, due=None, moved_from=None)
    )
    head = b""
    if undated is not None:
        dl_json = undated.model_dump_json().encode()
        tail = b'null,"moved_from":null}'
        assert dl_json.endswith(tail), dl_json
        head = dl_json[: -len(tail)]
    return _Duty(
        party=compile_body(d.party),
        duty=d,
        citation=cite,
        undated=undated,
        deadline_head=head,
        may_lapse=undated is not None and d.relation == "before" and d.anchor != "date",
    )


@dataclass(frozen=True)
class _Trace:
    """A unit's trace entry for one combination of tests that held and fields given, and its JSON; when its reason
    shows values of the event, ``parts`` are the reason's words around them and ``before``/``after`` the JSON
    around the reason.
    """

    entry: TraceEntry
    json: bytes
    parts: tuple[str, ...]
    before: bytes
    after: bytes


#: A trace entry for an event: its template, and the reason with the event's values (None: the template's own).
_Reason = tuple[_Trace, "str | None"]


@dataclass(frozen=True)
class _UnitPlan:
    unit: RunUnit
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
    trace_model: Callable[[str, dict[str, Any]], TraceEntry]  # … the entry for a fact, memoised by their values …
    # … the same, made each time (for an entry that shows a date: kept, a stream of new dates would fill the memo
    # with models read once, that the garbage collector then walks again and again) …
    trace_model_now: Callable[[str, dict[str, Any]], TraceEntry]
    trace_json: Callable[[str, dict[str, Any]], bytes]  # … and its JSON, memoised by those fields' values


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


#: The most reason templates kept per unit (one per combination of which tests hold and which fields are given).
_TEMPLATES = 4096
#: The most finished trace entries kept per unit (one per combination of the values of the fields it reads; a unit
#: that reads only enumerated fields has a few dozen, one that shows a date one per date). Emptied when full.
_FINISHED = 2048
_HOLE = re.compile("\x00([0-9]+)\x00")
_T = TypeVar("_T")


def _trace_memo(
    u: RunUnit,
) -> tuple[
    tuple[str, ...],
    Callable[[str, dict[str, Any]], TraceEntry],
    Callable[[str, dict[str, Any]], TraceEntry],
    Callable[[str, dict[str, Any]], bytes],
]:
    """The fields a unit's condition reads, and its trace entry for a fact of them — memoised, made each time, and
    as JSON: which tests held, and the reason in English words (a pure function of those fields' values).

    The reason is rendered once per combination of which tests held and which fields the event gives — with a
    placeholder for each value the words show (a date compared, a value that differs) — and an event fills the
    placeholders in (:func:`quyche.render.value_text`, what the renderer itself writes there). So an event whose
    values are new (a date never seen) costs its tests and a few string joins, not a rendering. The tests are
    compiled the first time they are needed. The finished entry (the model, and its JSON) is memoised by the
    values of the fields the unit reads: frozen models, shared by the decisions that carry them.
    """
    from quyche.render import reason_words, value_text

    names = tuple(sorted(condition_fields(u.condition)))
    compiled: list[tuple[tuple[int, C.Predicate], ...]] = []

    def tests_of() -> tuple[tuple[int, C.Predicate], ...]:
        if not compiled:
            compiled.append(tuple((t.index, C.test_predicate(t)) for t in leaves(u.condition)))
        return compiled[0]

    placeholder = {f: f"\x00{i}\x00" for i, f in enumerate(names)}
    rule, article, row = u.rule_id, u.article, u.row
    templates: dict[tuple[str, tuple[bool, ...], tuple[bool, ...]], _Trace] = {}

    def template(event_type: str, truths: tuple[bool, ...], given: tuple[bool, ...]) -> _Trace:
        tests = tests_of()
        fact = {f: placeholder[f] for f, present in zip(names, given, strict=True) if present}
        truth = {i: ok for (i, _), ok in zip(tests, truths, strict=True)}
        text = reason_words(event_type, u.condition, truth, "en", fact)
        parts = tuple(_HOLE.split(text))  # literal, field number, literal, …
        held = [i for (i, _), ok in zip(tests, truths, strict=True) if ok]
        made = TraceEntry(rule=rule, article=article, reason=parts[0] if len(parts) == 1 else "", held=held, row=row)
        js = made.model_dump_json().encode()
        marker = b'"reason":' + to_json(made.reason)
        assert js.count(marker) == 1, js
        before, after = js.split(marker)
        return _Trace(made, js, parts, before + b'"reason":', after)

    def entry(event_type: str, fact: dict[str, Any]) -> _Reason:
        tests = compiled[0] if compiled else tests_of()
        truths = tuple([holds(fact) for _, holds in tests])
        given = tuple([f in fact for f in names])
        key = (event_type, truths, given)
        found = templates.get(key)
        if found is None:
            found = template(event_type, truths, given)
            if len(templates) < _TEMPLATES:
                templates[key] = found
        parts = found.parts
        if len(parts) == 1:
            return found, None  # the words show no value of the event: one entry for all
        reason = "".join(
            [p if k % 2 == 0 else value_text(names[int(p)], fact[names[int(p)]], "en") for k, p in enumerate(parts)]
        )
        return found, reason

    missing = C.MISSING

    def finished(make: Callable[[_Trace, str | None], _T]) -> Callable[[str, dict[str, Any]], _T]:
        """The entry for a fact, finished by ``make``, memoised by the values of the fields the unit reads."""
        done: dict[tuple[Any, ...], _T] = {}

        def get(event_type: str, fact: dict[str, Any]) -> _T:
            key = (event_type, *[fact.get(f, missing) for f in names])
            made = done.get(key)
            if made is None:
                made = make(*entry(event_type, fact))
                if len(done) >= _FINISHED:
                    done.clear()
                done[key] = made
            return made

        return get

    def make_model(t: _Trace, reason: str | None) -> TraceEntry:
        return t.entry if reason is None else t.entry.model_copy(update={"reason": reason})

    def fresh_model(event_type: str, fact: dict[str, Any]) -> TraceEntry:
        return make_model(*entry(event_type, fact))

    model = finished(make_model)
    as_json = finished(lambda t, reason: t.json if reason is None else t.before + to_json(reason) + t.after)
    return names, model, fresh_model, as_json


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

    def __init__(self, plan: RunPlan) -> None:
        self._plans: dict[str, _UnitPlan] = {u.id: self._plan(plan, u) for u in plan.units}
        self._articles = plan.articles
        # the event fields each type's body expressions read (``event.X``; party-valued, so hashable): with the
        # units that applied they decide everything of a decision but its dates, trace and the articles an event
        # lists (``cites: [event.articles]``), so the rest of a decision is memoised by them (bounded)
        self._body_fields: dict[str, tuple[str, ...]] = {
            t: tuple(sorted({f for u in units for b in _bodies_of(u) for f in _event_fields(b)}))
            for t, units in plan.by_type.items()
        }
        # per event type: the integer fields its rules compare only with integer constants (dates as YYYYMMDD,
        # years, rounds) — fields of many values, whose words in a trace entry are filled in per event
        self._placed: dict[str, frozenset[str]] = {
            t: frozenset(f for f, cs in field_classes([u.when for u in units]) if cs is not None)
            for t, units in plan.by_type.items()
        }
        # an article's citation (``cites: [event.articles]``) and its JSON, built the first time an event lists it
        self._article_cites: dict[int, tuple[tuple[int, int, int, str], Citation, bytes]] = {}
        self._dumped: dict[int, tuple[Citation | DecisionWarning, bytes]] = {}  # see _dump
        self._skeleton = lru_cache(maxsize=8192)(self._build_skeleton)
        # per skeleton (kept alive by the memos that name it): its trace entries that depend only on fields of few
        # values, by those values (a placed field's entries are filled in per event from the unit's own memo)
        self._trace_models = lru_cache(maxsize=_MEMO)(self._build_trace_models)
        self._trace_json = lru_cache(maxsize=_MEMO)(self._build_trace_json)

    @staticmethod
    def _plan(plan: RunPlan, u: RunUnit) -> _UnitPlan:
        articles = plan.articles
        cites: dict[tuple[int, int, int, str], Citation] = {}

        def cite(article: int, clause: int | None, point: str | None) -> Citation:
            key = _key(article, clause, point)
            if key not in cites:
                cites[key] = citation(articles, article, clause, point)
            return cites[key]

        cite(u.article, u.clause, u.point)
        for art in u.cites:
            cite(art, None, None)
        duties = [_duty_plan(d, cite(d.article, d.clause, d.point)) for d in u.duties]
        warnings: dict[tuple[str, str], DecisionWarning] = {}
        for code, vi, en in u.warnings:
            warnings.setdefault((code, en), DecisionWarning(code=code, message=en, message_vi=vi))
        coordinating, coordinating_dyn = _split(u.coordinating)
        notified, notified_dyn = _split(u.notified)
        advising, advising_dyn = _split(u.advising)
        trace_fields, trace_model, trace_model_now, trace_json = _trace_memo(u)
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
            trace_model=trace_model,
            trace_model_now=trace_model_now,
            trace_json=trace_json,
        )

    def _skeleton_of(self, fields: dict[str, Any], units: Sequence[RunUnit]) -> _Skeleton:
        """The skeleton of an event's decision: by its type, the units that applied and the bodies it names."""
        event_type: str = fields["type"]
        named = tuple([fields.get(f) for f in self._body_fields[event_type]])
        return self._skeleton(event_type, tuple([u.id for u in units]), named)

    def decide(
        self, event: EventBase, units: Sequence[RunUnit], fact: dict[str, Any], reference: date | None
    ) -> Decision:
        """The Decision for ``event`` given the units that applied, in firing order."""
        fields = event.__dict__  # the model's field values (an anchor may name a field the model lacks)
        sk = self._skeleton_of(fields, units)
        responsibilities, warnings = self._responsibilities(sk, fields, reference)
        return self._decision(sk, fields, reference, responsibilities, warnings, self._trace(sk, fact))

    def _responsibilities(
        self, sk: _Skeleton, fields: dict[str, Any], reference: date | None
    ) -> tuple[Sequence[Responsibility], tuple[DecisionWarning, ...]]:
        """The event's responsibilities, with their due dates, and the decision's warnings."""
        if not sk.anchors:
            return sk.undated
        items, warnings = self._dues(sk, fields, reference)
        return [
            pre.responsibility if due is None else _dated(d, pre.responsibility.party, due, moved)
            for pre, d, due, moved in items
        ], warnings

    def _trace(self, sk: _Skeleton, fact: dict[str, Any]) -> list[TraceEntry]:
        """The event's trace: the skeleton's entries for the fields of few values, and those that show a date."""
        missing = C.MISSING
        trace = list(self._trace_models(sk, tuple([fact.get(f, missing) for f in sk.static_fields])))
        if sk.dynamic:
            event_type = sk.event_type
            for i, p in sk.dynamic:
                trace[i] = p.trace_model_now(event_type, fact)
        return trace  # type: ignore[return-value]

    def _decision(
        self,
        sk: _Skeleton,
        fields: dict[str, Any],
        reference: date | None,
        responsibilities: Sequence[Responsibility],
        warnings: Sequence[DecisionWarning],
        trace: list[TraceEntry],
    ) -> Decision:
        """The skeleton's template with the event's own parts (new lists: a decision's lists are its own)."""
        return sk.template.model_copy(
            update={
                "event_id": fields["id"],
                "reference_date": reference,
                "coordinating": list(sk.coordinating),
                "notified": list(sk.notified),
                "advising": list(sk.advising),
                "modes": list(sk.modes),
                "responsibilities": list(responsibilities),
                "citations": list(sk.citations if not sk.cites_from else self._citations(sk, fields)[0]),
                "warnings": list(warnings),
                "trace": trace,
            }
        )

    def decide_json(
        self, event: EventBase, units: Sequence[RunUnit], fact: dict[str, Any], reference: date | None
    ) -> bytes:
        """``decide(...).model_dump_json()`` (byte for byte, UTF-8), written from fragments without the models."""
        fields = event.__dict__
        sk = self._skeleton_of(fields, units)
        if sk.json_head is None:  # pragma: no cover - the fragments did not reproduce pydantic's JSON
            return self.decide(event, units, fact, reference).model_dump_json().encode()
        duties, warnings = self._duty_json(sk, *self._dues(sk, fields, reference)) if sk.anchors else sk.undated_json
        missing = C.MISSING
        trace = self._trace_json(sk, tuple([fact.get(f, missing) for f in sk.static_fields]))
        if sk.dynamic:
            parts = list(trace)
            event_type = sk.event_type
            for i, p in sk.dynamic:
                parts[i] = p.trace_json(event_type, fact)
            trace_json = b",".join(parts)  # type: ignore[arg-type]
        else:
            trace_json = b",".join(trace)  # type: ignore[arg-type]
        event_id = fields["id"]
        return b"".join(
            (
                sk.json_head,
                _NULL if event_id is None else to_json(event_id),
                b',"reference_date":',
                _json_date(reference),
                sk.json_middle,
                duties,
                sk.json_citations if not sk.cites_from else self._citations(sk, fields)[1],
                warnings,
                b'],"trace":[',
                trace_json,
                b"]}",
            )
        )

    # The per-event parts. Only what depends on fields of few values is memoised per skeleton (the trace entries of
    # units that read no placed field); what depends on a date is made per event from small shared memos (a duty's
    # due date, its dated Responsibility, a unit's entry for a value), so a stream of new dates fills no memo of
    # whole decisions' parts that would never be read again.

    def _build_trace_models(self, sk: _Skeleton, values: tuple[Any, ...]) -> tuple[TraceEntry | None, ...]:
        """The skeleton's trace entries for these values of its static fields (None where a unit is dynamic)."""
        fact, event_type = _static_fact(sk, values), sk.event_type
        plans = zip(sk.plans, sk.is_dynamic, strict=True)
        return tuple([None if dyn else p.trace_model(event_type, fact) for p, dyn in plans])

    def _build_trace_json(self, sk: _Skeleton, values: tuple[Any, ...]) -> tuple[bytes | None, ...]:
        fact, event_type = _static_fact(sk, values), sk.event_type
        plans = zip(sk.plans, sk.is_dynamic, strict=True)
        return tuple([None if dyn else p.trace_json(event_type, fact) for p, dyn in plans])

    def _citations(self, sk: _Skeleton, fields: dict[str, Any]) -> tuple[Sequence[Citation], bytes]:
        """The skeleton's citations and those of the articles the event lists (Điều 20), in order, and their JSON."""
        known = sk.citation_keys
        extra: set[int] = set()
        for name in sk.cites_from:
            for art in fields.get(name) or ():
                if art in self._articles:
                    extra.add(art)
        added = [self._article_cite(a) for a in extra]
        added = [c for c in added if c[0] not in known]
        if not added:
            return sk.citations, sk.json_citations
        merged = sorted([*zip(known, sk.citations, sk.citation_json, strict=True), *added], key=_first)
        return (
            [c for _, c, _ in merged],
            b'],"citations":[' + b",".join([js for _, _, js in merged]) + b'],"warnings":[',
        )

    def _dump(self, model: Citation | DecisionWarning) -> bytes:
        """The JSON of a shared, frozen model (a citation, a warning), serialised once."""
        found = self._dumped.get(id(model))
        if found is None:  # the model is kept with its JSON, so its id is never another's while it is here
            found = self._dumped[id(model)] = (model, model.model_dump_json().encode())
        return found[1]

    def _article_cite(self, article: int) -> tuple[tuple[int, int, int, str], Citation, bytes]:
        found = self._article_cites.get(article)
        if found is None:
            made = citation(self._articles, article, None, None)
            found = self._article_cites[article] = (_key(article, None, None), made, self._dump(made))
        return found

    def _dues(
        self, sk: _Skeleton, fields: dict[str, Any], reference: date | None
    ) -> tuple[list[_Due], tuple[DecisionWarning, ...]]:
        """Each duty's prebuilt form with its due date and the day it was moved from (None: undated), and the
        warnings (the skeleton's, and any ``deadline_already_passed`` or ``calendar_unknown``).
        """
        items: list[_Due] = []
        unknown_calendar = False
        lapsed = False
        happened = fields["date"] if sk.may_lapse else None
        for pre, d, anchor in sk.duty_items:
            if anchor is None:  # no deadline
                items.append((pre, d, None, None))
                continue
            value = reference if anchor == C.REFERENCE_DATE else fields.get(anchor)
            if not isinstance(value, date):  # the anchor date is not known
                items.append((pre, d, None, None))
                continue
            dl = d.duty
            try:
                due, moved = _period_end(value, dl.days, dl.unit, dl.relation)
            except (ValueError, OverflowError):  # a day the calendar does not cover: the due date is unknown
                items.append((pre, d, None, None))
                unknown_calendar = True
                continue
            items.append((pre, d, due, moved))
            if happened is not None and due < happened and d.may_lapse:
                lapsed = True
        extra = _lapsed_warnings(items, happened) if lapsed and happened is not None else ()
        if unknown_calendar:
            extra = (*extra, CALENDAR_UNKNOWN)
        return items, (tuple(sorted((*sk.warnings, *extra), key=_code)) if extra else sk.warnings)

    def _duty_json(
        self, sk: _Skeleton, items: list[_Due], warnings: tuple[DecisionWarning, ...]
    ) -> tuple[bytes, bytes]:
        parts = []
        for pre, d, due, moved in items:
            if due is None:
                parts.append(pre.json)
            else:
                parts.append(
                    b"".join(
                        (
                            pre.before_deadline,
                            d.deadline_head,
                            _json_date(due),
                            b',"moved_from":',
                            _json_date(moved),
                            b"}",
                            pre.after_deadline,
                        )
                    )
                )
        warnings_json = (
            sk.json_warnings if warnings is sk.warnings else b",".join(w.model_dump_json().encode() for w in warnings)
        )
        return b",".join(parts), warnings_json

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
        duties: list[tuple[_Duty, str]] = []
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
            for d in p.duties:
                parties = d.party(event, lead)
                if parties and d.duty.mode:  # a duty carried out in a mode: the decision uses that mode
                    modes.add(d.duty.mode)
                for party in parties:
                    key3 = (party, d.duty.duty, d.duty.article)
                    if key3 not in seen_duties:
                        seen_duties.add(key3)
                        duties.append((d, party))
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
        sk_warnings = tuple(warnings[k] for k in sorted(warnings))
        citation_keys = tuple(sorted(citations))
        sk_citations = tuple(citations[k] for k in citation_keys)
        # the template every decision with this skeleton is a copy of: validated once, here
        template = Decision(
            event_type=event_type,
            event_id=None,
            reference_date=None,
            lead=lead,
            coordinating=sorted(coordinating),
            notified=sorted(out_notified),
            advising=sorted(advising),
            modes=sorted(modes),
            responsibilities=[],
            citations=list(sk_citations),
            warnings=list(sk_warnings),
            trace=[],
        )
        head, middle, cites_json, warnings_json = _fragments(template, self._dump)
        undated = [d.pre(party) for d, party in duties]
        placed = self._placed.get(event_type, frozenset())
        is_dynamic = tuple(bool(placed.intersection(p.trace_fields)) for p in plans)
        return _Skeleton(
            event_type=event_type,
            template=template,
            coordinating=tuple(template.coordinating),
            notified=tuple(template.notified),
            advising=tuple(template.advising),
            modes=tuple(template.modes),
            citations=sk_citations,
            citation_keys=citation_keys,
            citation_json=tuple([self._dump(c) for c in sk_citations]),
            cites_from=tuple(sorted({f for p in plans for f in p.unit.cites_from})),
            warnings=sk_warnings,
            duty_items=tuple(
                (pre, d, None if d.undated is None else str(d.duty.anchor))
                for pre, (d, _) in zip(undated, duties, strict=True)
            ),
            plans=tuple(plans),
            is_dynamic=is_dynamic,
            dynamic=tuple((i, p) for i, (p, dyn) in enumerate(zip(plans, is_dynamic, strict=True)) if dyn),
            static_fields=tuple(
                sorted({f for p, dyn in zip(plans, is_dynamic, strict=True) if not dyn for f in p.trace_fields})
            ),
            may_lapse=any(d.may_lapse for d, _ in duties),
            anchors=tuple(sorted({str(d.duty.anchor) for d, _ in duties if d.undated is not None})),
            undated=(tuple(pre.responsibility for pre in undated), sk_warnings),
            undated_json=(b",".join(pre.json for pre in undated), warnings_json),
            json_head=head,
            json_middle=middle,
            json_citations=cites_json,
            json_warnings=warnings_json,
        )


def _fragments(template: Decision, dump: Callable[[Any], bytes]) -> tuple[bytes | None, bytes, bytes, bytes]:
    """The JSON of a skeleton's decision around its per-event parts: up to ``"event_id":``; from the lead to
    ``"responsibilities":[``; from its end through ``"warnings":[``; the skeleton's warnings (each model's JSON
    from ``dump``). Checked against pydantic's own JSON of the template: the head is None (no fast path) if they
    differ.
    """

    def items(models: Sequence[Citation | DecisionWarning]) -> bytes:
        return b",".join([dump(m) for m in models])

    head = b'{"event_type":' + to_json(template.event_type) + b',"event_id":'
    middle = b"".join(
        (
            b',"lead":',
            to_json(template.lead),
            b',"coordinating":',
            to_json(template.coordinating),
            b',"notified":',
            to_json(template.notified),
            b',"advising":',
            to_json(template.advising),
            b',"modes":',
            to_json(template.modes),
            b',"responsibilities":[',
        )
    )
    cites = b'],"citations":[' + items(template.citations) + b'],"warnings":['
    warnings = items(template.warnings)
    mine = head + b'null,"reference_date":null' + middle + cites + warnings + b'],"trace":[]}'
    return (head if mine == template.model_dump_json().encode() else None), middle, cites, warnings


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a key of the per-skeleton memos
class _Skeleton:
    """The part of a decision shared by every event with the same units and named bodies."""

    event_type: str
    template: Decision  # validated once; decisions are copies of it with their own lists
    coordinating: tuple[str, ...]
    notified: tuple[str, ...]
    advising: tuple[str, ...]
    modes: tuple[str, ...]
    citations: tuple[Citation, ...]  # in order, with their keys and their JSON
    citation_keys: tuple[tuple[int, int, int, str], ...]
    citation_json: tuple[bytes, ...]
    cites_from: tuple[str, ...]  # event fields whose listed articles are cited too (per event)
    warnings: tuple[DecisionWarning, ...]
    # per duty and party, in order: its prebuilt form, the duty, and the date its deadline counts from (None: none)
    duty_items: tuple[tuple[_Prebuilt, _Duty, str | None], ...]
    plans: tuple[_UnitPlan, ...]
    is_dynamic: tuple[bool, ...]  # per unit: its trace entry reads a placed field (a date, a year), so is per event
    dynamic: tuple[tuple[int, _UnitPlan], ...]  # those units and their places in the trace
    static_fields: tuple[str, ...]  # the fields the other units' conditions read (the trace memo's key)
    may_lapse: bool  # some duty is due before a later date (see _lapsed_warnings)
    anchors: tuple[str, ...]  # the dates the duties' deadlines count from
    undated: tuple[tuple[Responsibility, ...], tuple[DecisionWarning, ...]]  # with no deadline: the
    undated_json: tuple[bytes, bytes]  # responsibilities and warnings, and their JSON
    json_head: bytes | None
    json_middle: bytes
    json_citations: bytes
    json_warnings: bytes


def _static_fact(sk: _Skeleton, values: tuple[Any, ...]) -> dict[str, Any]:
    """The fact of the fields a skeleton's static trace entries read, from its memo key (MISSING where absent)."""
    missing = C.MISSING
    return {f: v for f, v in zip(sk.static_fields, values, strict=True) if v is not missing}


def _first(item: tuple[Any, ...]) -> Any:
    return item[0]


def _bodies_of(u: RunUnit) -> list[Body]:
    """Every body expression a unit uses."""
    out = [*u.coordinating, *u.notified, *u.advising, *(d.party for d in u.duties)]
    return [u.lead, *out] if u.lead is not None else out


def _code(w: DecisionWarning) -> tuple[str, str]:
    return (w.code, w.message)


#: A duty of a decision: its prebuilt form, the duty, its due date and the day that was moved from (or None).
_Due = tuple[_Prebuilt, _Duty, "date | None", "date | None"]


def _lapsed_warnings(duties: Sequence[_Due], happened: date) -> tuple[DecisionWarning, ...]:
    """A ``deadline_already_passed`` warning for each duty due a number of days *before* a later date (a
    session's opening, a submission, the start of a supervision) whose due date is earlier than the
    event's own date: the time limit had lapsed when the event took place (review D7). A duty counted
    back from the event's own date (a notice before a reception day) is preparatory and never warned.
    """
    out = []
    for pre, d, due, _ in duties:
        dl = d.duty
        if due is None or dl.relation != "before" or dl.anchor == "date" or due >= happened:
            continue
        from quyche.explain import ANCHOR_LABELS  # the anchors in words (explain imports nothing from here)

        assert dl.anchor is not None
        party, name = pre.responsibility.party, dl.duty
        due_vi, day_vi = (f"{x.day:02d}/{x.month:02d}/{x.year}" for x in (due, happened))
        vi_anchor, en_anchor = ANCHOR_LABELS.get(dl.anchor, (dl.anchor, dl.anchor))
        vi_unit, en_unit = ("ngày làm việc", "working days") if dl.unit == "working_days" else ("ngày", "days")
        out.append(
            DecisionWarning(
                code="deadline_already_passed",
                message=(
                    f"The {label(party, 'en')} had to act at least {dl.days} {en_unit} before {en_anchor}, that is "
                    f"by {due.isoformat()}, before the event's date {happened.isoformat()}: the time limit had "
                    f"passed when the event took place (duty {name})."
                ),
                message_vi=(
                    f"{label(party)} phải thực hiện chậm nhất {dl.days} {vi_unit} trước {vi_anchor}, tức là "
                    f"ngày {due_vi}, trước ngày {day_vi} của sự việc: thời hạn đã hết khi sự việc diễn ra (trách "
                    f"nhiệm {name})."
                ),
            )
        )
    return tuple(out)
