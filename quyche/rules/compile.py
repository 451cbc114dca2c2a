"""The *compile* stage: checked rules (:mod:`quyche.rules.check`) into the plan both engines run. Pure and
deterministic: the same checked rules give the same plan, whatever order the files were read in.

A rule becomes one **unit**, or one per row of its table: the unit's condition in the normal form
(:mod:`quyche.rules.conditions`: the rule's condition, its version dates and the row's key values), its tests
numbered for the trace, and everything it decides with the row's columns filled in (``row.host`` → ``ubnd``,
``{days}`` in a text → ``30``). Units are ordered by priority (lower first; unset counts as 100), then article,
then position in the file: the firing order of both engines. The plan also says which rules are exceptions to
which, so the runtime can drop a default rule when one of its exceptions applies (:mod:`quyche.rules.runtime`).

Compiling a subset is the same function on a smaller :class:`~quyche.rules.check.CheckedRules`: a test can
compile one article (``compile_rules(checked, articles={8})``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from quyche.chapters.chuong_1 import LABELS
from quyche.events import EVENT_TYPES
from quyche.labels import VALUE_LABELS, value_label
from quyche.rules import conditions as C
from quyche.rules.check import CheckedRule, CheckedRules, Row, exception_ancestors, row_tests, unit_conditions
from quyche.rules.model import Provenance, Validity
from quyche.rules.syntax import All, Body, Node, Test, leaves

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True)
class UnitDuty:
    """A duty as a unit decides it: its party expression and every value fixed."""

    party: Body
    duty: str
    text_vi: str
    text_en: str
    mode: str | None
    days: int | None
    unit: str | None
    relation: str | None
    anchor: str | None
    article: int
    clause: int | None
    point: str | None
    provenance: Provenance


@dataclass(frozen=True)
class Unit:
    """What the engines match and the decision step uses: a rule, or one row of a rule's table."""

    id: str  # the engines' name: the rule id, or ``rule_id#N`` for row N (1-based)
    rule: CheckedRule
    row: int | None  # the row's number (1-based), for a table
    event_types: tuple[str, ...]
    when: C.NormalNode | None
    condition: Node | None  # the rule's condition and the row's keys, as tests numbered for the trace
    order: tuple[int, int, int, int]
    lead: Body | None
    coordinating: tuple[Body, ...]
    notified: tuple[Body, ...]
    advising: tuple[Body, ...]
    modes: tuple[str, ...]
    duties: tuple[UnitDuty, ...]
    warnings: tuple[tuple[str, str, str], ...]  # (code, message_vi, message_en)
    text_vi: str
    text_en: str
    cites: tuple[int, ...]
    #: event fields whose listed articles the unit cites (``cites: [event.articles]``)
    cites_from: tuple[str, ...] = ()

    @property
    def rule_id(self) -> str:
        """The id of the rule the unit comes from."""
        return self.rule.id

    @property
    def article(self) -> int:
        """The article of the rule."""
        return self.rule.article


@dataclass(frozen=True)
class Outline:
    """Chapter and article files by number."""

    chapters: Mapping[int, Any]
    articles: Mapping[int, Any]

    def chapter_of(self, article: int) -> int:
        """The chapter number of an article."""
        return int(self.articles[article].chapter)


@dataclass(frozen=True)
class Plan:
    """Everything the engines and the decision step need, built once at load time."""

    checked: CheckedRules
    units: tuple[Unit, ...]
    by_type: dict[str, tuple[Unit, ...]]
    by_id: dict[str, Unit]
    #: for each rule, the rules that are exceptions to it (directly or through other exceptions)
    exceptions: dict[str, frozenset[str]]
    outline: Outline
    validity: Validity | None
    source: str
    units_of: dict[str, tuple[Unit, ...]] = field(default_factory=dict)

    def unit_for(self, rule: str, row: int | None = None) -> Unit:
        """The unit of a rule (and table row) named by a trace entry."""
        return self.by_id[rule if row is None else f"{rule}#{row}"]

    @property
    def rules(self) -> tuple[Unit, ...]:
        """The units in firing order (the engines' rules)."""
        return self.units


def _fill(text: str, row: Row | None, lang: str) -> str:
    """A text with a row's ``{column}`` placeholders filled in (a body as its label in the text's language, a key
    field's value in the words of its field: ``{round}`` → "lần đầu").
    """
    if row is None:
        return text
    values = {**row.keys, **row.columns}

    def show(m: re.Match[str]) -> str:
        name = m.group(1)
        v = values[name]
        if name in row.keys and name in VALUE_LABELS:
            return value_label(name, v, "vi" if lang == "vi" else "en")  # a key in words: round 1 → "lần đầu"
        if isinstance(v, str) and v in LABELS:
            vi, en = LABELS[v]
            return vi if lang == "vi" else en
        if isinstance(v, bool):
            return ("có" if v else "không") if lang == "vi" else ("yes" if v else "no")
        if isinstance(v, date):
            return f"{v.day:02d}/{v.month:02d}/{v.year}" if lang == "vi" else v.isoformat()
        return str(v)

    return _PLACEHOLDER.sub(show, text)


def _resolve(body: Body, row: Row | None) -> Body:
    """A body expression with a row's column filled in (``row.host`` → ``ubnd``)."""
    if body.kind == "row" and row is not None:
        return Body("fixed", str(row.columns[str(body.name)]))
    if body.kind == "office_of" and body.inner is not None:
        return Body("office_of", inner=_resolve(body.inner, row))
    return body


def _unit(r: CheckedRule, row: Row | None, node: C.NormalNode | None) -> Unit:
    rule = r.rule
    number = None if row is None else row.index + 1
    condition: Node | None = r.when
    if row is not None:
        n = sum(1 for _ in leaves(r.when))
        tests: tuple[Test, ...] = row_tests(r.table_keys, r.if_absent, row, n)
        parts: tuple[Node, ...] = ((r.when,) if r.when is not None else ()) + tests
        condition = parts[0] if len(parts) == 1 else All(parts, ("table",))
    duties = []
    for d in r.duties:
        spec = d.spec
        dl = spec.deadline
        days: int | None = None
        if dl is not None:
            days = int(row.columns[dl.days[len("row.") :]]) if isinstance(dl.days, str) and row else int(dl.days)
        duties.append(
            UnitDuty(
                party=_resolve(d.party, row),
                duty=spec.duty,
                text_vi=_fill(spec.text_vi, row, "vi"),
                text_en=_fill(spec.text_en, row, "en"),
                mode=spec.mode,
                days=days,
                unit=dl.unit if dl else None,
                relation=dl.relation if dl else None,
                anchor=dl.anchor if dl else None,
                article=d.article,
                clause=d.clause,
                point=d.point,
                provenance=d.provenance,
            )
        )
    return Unit(
        id=r.id if number is None else f"{r.id}#{number}",
        rule=r,
        row=number,
        event_types=r.event_types,
        when=node,
        condition=condition,
        order=(*r.order, number or 0),
        lead=_resolve(r.lead, row) if r.lead is not None else None,
        coordinating=tuple(_resolve(b, row) for b in r.coordinating),
        notified=tuple(_resolve(b, row) for b in r.notified),
        advising=tuple(_resolve(b, row) for b in r.advising),
        modes=tuple(rule.modes),
        duties=tuple(duties),
        warnings=tuple((w.code, _fill(w.message_vi, row, "vi"), _fill(w.message_en, row, "en")) for w in rule.warnings),
        text_vi=_fill(rule.text_vi, row, "vi"),
        text_en=_fill(rule.text_en, row, "en"),
        cites=tuple(a for a in rule.cites if isinstance(a, int)),
        cites_from=tuple(a[len("event.") :] for a in rule.cites if isinstance(a, str)),
    )


def compile_rules(checked: CheckedRules, *, articles: Collection[int] | None = None) -> Plan:
    """The plan of a checked rule set (or of the rules of some ``articles`` only)."""
    chosen = [r for r in checked.rules if articles is None or r.article in articles]
    units = [_unit(r, row, node) for r in chosen for row, node in unit_conditions(r)]
    units.sort(key=lambda u: u.order)
    by_id = {r.id: r for r in chosen}
    exceptions: dict[str, set[str]] = {r.id: set() for r in chosen}
    for r in chosen:
        for ancestor in exception_ancestors(r.id, checked.by_id):
            if ancestor in exceptions:
                exceptions[ancestor].add(r.id)
    units_of: dict[str, list[Unit]] = {}
    for u in units:
        units_of.setdefault(u.rule_id, []).append(u)
    del by_id
    return Plan(
        checked=checked,
        units=tuple(units),
        by_type={t: tuple(u for u in units if t in u.event_types) for t in EVENT_TYPES},
        by_id={u.id: u for u in units},
        exceptions={k: frozenset(v) for k, v in exceptions.items() if v},
        outline=Outline(checked.chapters, checked.articles),
        validity=checked.validity,
        source=checked.source,
        units_of={k: tuple(v) for k, v in units_of.items()},
    )
