"""The impact of a change of the rules on every decision, duty by duty (``quyche diff``, contract §9).

:func:`compare` evaluates the same events under two regulations — the rules before and after an amendment
(:mod:`quyche.amendments`), or two rules folders — and returns an :class:`Impact`: for each event whose decision
changes, what changed, each item with the rule and the citation that decide it before and after:

* ``lead`` — another body chairs (or none does);
* ``coordinating``, ``notified``, ``advising`` — a body added or removed;
* ``mode`` — a mode of Chương IV used or no longer used;
* ``duty`` — a duty added, removed, or changed: another deadline (``what: [deadline, due]``), due date, mode,
  citation, provenance or text;
* ``warning``, ``citation`` — a warning or a provision relied on added or removed;
* ``rule`` — a rule (or table row) that applies now and did not, or the reverse.

The changes are also **grouped by kind** (:class:`ChangeGroup`): the same change from the same rules for many
events — "these 48 kinds of case get a deadline of 10 days instead of 15" — with the cases described by the
values of their fields. Only the order of lists and the wording of a trace's reasons are not compared: two
decisions with no change between them say the same things.

``quyche diff`` sweeps every combination of the event table (:mod:`quyche.sweep`) with ``--events all``, and the
events of scenario files. It builds each rule set once, on the python engine by default: both engines give the
same decisions (contract §4), and the python engine builds faster and keeps no memory outside Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, computed_field

from quyche.amendments import Amendment
from quyche.decision import Citation, Deadline, Decision, Responsibility
from quyche.errors import QuycheError
from quyche.events import parse_event
from quyche.events_base import EventBase
from quyche.explain import ANCHOR_LABELS
from quyche.labels import Lang, field_label, label, pick, value_label
from quyche.regulation import EngineName, Regulation, load
from quyche.render import date_text
from quyche.rules import cite
from quyche.rules.assemble import compile_body
from quyche.rules.compile import Unit

ChangeKind = Literal["lead", "coordinating", "notified", "advising", "mode", "duty", "warning", "citation", "rule"]
Action = Literal["added", "removed", "changed"]
#: What of a duty can change, in the order a reader is told.
DUTY_PARTS = ("deadline", "due", "mode", "citation", "provenance", "text")
_KIND_ORDER = {k: i for i, k in enumerate(ChangeKind.__args__)}  # type: ignore[attr-defined]
_LISTS = ("coordinating", "notified", "advising")
#: How a report names the rules bundled with the package (in words in each language).
BUNDLED = "rules (bundled)"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Side(_Frozen):
    """One side of a change (before or after): what the decision says, and the rule and provision that say it.
    For a duty: its party as the rule names it, its deadline (with the due date of the event, in an event's
    change), mode, provenance and texts.
    """

    value: str | None = None  # the lead, body, mode, warning code or rule on this side (None: none)
    rule: str | None = None
    row: int | None = None
    citation: Citation | None = None
    party: str | None = None  # for a duty: its party as the rule names it (event.received_by, lead, ubnd …)
    deadline: Deadline | None = None
    mode: str | None = None
    provenance: Literal["summary", "law", "reconstructed"] | None = None
    basis: str | None = None
    text_vi: str | None = None
    text_en: str | None = None
    message: str | None = None  # for a warning: its message (English)


class Change(_Frozen):
    """One thing that changed in one decision."""

    kind: ChangeKind
    action: Action
    subject: str | None = None  # the body, mode, duty code, warning code, provision label or rule; None for lead
    party: str | None = None  # for a duty: the body that bears it
    what: list[str] = []  # for a changed duty: which of DUTY_PARTS differ
    before: Side | None = None
    after: Side | None = None

    def reverse(self) -> Change:
        """The same change seen the other way (after → before)."""
        action: Action = {"added": "removed", "removed": "added"}.get(self.action, "changed")  # type: ignore[assignment]
        return self.model_copy(update={"action": action, "before": self.after, "after": self.before})


class EventChange(_Frozen):
    """One change of one event: its kind (the group, :class:`ChangeGroup`, by its position in ``Impact.groups``),
    and what is the event's own — the body that bears a duty and the due dates before and after.
    """

    group: int
    party: str | None = None
    due_before: date | None = None
    due_after: date | None = None


class ChangedEvent(_Frozen):
    """An event whose decision changes, and what changed (each change a kind of change and its own values)."""

    event: dict[str, Any]
    as_of: date | None = None
    source: str | None = None
    changes: list[EventChange]


class ChangeGroup(_Frozen):
    """The same change, from the same rules, in many events: one kind of change."""

    event_type: str
    kind: ChangeKind
    action: Action
    subject: str | None = None
    what: list[str] = []
    parties: list[str] = []  # for a duty: the bodies that bear it in these events
    before: Side | None = None  # a duty's deadline without its due date (each event has its own)
    after: Side | None = None
    count: int
    summary_vi: str
    summary_en: str
    #: the values of the fields of these events, for the fields where they are not every value compared
    cases: dict[str, list[Any]] = {}
    events: list[int]  # positions in Impact.events


class AmendmentSummary(_Frozen):
    """The amendment compared, as its file states it."""

    path: str
    id: str | None = None
    title_vi: str
    title_en: str
    proposed_by: str
    articles: list[int]
    effective_from: date | None = None
    changes: list[dict[str, Any]]


class Impact(_Frozen):
    """What a change of the rules does to the decisions of the events compared."""

    before: str
    after: str
    amendment: AmendmentSummary | None = None
    compared: int
    changed: int
    groups: list[ChangeGroup]
    events: list[ChangedEvent]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def summary(self) -> str:
        """``N events compared, M changed`` (contract §9): the closing line of every report."""
        return f"{self.compared} events compared, {self.changed} changed"

    @property
    def closing_line(self) -> str:
        """The closing line of the report (:attr:`summary`)."""
        return self.summary

    def changes_of(self, index: int) -> list[Change]:
        """The changes of ``events[index]`` in full: each its group's change with the event's party and dates."""
        out = []
        for ec in self.events[index].changes:
            g = self.groups[ec.group]
            what = list(g.what)
            if g.kind == "duty" and g.action == "changed" and ec.due_before != ec.due_after and "due" not in what:
                what = [p for p in DUTY_PARTS if p in {*what, "due"}]
            out.append(
                Change(
                    kind=g.kind,
                    action=g.action,
                    subject=g.subject,
                    party=ec.party,
                    what=what,
                    before=_with_due(g.before, ec.due_before),
                    after=_with_due(g.after, ec.due_after),
                )
            )
        return out


def _with_due(side: Side | None, due: date | None) -> Side | None:
    if side is None or side.deadline is None:
        return side
    return side.model_copy(update={"deadline": side.deadline.model_copy(update={"due": due})})


def _without_due(side: Side | None) -> Side | None:
    return _with_due(side, None)


@dataclass(frozen=True)
class Case:
    """An event to compare: the event, an ``as_of`` date, and where it comes from (a scenario)."""

    event: Mapping[str, Any]
    as_of: date | None = None
    source: str | None = None


# ------------------------------------------------------------------------------------------ one decision


class _Citations:
    """The citation of each unit's own provision, built once per compare call (by plan and unit)."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, str], Citation] = {}
        self._plans: list[Any] = []  # keeps the plans alive while their ids are keys

    def of(self, plan: Any, u: Unit) -> Citation:
        key = (id(plan), u.id)
        found = self._memo.get(key)
        if found is None:
            self._plans.append(plan)
            found = self._memo[key] = cite.citation(
                plan.outline.articles, u.article, u.rule.rule.clause, u.rule.rule.point
            )
        return found


def _duty_side(r: Responsibility, rule: str | None, row: int | None, party: str | None) -> Side:
    return Side(
        rule=rule,
        row=row,
        citation=r.citation,
        party=party,
        deadline=r.deadline,
        mode=r.mode,
        provenance=r.provenance,
        basis=r.basis,
        text_vi=r.text_vi,
        text_en=r.text_en,
    )


_compiled_body = lru_cache(maxsize=2048)(compile_body)


def _bodies(body: Any, event: EventBase, lead: str | None) -> Sequence[str]:
    return _compiled_body(body)(event, lead)


class _Origins:
    """For one decision: which rule decides each of its items — the first in firing order, as the assembly —
    looked up only for the items that changed.
    """

    def __init__(self, reg: Regulation, d: Decision, event: EventBase, cites: _Citations) -> None:
        self.d, self.event, self.cites = d, event, cites
        self.plan = reg.version_for(d.reference_date).compiled
        self.units = [self.plan.by_id[t.rule if t.row is None else f"{t.rule}#{t.row}"] for t in d.trace]

    def side(self, u: Unit, **values: Any) -> Side:
        return Side(rule=u.rule_id, row=u.row, citation=self.cites.of(self.plan, u), **values)

    def lead(self) -> Side:
        d = self.d
        for u in self.units:
            if u.lead is not None and d.lead is not None and d.lead in _bodies(u.lead, self.event, None):
                return self.side(u, value=d.lead)
        return Side(value=d.lead)

    def body(self, key: str, name: str) -> Side:
        for u in self.units:
            for body in getattr(u, key):
                if name in _bodies(body, self.event, self.d.lead):
                    return self.side(u, value=name)
        return Side(value=name)

    def mode(self, m: str) -> Side:
        for u in self.units:
            if m in u.modes or any(duty.mode == m for duty in u.duties):
                return self.side(u, value=m)
        return Side(value=m)

    def duty(self, r: Responsibility) -> Side:
        for u in self.units:
            for duty in u.duties:
                if (duty.duty, duty.article) == (r.duty, r.citation.article) and r.party in _bodies(
                    duty.party, self.event, self.d.lead
                ):
                    return _duty_side(r, u.rule_id, u.row, str(duty.party))
        return _duty_side(r, None, None, None)

    def warning(self, code: str, message: str) -> Side:
        for u in self.units:
            if any(w[0] == code for w in u.warnings):
                return self.side(u, value=code, message=message)
        return Side(value=code, message=message)

    def citation(self, c: Citation) -> Side:
        key = (c.article, c.clause, c.point)
        for u in self.units:
            own = [(u.article, u.rule.rule.clause, u.rule.rule.point), *((a, None, None) for a in u.cites)]
            own += [(a, None, None) for f in u.cites_from for a in getattr(self.event, f, None) or ()]
            own += [(duty.article, duty.clause, duty.point) for duty in u.duties]
            if key in own:
                return Side(value=c.label, rule=u.rule_id, row=u.row, citation=c)
        return Side(value=c.label, citation=c)

    def rule(self, rule: str, row: int | None) -> Side:
        u = self.plan.unit_for(rule, row)
        return self.side(u, value=rule)


def _outcome(d: Decision) -> tuple[Any, ...]:
    """Everything two decisions are compared on, in order (the fast test: most decisions are unchanged)."""
    return (
        d.lead,
        d.coordinating,
        d.notified,
        d.advising,
        d.modes,
        d.responsibilities,
        d.citations,
        [(w.code, w.message) for w in d.warnings],
        [(t.rule, t.row) for t in d.trace],
    )


def _duty_parts(a: Responsibility, b: Responsibility) -> list[str]:
    da, db = a.deadline, b.deadline
    parts = {
        "deadline": _deadline_key(da) != _deadline_key(db),
        "due": (da.due if da else None) != (db.due if db else None),
        "mode": a.mode != b.mode,
        "citation": a.citation != b.citation,
        "provenance": (a.provenance, a.basis) != (b.provenance, b.basis),
        "text": (a.text_vi, a.text_en) != (b.text_vi, b.text_en),
    }
    return [p for p in DUTY_PARTS if parts[p]]


def _deadline_key(d: Deadline | None) -> tuple[Any, ...] | None:
    return None if d is None else (d.days, d.unit, d.relation, d.anchor)


def changes(
    before: Regulation,
    after: Regulation,
    event: EventBase,
    a: Decision,
    b: Decision,
    cites: _Citations | None = None,
) -> list[Change]:
    """What changed from decision ``a`` (under ``before``) to ``b`` (under ``after``) for one event."""
    if _outcome(a) == _outcome(b):
        return []
    cites = cites or _Citations()
    oa, ob = _Origins(before, a, event, cites), _Origins(after, b, event, cites)
    out: list[Change] = []
    if a.lead != b.lead:
        action: Action = "added" if a.lead is None else "removed" if b.lead is None else "changed"
        out.append(Change(kind="lead", action=action, before=oa.lead(), after=ob.lead()))
    for key in _LISTS:
        old, new = set(getattr(a, key)), set(getattr(b, key))
        out += [Change(kind=key, action="added", subject=x, after=ob.body(key, x)) for x in sorted(new - old)]
        out += [Change(kind=key, action="removed", subject=x, before=oa.body(key, x)) for x in sorted(old - new)]
    out += [
        Change(kind="mode", action="added", subject=m, after=ob.mode(m)) for m in sorted(set(b.modes) - set(a.modes))
    ]
    out += [
        Change(kind="mode", action="removed", subject=m, before=oa.mode(m)) for m in sorted(set(a.modes) - set(b.modes))
    ]
    ra = {(r.party, r.duty, r.citation.article): r for r in a.responsibilities}
    rb = {(r.party, r.duty, r.citation.article): r for r in b.responsibilities}
    for key3 in [k for k in rb if k not in ra] + [k for k in ra if k not in rb] + [k for k in ra if k in rb]:
        party, duty, _ = key3
        if key3 not in ra:
            out.append(Change(kind="duty", action="added", subject=duty, party=party, after=ob.duty(rb[key3])))
        elif key3 not in rb:
            out.append(Change(kind="duty", action="removed", subject=duty, party=party, before=oa.duty(ra[key3])))
        elif ra[key3] != rb[key3]:
            what = _duty_parts(ra[key3], rb[key3])
            if what:
                out.append(
                    Change(
                        kind="duty",
                        action="changed",
                        subject=duty,
                        party=party,
                        what=what,
                        before=oa.duty(ra[key3]),
                        after=ob.duty(rb[key3]),
                    )
                )
    wa = {w.code: w for w in a.warnings}
    wb = {w.code: w for w in b.warnings}
    for code in sorted(set(wb) - set(wa)):
        out.append(Change(kind="warning", action="added", subject=code, after=ob.warning(code, wb[code].message)))
    for code in sorted(set(wa) - set(wb)):
        out.append(Change(kind="warning", action="removed", subject=code, before=oa.warning(code, wa[code].message)))
    for code in sorted(set(wa) & set(wb)):
        if wa[code] != wb[code]:
            before_, after_ = oa.warning(code, wa[code].message), ob.warning(code, wb[code].message)
            out.append(Change(kind="warning", action="changed", subject=code, before=before_, after=after_))
    ca = {(c.article, c.clause, c.point): c for c in a.citations}
    cb = {(c.article, c.clause, c.point): c for c in b.citations}
    for k in sorted(set(cb) - set(ca), key=_ckey):
        out.append(Change(kind="citation", action="added", subject=cb[k].label, after=ob.citation(cb[k])))
    for k in sorted(set(ca) - set(cb), key=_ckey):
        out.append(Change(kind="citation", action="removed", subject=ca[k].label, before=oa.citation(ca[k])))
    ta = {(t.rule, t.row) for t in a.trace}
    tb = {(t.rule, t.row) for t in b.trace}
    for t in sorted(tb - ta, key=_tkey):
        out.append(Change(kind="rule", action="added", subject=_rule_name(*t), after=ob.rule(*t)))
    for t in sorted(ta - tb, key=_tkey):
        out.append(Change(kind="rule", action="removed", subject=_rule_name(*t), before=oa.rule(*t)))
    return out


def _ckey(k: tuple[int, int | None, str | None]) -> tuple[int, int, str]:
    return (k[0], k[1] or 0, k[2] or "")


def _tkey(k: tuple[str, int | None]) -> tuple[str, int]:
    return (k[0], k[1] or 0)


def _rule_name(rule: str, row: int | None) -> str:
    return rule if row is None else f"{rule}#{row}"


# ------------------------------------------------------------------------------------------ many events


def _evaluate(reg: Regulation, cases: Sequence[Case], parsed: Sequence[EventBase]) -> list[Decision]:
    out: list[Decision | None] = [None] * len(cases)
    by_as_of: dict[date | None, list[int]] = defaultdict(list)
    for i, c in enumerate(cases):
        by_as_of[c.as_of].append(i)
    for as_of, idx in by_as_of.items():
        for i, d in zip(idx, reg.evaluate_many([parsed[i] for i in idx], as_of=as_of), strict=True):
            out[i] = d
    return out  # type: ignore[return-value]


def compare(
    before: Regulation,
    after: Regulation,
    cases: Iterable[Case | Mapping[str, Any]],
    *,
    before_label: str = "before",
    after_label: str = "after",
    amendment: Any = None,
) -> Impact:
    """The impact of going from the rules of ``before`` to those of ``after`` on the decisions of ``cases``
    (events, or :class:`Case` with ``as_of`` and a source). ``amendment``: the :class:`~quyche.amendments.Amendment`
    compared, for the report. Raises InvalidEvent for an invalid event.
    """
    items = [c if isinstance(c, Case) else Case(c) for c in cases]
    parsed = [parse_event(c.event) for c in items]
    da = _evaluate(before, items, parsed)
    # where the same rules decide both sides (an amended regulation before its date of effect), the same decision
    same = [
        before.version_for(c.as_of or p.date) is after.version_for(c.as_of or p.date)
        for c, p in zip(items, parsed, strict=True)
    ]
    rest = [i for i, s in enumerate(same) if not s]
    db = list(da)
    for i, d in zip(rest, _evaluate(after, [items[i] for i in rest], [parsed[i] for i in rest]), strict=True):
        db[i] = d
    found: list[tuple[Case, list[Change]]] = []
    cites = _Citations()
    for c, p, a, b in zip(items, parsed, da, db, strict=True):
        changed = changes(before, after, p, a, b, cites)
        if changed:
            found.append((c, changed))
    groups, events = _groups(items, found)
    return Impact(
        before=before_label,
        after=after_label,
        amendment=_summary(amendment, before) if amendment is not None else None,
        compared=len(items),
        changed=len(events),
        groups=groups,
        events=events,
    )


def _plain(event: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in event.items()}


def _summary(am: Any, before: Regulation) -> AmendmentSummary:
    m = am.model
    articles = before.compiled.outline.articles
    changes_ = []
    for ch in m.changes:
        item: dict[str, Any] = {"change": ch.change}
        for key in ("rule", "article", "clause", "point", "duty", "party"):
            value = getattr(ch, key, None)
            if isinstance(value, (str, int)):
                item[key] = value
        if hasattr(ch, "row") and isinstance(ch.row, dict):
            item["row"] = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in ch.row.items()}
        item["text_vi"], item["text_en"] = ch.text_vi, ch.text_en
        if ch.change == "change_clause" and ch.article in articles:  # the clause's text before and after
            clause = articles[ch.article].clause(ch.clause)
            target = next((p for p in clause.points if p.point == ch.point), None) if clause and ch.point else clause
            if target is not None:
                item["was_vi"], item["was_en"] = target.text_vi, target.text_en
                item["now_vi"] = ch.set.text_vi or target.text_vi
                item["now_en"] = ch.set.text_en or target.text_en
        changes_.append(item)
    return AmendmentSummary(
        path=am.path,
        id=m.id,
        title_vi=m.title_vi,
        title_en=m.title_en,
        proposed_by=m.proposed_by,
        articles=list(m.articles),
        effective_from=m.effective_from,
        changes=changes_,
    )


# ------------------------------------------------------------------------------------------ groups


def _side_key(s: Side | None) -> tuple[Any, ...] | None:
    if s is None:
        return None
    dl = _deadline_key(s.deadline)
    label_ = s.citation.label if s.citation else None
    return (s.value, s.rule, s.row, label_, s.party, dl, s.mode, s.provenance, s.basis, s.text_vi, s.text_en, s.message)


def _group_what(what: Sequence[str]) -> list[str]:
    """What of a duty changed, for grouping: a due date follows from the deadline and the event's dates, so it sets
    a kind of change apart only when nothing else of the duty changed.
    """
    return [w for w in what if w != "due"] or list(what)


def _group_key(event_type: str, ch: Change) -> tuple[Any, ...]:
    what = tuple(_group_what(ch.what))
    return (event_type, ch.kind, ch.action, ch.subject, what, _side_key(ch.before), _side_key(ch.after))


def _hashable(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def _groups(
    cases: Sequence[Case], found: Sequence[tuple[Case, list[Change]]]
) -> tuple[list[ChangeGroup], list[ChangedEvent]]:
    """The kinds of change, and each changed event with its changes as references to them."""
    universe: dict[str, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    fields_of: dict[str, set[str]] = defaultdict(set)
    for c in cases:
        fields_of[str(c.event["type"])] |= set(c.event) - {"type", "id"}
    for c in cases:
        t = str(c.event["type"])
        for f in fields_of[t]:
            universe[t][f].add(_hashable(_plain_value(c.event.get(f))))
    members: dict[tuple[Any, ...], list[tuple[int, Change]]] = {}
    for i, (case, changed) in enumerate(found):
        t = str(case.event["type"])
        for ch in changed:
            members.setdefault(_group_key(t, ch), []).append((i, ch))
    drafts = []
    for key, items in members.items():
        event_type = key[0]
        first = items[0][1]
        indices = sorted({i for i, _ in items})
        values: dict[str, set[Any]] = defaultdict(set)
        for i in indices:
            for f in fields_of[event_type]:
                values[f].add(_hashable(_plain_value(found[i][0].event.get(f))))
        cases_ = {
            f: sorted((list(v) if isinstance(v, tuple) else v for v in vs), key=_sort_value)
            for f, vs in sorted(values.items())
            if vs != universe[event_type][f]
        }
        parties = sorted({ch.party for _, ch in items if ch.party})
        what = _group_what(first.what)
        group = ChangeGroup(
            event_type=event_type,
            kind=first.kind,
            action=first.action,
            subject=first.subject,
            what=what,
            parties=parties,
            before=_without_due(first.before),
            after=_without_due(first.after),
            count=len(indices),
            summary_vi=_sentence(first, parties, "vi", what),
            summary_en=_sentence(first, parties, "en", what),
            cases=cases_,
            events=indices,
        )
        drafts.append((key, group))
    drafts.sort(
        key=lambda kg: (kg[1].event_type, _KIND_ORDER[kg[1].kind], -kg[1].count, _article(kg[1]), kg[1].summary_en)
    )
    position = {key: n for n, (key, _) in enumerate(drafts)}
    events = []
    for case, changed in found:
        t = str(case.event["type"])
        refs = [
            EventChange(
                group=position[_group_key(t, ch)],
                party=ch.party,
                due_before=_due_of(ch.before),
                due_after=_due_of(ch.after),
            )
            for ch in changed
        ]
        events.append(ChangedEvent(event=_plain(case.event), as_of=case.as_of, source=case.source, changes=refs))
    return [g for _, g in drafts], events


def _due_of(side: Side | None) -> date | None:
    return side.deadline.due if side is not None and side.deadline is not None else None


def _plain_value(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def _article(g: ChangeGroup) -> int:
    sides = [s for s in (g.before, g.after) if s is not None and s.citation is not None]
    return min((s.citation.article for s in sides if s.citation), default=99)


def _sort_value(v: Any) -> tuple[int, str]:
    if v is None:
        return (1, "")
    return (0, f"{v:>12}" if isinstance(v, int) else str(v))


# ------------------------------------------------------------------------------------------ words

_KIND_WORDS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    # kind: ((added vi, en), (removed vi, en))
    "coordinating": (
        ("là cơ quan phối hợp", "now coordinates"),
        ("không còn là cơ quan phối hợp", "no longer coordinates"),
    ),
    "notified": (
        ("được gửi để biết", "is now sent the documents for information"),
        ("không còn được gửi để biết", "is no longer sent them for information"),
    ),
    "advising": (("là cơ quan tham mưu", "now advises"), ("không còn là cơ quan tham mưu", "no longer advises")),
}


def _body(name: str | None, lang: Lang) -> str:
    if name is None:
        return "không có" if lang == "vi" else "none"
    return f"{label(name, lang)} ({name})"


def deadline_words(d: Deadline | None, lang: Lang) -> str:
    """A deadline without its due date: ``10 ngày làm việc kể từ ngày tiếp nhận`` / ``10 working days of …``."""
    if d is None:
        return "không có thời hạn" if lang == "vi" else "no deadline"
    anchor = pick(ANCHOR_LABELS.get(d.anchor, (d.anchor, d.anchor)), lang)
    if lang == "vi":
        unit = "ngày làm việc" if d.unit == "working_days" else "ngày"
        days = f"{d.days:02d}" if d.days < 10 else str(d.days)
        return f"{days} {unit} kể từ {anchor}" if d.relation == "within" else f"chậm nhất {days} {unit} trước {anchor}"
    unit = "working days" if d.unit == "working_days" else "days"
    return f"{d.days} {unit} of {anchor}" if d.relation == "within" else f"at least {d.days} {unit} before {anchor}"


def _sentence(ch: Change, parties: Sequence[str], lang: Lang, what: Sequence[str] | None = None) -> str:
    vi = lang == "vi"
    what = ch.what if what is None else what
    if ch.kind == "lead":
        old = _body(ch.before.value if ch.before else None, lang)
        new = _body(ch.after.value if ch.after else None, lang)
        return f"cơ quan chủ trì là {new} thay vì {old}" if vi else f"{new} leads instead of {old}"
    if ch.kind in _KIND_WORDS:
        added, removed = _KIND_WORDS[ch.kind]
        return f"{_body(ch.subject, lang)} {pick(added if ch.action == 'added' else removed, lang)}"
    if ch.kind == "mode":
        name = label(ch.subject or "", lang)
        if ch.action == "added":
            return f"sử dụng phương thức «{name}»" if vi else f"the mode “{name}” is used"
        return f"không còn sử dụng phương thức «{name}»" if vi else f"the mode “{name}” is no longer used"
    if ch.kind == "duty":
        who = _who(ch, parties, lang)
        duty = f"«{ch.subject}»" if vi else f"“{ch.subject}”"
        if ch.action == "added":
            return f"{who} có thêm trách nhiệm {duty}" if vi else f"{who} gets the duty {duty}"
        if ch.action == "removed":
            return f"{who} không còn trách nhiệm {duty}" if vi else f"{who} no longer has the duty {duty}"
        parts: list[str] = []
        if "deadline" in what and ch.before and ch.after:
            parts.append(_deadline_change(ch.before.deadline, ch.after.deadline, lang))
        elif "due" in what:
            parts.append("hạn khác" if vi else "another due date")
        names = {
            "mode": ("phương thức", "mode"),
            "citation": ("căn cứ", "citation"),
            "provenance": ("nguồn gốc", "provenance"),
            "text": ("lời văn", "wording"),
        }
        others = [pick(names[w], lang) for w in what if w in names]
        if others:
            listed = " và ".join(others) if vi else " and ".join(others)
            parts.append(f"{listed} cũng thay đổi" if vi else f"its {listed} change too")
        detail = "; ".join(parts)
        return f"trách nhiệm {duty} của {who}: {detail}" if vi else f"the duty {duty} of {who}: {detail}"
    if ch.kind == "warning":
        words = {
            "added": ("có thêm lưu ý", "the warning {} is given"),
            "removed": ("không còn lưu ý", "the warning {} is no longer given"),
            "changed": ("lưu ý có nội dung khác:", "the warning {} says something else"),
        }[ch.action]
        return f"{words[0]} {ch.subject}" if vi else words[1].format(ch.subject)
    if ch.kind == "citation":
        what = ch.subject or ""
        if ch.action == "added":
            return f"viện dẫn thêm {what}" if vi else f"also cites {what}"
        return f"không còn viện dẫn {what}" if vi else f"no longer cites {what}"
    rule = ch.subject or ""
    if ch.action == "added":
        return f"quy định {rule} được áp dụng" if vi else f"the rule {rule} applies"
    return f"quy định {rule} không còn được áp dụng" if vi else f"the rule {rule} no longer applies"


def _who(ch: Change, parties: Sequence[str], lang: Lang) -> str:
    """Who bears a duty: the rule's words for its party (``event.received_by``: the receiving body; ``lead``: the
    body that chairs, named), else the bodies.
    """
    side = ch.after or ch.before
    expr = side.party if side is not None else None
    names = ", ".join(label(p, lang) for p in parties)
    if expr and expr.startswith("event."):
        return field_label(expr[len("event.") :], lang)
    if expr == "lead":
        return f"{'cơ quan chủ trì' if lang == 'vi' else 'the body that chairs'} ({names})"
    return names


def _deadline_change(a: Deadline | None, b: Deadline | None, lang: Lang) -> str:
    """``thời hạn 07 ngày làm việc thay vì 10 ngày làm việc (kể từ …)``: another deadline, in words."""
    vi = lang == "vi"
    if a is not None and b is not None and (a.relation, a.anchor) == (b.relation, b.anchor):
        anchor = pick(ANCHOR_LABELS.get(a.anchor, (a.anchor, a.anchor)), lang)
        old, new = _period(a, lang), _period(b, lang)
        if a.relation == "within":
            return f"thời hạn {new} thay vì {old} (kể từ {anchor})" if vi else f"{new} instead of {old} (from {anchor})"
        return (
            f"chậm nhất {new} thay vì {old} trước {anchor}"
            if vi
            else f"at least {new} instead of {old} before {anchor}"
        )
    old, new = deadline_words(a, lang), deadline_words(b, lang)
    return f"thời hạn {new} thay vì {old}" if vi else f"a deadline of {new} instead of {old}"


def _period(d: Deadline, lang: Lang) -> str:
    if lang == "vi":
        return f"{d.days:02d} {'ngày làm việc' if d.unit == 'working_days' else 'ngày'}"
    return f"{d.days} {'working days' if d.unit == 'working_days' else 'days'}"


def _side_text(s: Side | None, lang: Lang) -> str:
    if s is None or (s.rule is None and s.citation is None):
        return "—"
    where = s.rule or ""
    if s.row is not None:
        where += f" ({'dòng' if lang == 'vi' else 'row'} {s.row})"
    if s.citation is not None:
        text = (
            cite.citation_text(s.citation, lang)
            if lang == "vi"
            else cite.provision(s.citation.article, s.citation.clause, s.citation.point, "en")
        )
        where += f" — {text}"
    return where


def _value_text(field: str, value: Any, lang: Lang) -> str:
    if value is None:
        return "không nêu" if lang == "vi" else "not given"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if field == "date" or field.endswith(("_date", "_opening", "_start", "_end", "_closing")):
        try:
            return date_text(date.fromisoformat(str(value)), lang)
        except ValueError:
            return str(value)
    return (
        f"{value_label(field, value, lang)}"
        if not isinstance(value, str) or value_label(field, value, lang) == value
        else f"{value_label(field, value, lang)} ({value})"
    )


def cases_text(g: ChangeGroup, lang: Lang, limit: int = 8) -> str:
    """The cases of a group in words: the event type and the values of the fields that set them apart."""
    parts = [f"{label(g.event_type, lang)} ({g.event_type})"]
    for f, values in g.cases.items():
        shown = [_value_text(f, v, lang) for v in values[:limit]]
        more = len(values) - limit
        if more > 0:
            shown.append(f"… (+{more})")
        parts.append(f"{field_label(f, lang)}: " + ", ".join(shown))
    return "; ".join(parts)


def event_text(ev: ChangedEvent) -> str:
    """An event in one line, as a scenario file writes it."""
    body = ", ".join(f"{k}: {_flow(v)}" for k, v in ev.event.items())
    text = "{" + body + "}"
    if ev.as_of:
        text += f" as_of {ev.as_of.isoformat()}"
    if ev.source:
        text += f" ({ev.source})"
    return text


def _flow(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return str(v)


def _due_examples(g: ChangeGroup, n_group: int, impact: Impact, lang: Lang, n: int = 3) -> list[str]:
    """For a duty whose deadline changed: a few events with their due dates before and after."""
    if g.kind != "duty" or g.action != "changed":
        return []
    out = []
    instead = "thay vì" if lang == "vi" else "instead of"
    for i in g.events:
        ev = impact.events[i]
        for ec in ev.changes:
            if ec.group == n_group and (ec.due_before or ec.due_after):
                out.append(f"{event_text(ev)}: {_due(ec.due_after, lang)} {instead} {_due(ec.due_before, lang)}")
                break
        if len(out) >= n:
            break
    return out


def _due(d: date | None, lang: Lang) -> str:
    return date_text(d, lang) if d else ("chưa tính được" if lang == "vi" else "unknown")


_WORDS = {
    "title": ("Tác động của thay đổi quy định", "Impact of the change of the rules"),
    "amendment": ("Đề xuất sửa đổi, bổ sung", "Proposed amendment"),
    "proposed_by": ("Cơ quan đề xuất", "Proposed by"),
    "articles": ("Các điều sửa đổi, bổ sung", "Articles amended"),
    "effective": ("Ngày có hiệu lực", "Takes effect"),
    "effective_none": ("không nêu (áp dụng cho mọi sự việc)", "not given (applies to every event)"),
    "effective_rule": (
        "sự việc có ngày, hoặc ngày làm căn cứ, trước ngày này áp dụng quy định trước khi sửa đổi; sự việc không nêu "
        "ngày áp dụng quy định đã sửa đổi",
        "events dated (or evaluated as of a day) before it get the rules before the amendment; undated events get "
        "the amended rules",
    ),
    "changes": ("Nội dung sửa đổi", "Changes"),
    "clause_was": ("Văn bản hiện hành", "Text in force"),
    "clause_now": ("Văn bản sửa đổi", "Text as amended"),
    "bundled": ("bộ quy định đóng gói (rules/)", "the bundled rules (rules/)"),
    "before": ("Trước", "Before"),
    "after": ("Sau", "After"),
    "compared": ("So sánh", "Compared"),
    "groups": ("Các thay đổi, theo loại", "What changes, by kind"),
    "none": ("Không có quyết định nào thay đổi.", "No decision changes."),
    "cases": ("Các trường hợp", "Cases"),
    "examples": ("Ví dụ", "For example"),
    "due": ("Hạn (sau thay vì trước)", "Due dates (after instead of before)"),
    "more": ("và {} sự việc khác (xem --format json)", "and {} more events (see --format json)"),
    "count": ("{} trường hợp", "{} cases"),
}


def _w(key: str, lang: Lang) -> str:
    return pick(_WORDS[key], lang)


def count_text(n: int, lang: Lang) -> str:
    """A count as each language writes it: ``12.096`` in Vietnamese, ``12,096`` in English."""
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "vi" else text


def _header(impact: Impact, lang: Lang) -> list[tuple[str, str]]:
    """(label, value) lines about what is compared."""
    out = []
    am = impact.amendment
    if am is not None:
        title = am.title_vi if lang == "vi" else am.title_en
        out.append((_w("amendment", lang), f"{title} ({am.path})" + (f" — {am.id}" if am.id else "")))
        out.append((_w("proposed_by", lang), _body(am.proposed_by, lang)))
        out.append((_w("articles", lang), ", ".join(cite.provision(a, lang=lang) for a in am.articles)))
        eff = (
            date_text(am.effective_from, lang) + f" — {_w('effective_rule', lang)}"
            if am.effective_from
            else _w("effective_none", lang)
        )
        out.append((_w("effective", lang), eff))
    out.append((_w("before", lang), _rules_label(impact.before, lang)))
    out.append((_w("after", lang), _rules_label(impact.after, lang)))
    return out


def _rules_label(text: str, lang: Lang) -> str:
    return text.replace(BUNDLED, _w("bundled", lang), 1) if text.startswith(BUNDLED) else text


def _change_lines(impact: Impact, lang: Lang) -> list[str]:
    am = impact.amendment
    if am is None:
        return []
    lines = []
    for i, ch in enumerate(am.changes, 1):
        target = ch.get("rule") or (
            cite.provision(ch["article"], ch.get("clause"), ch.get("point"), lang) if "article" in ch else ""
        )
        text = ch["text_vi"] if lang == "vi" else ch["text_en"]
        lines.append(f"{i}. [{ch['change']} {target}] {' '.join(str(text).split())}")
        if "was_vi" in ch:
            was, now = (ch["was_vi"], ch["now_vi"]) if lang == "vi" else (ch["was_en"], ch["now_en"])
            q0, q1 = ("«", "»") if lang == "vi" else ("“", "”")
            lines.append(f"   {_w('clause_was', lang)}: {q0}{' '.join(str(was).split())}{q1}")
            lines.append(f"   {_w('clause_now', lang)}: {q0}{' '.join(str(now).split())}{q1}")
    return lines


def render_text(impact: Impact, lang: Lang = "vi", examples: int | None = 3) -> str:
    """The impact for people, in Vietnamese (default) or English: what is compared, the changes by kind, and
    the closing line ``N events compared, M changed``. ``examples``: events shown per kind (None: all).
    """
    lines = [_w("title", lang)]
    lines += [f"{k}: {v}" for k, v in _header(impact, lang)]
    change_lines = _change_lines(impact, lang)
    if change_lines:
        lines.append(f"{_w('changes', lang)}:")
        lines += [f"  {x}" for x in change_lines]
    lines.append(f"{_w('groups', lang)}:")
    if not impact.groups:
        lines.append(f"  {_w('none', lang)}")
    for n, g in enumerate(impact.groups, 1):
        summary = g.summary_vi if lang == "vi" else g.summary_en
        lines.append(f"  {n}. {_w('count', lang).format(count_text(g.count, lang))}: {summary}")
        lines.append(f"     {_w('before', lang)}: {_side_text(g.before, lang)}")
        lines.append(f"     {_w('after', lang)}: {_side_text(g.after, lang)}")
        lines.append(f"     {_w('cases', lang)}: {cases_text(g, lang)}")
        dues = _due_examples(g, n - 1, impact, lang)
        if dues:
            lines.append(f"     {_w('due', lang)}: " + dues[0])
            lines += [f"       {d}" for d in dues[1:]]
        shown = g.events if examples is None else g.events[:examples]
        lines.append(f"     {_w('examples', lang)}: " + (event_text(impact.events[shown[0]]) if shown else ""))
        lines += [f"       {event_text(impact.events[i])}" for i in shown[1:]]
        if len(shown) < len(g.events):
            lines.append(f"       … {_w('more', lang).format(count_text(len(g.events) - len(shown), lang))}")
    lines.append(impact.closing_line)
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_markdown(impact: Impact, lang: Lang = "vi", examples: int | None = 3) -> str:
    """The impact as a Markdown report (for a pull request, or committed beside the amendment)."""
    out = [f"# {_w('title', lang)}", ""]
    out += [f"- **{k}:** {_md(v)}" for k, v in _header(impact, lang)]
    out.append("")
    change_lines = _change_lines(impact, lang)
    if change_lines:
        out += [f"## {_w('changes', lang)}", ""]
        out += [_md(x) for x in change_lines]
        out.append("")
    out += [f"## {_w('groups', lang)}", ""]
    if not impact.groups:
        out += [_w("none", lang), ""]
    for n, g in enumerate(impact.groups, 1):
        summary = g.summary_vi if lang == "vi" else g.summary_en
        out += [f"### {n}. {_w('count', lang).format(count_text(g.count, lang))}: {_md(summary)}", ""]
        out.append(f"- {_w('before', lang)}: {_md(_side_text(g.before, lang))}")
        out.append(f"- {_w('after', lang)}: {_md(_side_text(g.after, lang))}")
        out.append(f"- {_w('cases', lang)}: {_md(cases_text(g, lang))}")
        dues = _due_examples(g, n - 1, impact, lang)
        if dues:
            out.append(f"- {_w('due', lang)}:")
            out += [f"  - `{_md(d)}`" for d in dues]
        shown = g.events if examples is None else g.events[:examples]
        out.append(f"- {_w('examples', lang)}:")
        out += [f"  - `{_md(event_text(impact.events[i]))}`" for i in shown]
        if len(shown) < len(g.events):
            out.append(f"  - … {_w('more', lang).format(count_text(len(g.events) - len(shown), lang))}")
        out.append("")
    out += [f"**{impact.closing_line}**", ""]
    return "\n".join(out)


def summary_lines(impact: Impact, lang: Lang = "vi") -> list[str]:
    """The impact in a few lines (for the explanation of a proposal): each kind of change and its count."""
    lines = []
    for g in impact.groups:
        summary = g.summary_vi if lang == "vi" else g.summary_en
        lines.append(
            f"{_w('count', lang).format(count_text(g.count, lang))}: {summary} — {cases_text(g, lang, limit=4)}"
        )
    return [*lines, impact.closing_line]


# ------------------------------------------------------------------------------------------ events to compare


def scenario_cases(paths: Iterable[str | Path]) -> list[Case]:
    """The events of scenario files (files, or folders searched for ``*.yaml``), with their ``as_of``; scenarios
    that expect an invalid event are left out. Raises ScenarioFileError for a file that cannot be read.
    """
    from quyche.scenarios import iter_files, load_file

    out = []
    for f in iter_files(paths):
        for sc in load_file(f):
            if sc.scenario.expect.error is None:
                out.append(Case(sc.scenario.event, sc.scenario.as_of, f"{sc.file}:{sc.line}"))
    return out


def sweep_cases(before: Regulation, after: Regulation) -> list[Case]:
    """Every combination of the event table on the reference dates of both rule sets (:mod:`quyche.sweep`)."""
    from quyche import sweep

    plans = []
    extra: list[date] = []
    for reg in (before, after):
        current: Regulation | None = reg
        while current is not None:  # an amended regulation: its rules, and those before each date of effect
            plans.append(current.compiled)
            effective = getattr(current, "effective_from", None)
            if effective is not None:
                extra.append(effective)
            current = getattr(current, "previous", None)
    return [Case(e) for e in sweep.events(plans, extra_dates=extra)]


def diff(
    *,
    amendment: str | Path | Amendment | None = None,
    rules: Sequence[str | Path] = (),
    paths: Sequence[str | Path] = (),
    sweep: bool = False,
    engine: EngineName = "python",
) -> Impact:
    """``quyche diff``: the impact of an amendment file (on the bundled rules, or on one ``rules`` folder), or of
    going from ``rules[0]`` to ``rules[1]``, on the events of scenario files (``paths``) and, with ``sweep``, on
    every combination of the event table. Each rule set is built once.
    """
    if amendment is None and len(rules) != 2:
        raise QuycheError("give --amendment FILE, or two rules folders: --rules DIR_A --rules DIR_B")
    if amendment is not None and len(rules) > 1:
        raise QuycheError("an amendment applies to one rules folder: give at most one --rules with --amendment")
    if not paths and not sweep:
        raise QuycheError("nothing to compare: give scenario files or folders (PATH…), or --events all")
    before = load(rules[0] if rules else None, engine=engine)
    regs = [before]
    try:
        before_label = str(rules[0]) if rules else BUNDLED
        am = None
        if amendment is not None:
            after = before.amend(amendment)
            am = getattr(after, "amendment", None)
            after_label = f"{before_label} + {amendment.path if isinstance(amendment, Amendment) else amendment}"
        else:
            after = load(rules[1], engine=engine)
            after_label = str(rules[1])
        regs.append(after)
        cases = scenario_cases(paths) if paths else []
        if sweep:
            cases += sweep_cases(before, after)
        return compare(before, after, cases, before_label=before_label, after_label=after_label, amendment=am)
    finally:
        for reg in regs:
            reg.close()


def proposal_text(impact: Impact, event: Mapping[str, Any] | EventBase, lang: Lang = "vi") -> str:
    """The impact summary that the explanation of an ``amendment_proposed`` event ends with, given the amendment
    file: the kinds of change and their counts, and whether the event and the file agree on who proposes and what.
    """
    parsed = parse_event(event)
    am = impact.amendment
    vi = lang == "vi"
    where = am.path if am else impact.after
    head = (
        f"Tác động của đề xuất sửa đổi, bổ sung ({where}), trên mọi tổ hợp sự việc của bảng sự kiện:"
        if vi
        else f"Impact of the proposed amendment ({where}), over every combination of the event table:"
    )
    lines = [head]
    if am is not None:
        listed = sorted(set(getattr(parsed, "articles", None) or []))
        if listed and listed != sorted(am.articles):
            ev = ", ".join(cite.provision(a, lang=lang) for a in listed)
            fi = ", ".join(cite.provision(a, lang=lang) for a in am.articles)
            lines.append(
                f"  Lưu ý: sự việc nêu {ev}, tệp sửa đổi nêu {fi}."
                if vi
                else f"  Note: the event lists {ev}, the amendment file {fi}."
            )
        proposer = getattr(parsed, "proposed_by", None)
        if proposer is not None and proposer != am.proposed_by:
            who, filed = label(proposer, lang), label(am.proposed_by, lang)
            lines.append(
                f"  Lưu ý: sự việc do {who} đề xuất, tệp sửa đổi ghi {filed}."
                if vi
                else f"  Note: the event is proposed by {who}, the amendment file says {filed}."
            )
    lines += [f"  - {x}" for x in summary_lines(impact, lang)[:-1]] or [f"  - {_w('none', lang)}"]
    lines.append(f"  {impact.closing_line}")
    return "\n".join(lines) + "\n"


def explain_with_amendment(
    reg: Regulation,
    amendment: str | Path | Mapping[str, Any],
    event: Mapping[str, Any] | EventBase,
    lang: Lang = "vi",
    *,
    as_of: date | str | None = None,
    why_not: str | None = None,
    short: bool = False,
) -> str:
    """``quyche explain EVENT --amendment FILE``: the explanation under the rules as amended (by the rules in
    force on the event's reference date); for an ``amendment_proposed`` event, followed by the impact of the
    amendment over every combination of the event table (computed on the python engine). ``short``: the
    short explanation (``--short``), as without an amendment.
    """
    from quyche.explain import explain
    from quyche.why import why_not_text

    amended = reg.amend(amendment)
    built: list[Regulation] = [amended]
    try:
        if why_not is not None:
            return why_not_text(amended.why_not(event, why_not, as_of=as_of), lang)  # type: ignore[arg-type]
        decision = amended.evaluate(event, as_of=as_of)
        text = explain(
            decision, lang, regulation=amended.version_for(decision.reference_date), event=event, short=short
        )
        if decision.event_type != "amendment_proposed":
            return text
        before, after = reg, amended
        if reg.engine != "python":  # the sweep runs on the python engine: the same decisions, built faster
            before = Regulation(reg.compiled, "python")
            after = before.amend(amendment)
            built += [before, after]
        impact = compare(
            before,
            after,
            sweep_cases(before, after),
            before_label="rules",
            after_label=str(amendment),
            amendment=getattr(after, "amendment", None),
        )
        return text + proposal_text(impact, event, lang)
    finally:
        for r in built:
            r.close()
