"""The *check* stage: read rule files (:mod:`quyche.rules.read`) in, a :class:`CheckedRules` out.

What is checked, each failure one :class:`~quyche.errors.RuleFileError` with the file, the line of the offending
value, the field, and a "did you mean …?" where a name is close to a known one:

* the outline: 7 chapters and 23 articles, each article in exactly one chapter that agrees with it;
* every rule id starts with its article's ``dieu_NN.`` and is unique; event types exist;
* citations name an existing clause (and point) of the article cited;
* conditions: parsed once (:mod:`quyche.rules.syntax`) and typed against the event models — fields exist,
  constants have the field's type and values, a field is compared only with a field of the same kind;
* body expressions name known bodies, party-valued fields or table columns; a lead names one body;
* deadlines count from a date field of every event type of the rule;
* tables: keys are fields, every row gives every key and column, no two rows are the same case, and where the
  keys have finitely many values every case the rule's condition admits has a row; every column is used;
* exceptions: each names a rule (not itself, no cycle) that it can actually override — some event meets both;
* conflicting leads: two rules that can apply to the same event and name different leads with no priority or
  exception between them;
* engine limits: integers within 64 bits, conditions within durable-rules' expression limit.

"Can two conditions hold of the same event?" is decided exactly, by enumerating the values that matter for the
fields they read (:func:`satisfiable`), after quick rejections on fields both conditions fix.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from quyche.chapters.chuong_1 import PARTIES, RECIPIENTS, SETS
from quyche.errors import RuleFileError, did_you_mean
from quyche.events import EVENT_TYPES, FIELD_SPECS, FieldSpec
from quyche.rules import conditions as C
from quyche.rules.model import ArticleFile, ChapterFile, InForce, Provenance, ResponsibilitySpec, Rule, Validity
from quyche.rules.read import Loaded, RuleSource
from quyche.rules.syntax import (
    FIELD_OPS,
    SET_OPS,
    Body,
    Loc,
    Node,
    SyntaxProblem,
    Test,
    leaves,
    parse_body,
    parse_condition,
)
from quyche.rules.syntax import fields as condition_fields

N_CHAPTERS = 7
N_ARTICLES = 23
ANY_EVENT = "any"
DEFAULT_PRIORITY = 100
#: A field every event has for conditions: the date the decision is made for (``as_of`` or ``date``).
REFERENCE_DATE = FieldSpec(C.REFERENCE_DATE, "date")
#: durable-rules keeps at most 31 expressions per rule, two for each all/any group, one group of which is the
#: adapter's guard (MAX_SEQUENCE_EXPRESSIONS in durable's rete.h, measured: 16 groups fail).
MAX_COMPOSITES = 14
#: durable-rules compares integers as C ``long`` (64 bits): larger constants would make the engines disagree.
INT64 = (-(2**63), 2**63 - 1)
_MAX_COMBINATIONS = 200_000
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class CheckedDuty:
    """A duty of a rule, with its parsed party and the provision it cites."""

    spec: ResponsibilitySpec
    party: Body
    article: int
    clause: int | None
    point: str | None
    provenance: Provenance


@dataclass(frozen=True)
class Row:
    """One row of a table: its position, the key values it matches and its other columns."""

    index: int
    keys: dict[str, Any]
    columns: dict[str, Any]


@dataclass(frozen=True)
class CheckedRule:
    """A rule whose every part has been checked and parsed, with its place and firing order."""

    id: str
    article: int
    chapter: int
    path: str
    event_types: tuple[str, ...]
    rule: Rule
    when: Node | None
    table_keys: tuple[str, ...]
    if_absent: dict[str, Any]
    rows: tuple[Row, ...]
    exception_to: tuple[str, ...]
    lead: Body | None
    coordinating: tuple[Body, ...]
    notified: tuple[Body, ...]
    advising: tuple[Body, ...]
    duties: tuple[CheckedDuty, ...]
    order: tuple[int, int, int]
    generated: bool = False  # the validity rule, made from ``validity:``
    #: for an exception: when the rules it is an exception to would apply (it applies only within them)
    inherited: C.NormalNode | None = None

    @property
    def clause(self) -> int | None:
        """The clause the rule cites."""
        return self.rule.clause


@dataclass(frozen=True)
class CheckedRules:
    """A rule set that passed every check: the outline, the rules in firing order, the period of validity."""

    chapters: dict[int, ChapterFile]
    articles: dict[int, ArticleFile]
    rules: tuple[CheckedRule, ...]
    validity: Validity | None
    source: str
    by_id: dict[str, CheckedRule] = field(default_factory=dict)
    #: the files the rules were checked from (an amendment is applied to them: :mod:`quyche.amendments`)
    src: RuleSource | None = field(default=None, compare=False, repr=False)

    def chapter_of(self, article: int) -> int:
        """The chapter number of an article."""
        return self.articles[article].chapter


# ---------------------------------------------------------------------------------------------- outline


def _folder_error(src: RuleSource, message: str) -> RuleFileError:
    return RuleFileError(src.root, None, message)


def check_outline(src: RuleSource) -> None:
    """7 chapters and 23 articles, each article in exactly one chapter that agrees with it."""
    for n in range(1, N_CHAPTERS + 1):
        if n not in src.chapters:
            raise _folder_error(src, f"chuong_{n}.yaml is missing: the regulation has {N_CHAPTERS} chapters")
    for n in range(1, N_ARTICLES + 1):
        if n not in src.articles:
            raise _folder_error(src, f"dieu_{n:02d}.yaml is missing: the regulation has {N_ARTICLES} articles")
    owner: dict[int, int] = {}
    for ch in sorted(src.chapters):
        loaded = src.chapters[ch]
        for i, art in enumerate(loaded.model.articles):
            if art in owner:
                raise loaded.error(f"article {art} is already listed in chapter {owner[art]}", "articles", i)
            owner[art] = ch
    for art, loaded in sorted(src.articles.items()):
        if art not in owner:
            raise loaded.error(f"article {art} is not listed in any chapter file", "article")
        if loaded.model.chapter != owner[art]:
            raise loaded.error(
                f"article {art} says chapter {loaded.model.chapter} but chuong_{owner[art]}.yaml lists it", "chapter"
            )


def _check_clauses(loaded: Loaded) -> None:
    art: ArticleFile = loaded.model
    seen: set[int] = set()
    for i, c in enumerate(art.clauses):
        if c.clause in seen:
            raise loaded.error(f"clause {c.clause} is listed twice", "clauses", i, "clause")
        seen.add(c.clause)
        letters = [p.point for p in c.points]
        for j, letter in enumerate(letters):
            if letter in letters[:j]:
                raise loaded.error(f"point {letter} is listed twice", "clauses", i, "points", j, "point")


def _check_citation(
    loaded: Loaded, articles: Mapping[int, ArticleFile], article: int, clause: int | None, point: str | None, *loc: Any
) -> None:
    """A citation names an article that exists, and a clause (and point) of it."""
    target = articles.get(article)
    if target is None:
        raise loaded.error(f"article {article} is not in this rule set", *loc, "article")
    if clause is None:
        if point is not None:
            raise loaded.error("a point is cited without its clause", *loc, "point")
        return
    c = target.clause(clause)
    if c is None:
        known = ", ".join(str(x.clause) for x in target.clauses)
        raise loaded.error(f"Điều {article} has no clause {clause} (its clauses: {known})", *loc, "clause")
    if point is not None and point not in {p.point for p in c.points}:
        known = ", ".join(p.point for p in c.points) or "none"
        raise loaded.error(f"khoản {clause} Điều {article} has no point {point} (its points: {known})", *loc, "point")


# ---------------------------------------------------------------------------------------- fields, values


def field_spec(event_type: str, name: str) -> FieldSpec | None:
    """The spec of a condition field on an event type (``reference_date`` exists on all)."""
    if name == C.REFERENCE_DATE:
        return REFERENCE_DATE
    return FIELD_SPECS[event_type].get(name)


def _value_problem(spec: FieldSpec, value: Any) -> str | None:
    """Why ``value`` is not a value of the field, or None."""
    if spec.kind == "enum":
        if value not in spec.values or isinstance(value, bool) != any(isinstance(x, bool) for x in spec.values):
            shown = ", ".join(map(str, spec.values))
            return f"{value!r} is not a value of {spec.name}; accepted: {shown}" + did_you_mean(
                str(value), map(str, spec.values)
            )
    elif spec.kind == "int" and (not isinstance(value, int) or isinstance(value, bool)):
        return f"{spec.name} is a whole number, got {value!r}"
    elif spec.kind == "bool" and not isinstance(value, bool):
        return f"{spec.name} is true or false, got {value!r}"
    elif spec.kind == "date" and not isinstance(value, date):
        return f"{spec.name} is a date (YYYY-MM-DD), got {value!r}"
    elif spec.kind == "str" and not isinstance(value, str):
        return f"{spec.name} is text, got {value!r}"
    elif spec.kind == "list":
        return f"conditions cannot test the list field {spec.name}"
    if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
        return f"{value} is outside the 64-bit integers the engines compare"
    return None


def _spec_or_error(loaded: Loaded, types: Iterable[str], name: str, loc: Loc) -> list[FieldSpec]:
    specs = []
    for t in types:
        spec = field_spec(t, name)
        if spec is None:
            known = [*FIELD_SPECS[t], C.REFERENCE_DATE]
            raise loaded.error(f"event type {t} has no field {name!r}" + did_you_mean(name, known), *loc)
        specs.append(spec)
    return specs


def _check_test(loaded: Loaded, t: Test, types: tuple[str, ...], base: Loc) -> None:
    loc = (*base, *t.loc)
    field_loc = loc[:-1] if t.loc and t.loc[-1] == t.op else loc  # ``kind: {ne: x}``: the key ``kind``
    for event_type in types:
        (spec,) = _spec_or_error(loaded, [event_type], t.field, field_loc)
        if spec.kind == "list":
            raise loaded.error(f"conditions cannot test the list field {spec.name}", *field_loc)
        if t.op in ("lt", "le", "gt", "ge") and spec.kind not in ("int", "date"):
            raise loaded.error(f"'{t.op}' compares numbers or dates, but {spec.name} is {spec.kind}", *loc)
        if t.op == "given":
            continue
        if t.op in FIELD_OPS:
            (other,) = _spec_or_error(loaded, [event_type], t.value, loc)
            if other.kind != spec.kind or (spec.kind == "enum" and not set(spec.values) & set(other.values)):
                raise loaded.error(
                    f"{spec.name} and {other.name} cannot be compared: they never hold the same kind of value", *loc
                )
            continue
        if t.set_name is not None:  # a named set may hold values the field never takes (other_local of outside_bodies)
            if spec.kind != "enum" or not set(t.value) & set(spec.values):
                raise loaded.error(f"no value of the named set {t.set_name!r} is a value of {spec.name}", *loc)
            continue
        for v in t.value if t.op in SET_OPS else (t.value,):
            problem = _value_problem(spec, v)
            if problem:
                raise loaded.error(problem, *loc)


def _condition(loaded: Loaded, data: Any, types: tuple[str, ...], base: Loc) -> Node:
    try:
        node = parse_condition(data, (), sets=SETS)
    except SyntaxProblem as p:
        raise loaded.error(p.message, *base, *p.loc) from None
    for t in leaves(node):
        _check_test(loaded, t, types, base)
    return node


# ----------------------------------------------------------------------------------------------- bodies


def _body(
    loaded: Loaded,
    text: str,
    types: tuple[str, ...],
    loc: Loc,
    *,
    columns: Mapping[str, list[Any]],
    single: bool,
    allow_lead: bool,
) -> Body:
    try:
        body = parse_body(text)
    except SyntaxProblem as p:
        raise loaded.error(p.message, *loc) from None
    _check_body(loaded, body, types, loc, columns=columns, allow_lead=allow_lead, in_office=False)
    if single and not body.single:
        raise loaded.error(f"the lead must be a single body, not {text}", *loc)
    return body


def _check_body(
    loaded: Loaded,
    body: Body,
    types: tuple[str, ...],
    loc: Loc,
    *,
    columns: Mapping[str, list[Any]],
    allow_lead: bool,
    in_office: bool,
) -> None:
    kind = body.kind
    if kind == "office_of":
        assert body.inner is not None
        _check_body(loaded, body.inner, types, loc, columns=columns, allow_lead=allow_lead, in_office=True)
    elif kind == "lead" and not allow_lead:
        raise loaded.error("'lead' cannot name the lead itself", *loc)
    elif kind == "event":
        name = str(body.name)
        for t in types:
            spec = FIELD_SPECS[t].get(name)
            if spec is None:
                raise loaded.error(f"event type {t} has no field {name!r}" + did_you_mean(name, FIELD_SPECS[t]), *loc)
            if not spec.may_be_party:
                raise loaded.error(f"field {name!r} of {t} never names a party", *loc)
    elif kind == "row":
        name = str(body.name)
        if name not in columns:
            hint = did_you_mean(name, columns) if columns else ""
            raise loaded.error(
                f"row.{name}: the rule's table has no column {name!r}{hint}"
                if columns
                else f"row.{name}: the rule has no table",
                *loc,
            )
        for v in columns[name]:
            if not isinstance(v, str) or v not in RECIPIENTS:
                raise loaded.error(
                    f"column {name!r} holds {v!r}, which is not a body" + did_you_mean(v, RECIPIENTS), *loc
                )
            if in_office and v not in PARTIES:
                raise loaded.error(f"office_of() takes a party, and {v!r} is not one", *loc)
    elif kind == "fixed":
        name = str(body.name)
        if name not in RECIPIENTS:
            raise loaded.error(f"unknown body {name!r}" + did_you_mean(name, RECIPIENTS), *loc)
        if in_office and name not in PARTIES:
            raise loaded.error(f"office_of() takes a party, and {name!r} is not one", *loc)


# ----------------------------------------------------------------------------------------------- tables


def _table(
    loaded: Loaded, rule: Rule, types: tuple[str, ...], base: Loc, when: Node | None
) -> tuple[tuple[str, ...], dict[str, Any], tuple[Row, ...]]:
    table = rule.table
    if table is None:
        return (), {}, ()
    tloc = (*base, "table")
    keys = tuple(table.keys)
    if len(set(keys)) != len(keys):
        raise loaded.error("a key is listed twice", *tloc, "keys")
    key_specs: dict[str, list[FieldSpec]] = {}
    for i, k in enumerate(keys):
        specs = _spec_or_error(loaded, types, k, (*tloc, "keys", i))
        for s in specs:
            if s.kind == "list":
                raise loaded.error(f"a table cannot be keyed by the list field {k}", *tloc, "keys", i)
        key_specs[k] = specs
    for k, v in table.if_absent.items():
        if k not in key_specs:
            raise loaded.error(f"{k!r} is not a key of the table" + did_you_mean(k, keys), *tloc, "if_absent", k)
        for s in key_specs[k]:
            if s.required:
                raise loaded.error(f"{k} is required in every event: it is never absent", *tloc, "if_absent", k)
            problem = _value_problem(s, v)
            if problem:
                raise loaded.error(problem, *tloc, "if_absent", k)
    columns: list[str] = [c for c in table.rows[0] if c not in keys]
    rows: list[Row] = []
    seen: dict[tuple[Any, ...], int] = {}
    for r, data in enumerate(table.rows):
        rloc = (*tloc, "rows", r)
        for k in keys:
            if k not in data:
                raise loaded.error(f"row {r + 1} gives no value for the key {k}", *rloc)
            for s in key_specs[k]:
                problem = _value_problem(s, data[k])
                if problem:
                    raise loaded.error(problem, *rloc, k)
        extra = [c for c in data if c not in keys and c not in columns]
        if extra:
            raise loaded.error(f"row {r + 1} has a column {extra[0]!r} the first row lacks", *rloc, extra[0])
        missing = [c for c in columns if c not in data]
        if missing:
            raise loaded.error(f"row {r + 1} gives no value for the column {missing[0]}", *rloc)
        case = tuple(C.const(data[k]) for k in keys)
        if case in seen:
            shown = ", ".join(f"{k}: {_yaml(data[k])}" for k in keys)
            raise loaded.error(f"row {r + 1} repeats the case of row {seen[case] + 1} ({shown})", *rloc)
        seen[case] = r
        for c in columns:
            value = data[c]
            if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
                raise loaded.error(f"{value} is outside the 64-bit integers the engines compare", *rloc, c)
        rows.append(Row(r, {k: data[k] for k in keys}, {c: data[c] for c in columns}))
    _table_complete(loaded, rule, types, tloc, when, keys, seen)
    return keys, dict(table.if_absent), tuple(rows)


def _yaml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, date) else str(value)


def _table_complete(
    loaded: Loaded,
    rule: Rule,
    types: tuple[str, ...],
    tloc: Loc,
    when: Node | None,
    keys: tuple[str, ...],
    seen: Mapping[tuple[Any, ...], int],
) -> None:
    """Where every key has finitely many values, every case the rule's condition admits has a row (an absent key
    with ``if_absent`` counts as that value, one of the cases enumerated).
    """
    for t in types:
        specs = [field_spec(t, k) for k in keys]
        if any(s is None or s.kind not in ("enum", "bool") for s in specs):
            return
        domains = [list(s.values) if s.kind == "enum" else [True, False] for s in specs if s is not None]
        cond = C.conjoin(C.lower(when), _in_force(rule.in_force))
        for combo in itertools.product(*domains):
            if tuple(C.const(v) for v in combo) in seen:
                continue
            fixed = dict(zip(keys, (C.const(v) for v in combo), strict=True))
            if satisfiable(t, [cond], fixed=fixed):
                shown = ", ".join(f"{k}: {_yaml(v)}" for k, v in zip(keys, combo, strict=True))
                raise loaded.error(f"the table has no row for the case {shown} (on a {t} event)", *tloc, "rows")


def row_tests(keys: tuple[str, ...], if_absent: Mapping[str, Any], row: Row, first_index: int) -> tuple[Test, ...]:
    """A row's key values as tests (numbered after the rule's own), an absent key counting as ``if_absent``."""
    out = []
    for i, k in enumerate(keys):
        value = row.keys[k]
        absent = k in if_absent and C.const(if_absent[k]) == C.const(value)
        out.append(Test(first_index + i, k, "eq", value, ("table", "rows", row.index, k), absent))
    return tuple(out)


def _in_force(in_force: InForce | None) -> C.NormalNode | None:
    return None if in_force is None else C.in_force_node(in_force.from_, in_force.until)


def unit_conditions(rule: CheckedRule) -> list[tuple[Row | None, C.NormalNode | None]]:
    """The normal-form condition of each *unit* of a rule: the rule itself, or one per table row."""
    base = C.conjoin(C.lower(rule.when), _in_force(rule.rule.in_force), rule.inherited)
    if not rule.rows:
        return [(None, base)]
    n = sum(1 for _ in leaves(rule.when))
    out: list[tuple[Row | None, C.NormalNode | None]] = []
    for row in rule.rows:
        tests = row_tests(rule.table_keys, rule.if_absent, row, n)
        out.append((row, C.conjoin(base, *(C.lower(t) for t in tests))))
    return out


# ------------------------------------------------------------------------------------------- one article


def _texts(rule: Rule) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = [(("text_vi",), rule.text_vi), (("text_en",), rule.text_en)]
    for j, r in enumerate(rule.responsibilities):
        out += [(("responsibilities", j, "text_vi"), r.text_vi), (("responsibilities", j, "text_en"), r.text_en)]
    for j, w in enumerate(rule.warnings):
        out += [(("warnings", j, "message_vi"), w.message_vi), (("warnings", j, "message_en"), w.message_en)]
    return out


def _check_rule(
    loaded: Loaded, pos: int, rule: Rule, articles: Mapping[int, ArticleFile], seen_ids: dict[str, str]
) -> CheckedRule:
    art: ArticleFile = loaded.model
    base: Loc = ("rules", pos)
    prefix = f"dieu_{art.article:02d}."
    if not rule.id.startswith(prefix):
        raise loaded.error(f"rule id {rule.id!r} must start with {prefix!r} (the article's file)", *base, "id")
    if rule.id in seen_ids:
        raise loaded.error(f"rule id {rule.id!r} is already used in {seen_ids[rule.id]}", *base, "id")
    seen_ids[rule.id] = loaded.path
    written = rule.event if rule.event is not None else art.event
    if written is None:
        raise loaded.error(
            "the rule names no event type: give `event:` here, or once at the top of the file for all its rules",
            *base,
            "id",
        )
    event_loc: Loc = (*base, "event") if rule.event is not None else ("event",)
    named = (written,) if isinstance(written, str) else tuple(written)
    for j, t in enumerate(named):
        if t != ANY_EVENT and t not in EVENT_TYPES:
            loc = event_loc if isinstance(written, str) else (*event_loc, j)
            raise loaded.error(f"unknown event type {t!r}" + did_you_mean(t, EVENT_TYPES), *loc)
    types = tuple(EVENT_TYPES) if ANY_EVENT in named else named
    _check_citation(loaded, articles, art.article, rule.clause, rule.point, *base)
    when = _condition(loaded, rule.when, types, (*base, "when")) if rule.when is not None else None
    keys, if_absent, rows = _table(loaded, rule, types, base, when)
    columns: dict[str, list[Any]] = {c: [r.columns[c] for r in rows] for c in (rows[0].columns if rows else {})}
    used: set[str] = set()
    for loc, text in _texts(rule):
        for m in _PLACEHOLDER.finditer(text):
            name = m.group(1)
            if not rows:
                raise loaded.error(f"{{{name}}} in a text needs a table with that column", *base, *loc)
            if name not in columns and name not in keys:
                raise loaded.error(
                    f"{{{name}}}: the table has no column {name!r}" + did_you_mean(name, columns), *base, *loc
                )
            used.add(name)
    lead = (
        _body(loaded, rule.lead, types, (*base, "lead"), columns=columns, single=True, allow_lead=False)
        if rule.lead is not None
        else None
    )
    lists: dict[str, tuple[Body, ...]] = {}
    for key in ("coordinating", "notified", "advising"):
        lists[key] = tuple(
            _body(loaded, e, types, (*base, key, j), columns=columns, single=False, allow_lead=True)
            for j, e in enumerate(getattr(rule, key))
        )
    duties: list[CheckedDuty] = []
    for j, spec in enumerate(rule.responsibilities):
        dloc = (*base, "responsibilities", j)
        party = _body(loaded, spec.party, types, (*dloc, "party"), columns=columns, single=False, allow_lead=True)
        article = spec.article or art.article
        inherit = spec.article is None and spec.clause is None and spec.point is None
        clause = rule.clause if inherit else spec.clause
        point = rule.point if inherit else spec.point
        _check_citation(loaded, articles, article, clause, point, *dloc)
        if spec.deadline is not None:
            _check_deadline(loaded, spec, types, dloc, columns, used)
        duties.append(CheckedDuty(spec, party, article, clause, point, spec.provenance or rule.provenance))
    for j, a in enumerate(rule.cites):
        if isinstance(a, str):
            _check_cited_field(loaded, a, types, (*base, "cites", j))
        elif a not in articles:
            raise loaded.error(f"article {a} is not in this rule set", *base, "cites", j)
    used |= {b.name for b in _all_bodies(lead, *lists.values(), [d.party for d in duties]) if b.kind == "row"}  # type: ignore[misc]
    for c in columns:
        if c not in used:
            raise loaded.error(f"the table's column {c!r} is not used by the rule", *base, "table", "rows", 0, c)
    return CheckedRule(
        id=rule.id,
        article=art.article,
        chapter=art.chapter,
        path=loaded.path,
        event_types=types,
        rule=rule,
        when=when,
        table_keys=keys,
        if_absent=if_absent,
        rows=rows,
        exception_to=rule.exceptions_to,
        lead=lead,
        coordinating=lists["coordinating"],
        notified=lists["notified"],
        advising=lists["advising"],
        duties=tuple(duties),
        order=(rule.priority if rule.priority is not None else DEFAULT_PRIORITY, art.article, pos),
    )


def _check_cited_field(loaded: Loaded, text: str, types: tuple[str, ...], loc: Loc) -> None:
    """``cites: [event.FIELD]``: a field of every event type of the rule that lists article numbers."""
    name = text[len("event.") :]
    for t in types:
        spec = FIELD_SPECS[t].get(name)
        if spec is None:
            raise loaded.error(f"event type {t} has no field {name!r}" + did_you_mean(name, FIELD_SPECS[t]), *loc)
        if spec.kind != "list":
            raise loaded.error(f"field {name!r} of {t} is not a list of article numbers", *loc)


def _all_bodies(*groups: Body | Iterable[Body] | None) -> Iterable[Body]:
    for g in groups:
        items = [] if g is None else [g] if isinstance(g, Body) else list(g)
        for b in items:
            while b is not None:
                yield b
                b = b.inner  # type: ignore[assignment]


def _check_deadline(
    loaded: Loaded,
    spec: ResponsibilitySpec,
    types: tuple[str, ...],
    dloc: Loc,
    columns: Mapping[str, list[Any]],
    used: set[str],
) -> None:
    dl = spec.deadline
    assert dl is not None
    if isinstance(dl.days, str):
        name = dl.days[len("row.") :]
        if name not in columns:
            raise loaded.error(
                f"{dl.days}: the rule's table has no column {name!r}" + did_you_mean(name, columns)
                if columns
                else f"{dl.days}: the rule has no table",
                *dloc,
                "deadline",
                "days",
            )
        for v in columns[name]:
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 3650:
                raise loaded.error(f"column {name!r} holds {v!r}, not a number of days (0 to 3650)", *dloc, "deadline")
        used.add(name)
    # a deadline counts from a date field of every event type of its rule: a later date of the case (the
    # day a complaint is accepted …) is an optional date field of its event type (quyche/chapters), so
    # every anchor can be given and every due date computed
    anchor = dl.anchor
    for t in types:
        s = field_spec(t, anchor)
        if s is None or s.kind != "date":
            dated = [k for k, x in FIELD_SPECS[t].items() if x.kind == "date"]
            raise loaded.error(
                f"deadline anchor {anchor!r} is not a date field of {t}{did_you_mean(anchor, dated)}; "
                f"date fields of {t}: {', '.join(dated)}, reference_date (a later date of the case is "
                "declared as an optional date field of its event type)",
                *dloc,
                "deadline",
                "anchor",
            )


def _check_standing(loaded: Loaded) -> None:
    art: ArticleFile = loaded.model
    for i, d in enumerate(art.standing_duties):
        if d.party not in RECIPIENTS:
            raise loaded.error(
                f"unknown body {d.party!r}" + did_you_mean(d.party, RECIPIENTS), "standing_duties", i, "party"
            )
        if d.clause is not None:
            _check_citation(loaded, {art.article: art}, art.article, d.clause, None, "standing_duties", i)


# ---------------------------------------------------------------------------------------------- the set


def _validity_rule(loaded: Loaded, validity: Validity) -> CheckedRule:
    from quyche.rules.model import WarningSpec

    art: ArticleFile = loaded.model
    lo, hi = validity.from_.isoformat(), validity.until.isoformat()
    lo_vi, hi_vi = (f"{d.day:02d}/{d.month:02d}/{d.year}" for d in (validity.from_, validity.until))
    rule = Rule.model_validate(
        {
            "id": f"dieu_{art.article:02d}.outside_validity",
            "event": ANY_EVENT,
            "when": {"any": [{C.REFERENCE_DATE: {"lt": validity.from_}}, {C.REFERENCE_DATE: {"gt": validity.until}}]},
            "priority": 0,
            "provenance": validity.provenance.model_dump(exclude_none=True),
            "text_vi": f"Quy chế được áp dụng từ ngày {lo_vi} đến ngày {hi_vi}. {validity.note_vi}",
            "text_en": f"The regulation applies from {lo} to {hi}. {validity.note_en}",
            "warnings": [
                WarningSpec(
                    code="outside_validity",
                    message_vi=f"Ngày làm căn cứ áp dụng nằm ngoài thời gian hiệu lực của Quy chế ({lo_vi} – {hi_vi}).",
                    message_en=f"The reference date is outside the regulation's period of validity ({lo} – {hi}).",
                ).model_dump()
            ],
        }
    )
    when = parse_condition(rule.when, sets=SETS)
    return CheckedRule(
        id=rule.id,
        article=art.article,
        chapter=art.chapter,
        path=loaded.path,
        event_types=tuple(EVENT_TYPES),
        rule=rule,
        when=when,
        table_keys=(),
        if_absent={},
        rows=(),
        exception_to=(),
        lead=None,
        coordinating=(),
        notified=(),
        advising=(),
        duties=(),
        order=(0, art.article, -1),
        generated=True,
    )


def check(src: RuleSource, *, complete: bool = True) -> CheckedRules:
    """Check a rule source (raises RuleFileError on the first problem found). With ``complete=False`` the source
    may hold only some chapters and articles (a test of one article): the outline is not required to be whole,
    but every citation must still name an article the source holds.
    """
    if complete:
        check_outline(src)
    articles = {n: src.articles[n].model for n in sorted(src.articles)}
    seen: dict[str, str] = {}
    rules: list[CheckedRule] = []
    validity: Validity | None = None
    by_path: dict[str, Loaded] = {}
    for number in sorted(src.articles):
        loaded = src.articles[number]
        by_path[loaded.path] = loaded
        _check_clauses(loaded)
        _check_standing(loaded)
        art: ArticleFile = loaded.model
        if art.validity is not None:
            if validity is not None:
                raise loaded.error("the period of validity is already given in another article", "validity")
            validity = art.validity
            rules.append(_validity_rule(loaded, art.validity))
        for pos, rule in enumerate(art.rules):
            rules.append(_check_rule(loaded, pos, rule, articles, seen))
    rules.sort(key=lambda r: r.order)
    by_id = {r.id: r for r in rules}
    _check_exceptions(rules, by_id, by_path)
    rules = _inherit(rules, by_id)
    by_id = {r.id: r for r in rules}
    for r in rules:
        _check_engine_limits(by_path[r.path], r)
    _lead_conflicts(rules, by_id, by_path)
    return CheckedRules(
        chapters={n: src.chapters[n].model for n in sorted(src.chapters)},
        articles=articles,
        rules=tuple(rules),
        validity=validity,
        source=src.root,
        by_id=by_id,
        src=src,
    )


def _rule_loc(r: CheckedRule) -> Loc:
    return ("rules", r.order[2])


def _check_engine_limits(loaded: Loaded, r: CheckedRule) -> None:
    for row, node in unit_conditions(r):
        n = C.composites(node)
        if n > MAX_COMPOSITES:
            where = (*_rule_loc(r), "when") if row is None else (*_rule_loc(r), "table", "rows", row.index)
            raise loaded.error(
                f"condition too complex: {n} all/any groups once normalised, at most {MAX_COMPOSITES} "
                "(a limit of the durable-rules engine); split the rule in two",
                *where,
            )
        for value in C.int_constants(node):
            if not INT64[0] <= value <= INT64[1]:
                raise loaded.error(f"{value} is outside the 64-bit integers the engines compare", *_rule_loc(r), "when")


# ------------------------------------------------------------------------------------------- exceptions


def exception_ancestors(rule_id: str, by_id: Mapping[str, CheckedRule]) -> set[str]:
    """The rules ``rule_id`` is an exception to, directly or through other exceptions."""
    out: set[str] = set()
    stack = list(by_id[rule_id].exception_to)
    while stack:
        x = stack.pop()
        if x not in out and x in by_id:
            out.add(x)
            stack.extend(by_id[x].exception_to)
    return out


def applies_node(rule: CheckedRule) -> C.NormalNode | None:
    """When a rule applies at all: its condition, version dates and inherited condition, and some row."""
    return C.disjoin(*(n for _, n in unit_conditions(rule)))


def _inherit(rules: list[CheckedRule], by_id: dict[str, CheckedRule]) -> list[CheckedRule]:
    """Give each exception the condition of the rules it is an exception to (it applies only within them), the
    rules it depends on first (cycles are refused before).
    """
    done: dict[str, CheckedRule] = {}

    def resolve(rule_id: str) -> CheckedRule:
        if rule_id in done:
            return done[rule_id]
        r = by_id[rule_id]
        if r.exception_to:
            r = replace(r, inherited=C.disjoin(*(applies_node(resolve(t)) for t in r.exception_to)))
        done[rule_id] = r
        return r

    return [resolve(r.id) for r in rules]


def _check_exceptions(rules: list[CheckedRule], by_id: dict[str, CheckedRule], by_path: dict[str, Loaded]) -> None:
    for r in rules:
        if not r.exception_to:
            continue
        loaded = by_path[r.path]
        exc = r.rule.exception_to
        for j, target in enumerate(r.exception_to):
            loc = (*_rule_loc(r), "exception_to") if isinstance(exc, str) else (*_rule_loc(r), "exception_to", j)
            if target == r.id:
                raise loaded.error("a rule cannot be an exception to itself", *loc)
            if target not in by_id:
                raise loaded.error(f"no rule {target!r} to be an exception to" + did_you_mean(target, by_id), *loc)
            other = by_id[target]
            if r.id in exception_ancestors(target, by_id):
                raise loaded.error(f"{r.id} and {target} are exceptions to each other (a cycle)", *loc)
            outside = [t for t in r.event_types if t not in other.event_types]
            if outside:
                raise loaded.error(
                    f"{r.id} cannot override {target} on {', '.join(outside[:3])} events: {target} does not "
                    "apply to them (an exception applies only within the rule it overrides)",
                    *loc,
                )
            mine = [n for _, n in unit_conditions(r)]
            theirs = [n for _, n in unit_conditions(other)]
            if not any(satisfiable(t, [a, b]) for t in r.event_types for a in mine for b in theirs):
                raise loaded.error(
                    f"{r.id} can never override {target}: no event meets both conditions "
                    "(an exception must apply to some of the cases of the rule it overrides)",
                    *loc,
                )


# ----------------------------------------------------------------------------------- conflicting leads


@dataclass(frozen=True)
class _Leader:
    rule: CheckedRule
    row: Row | None
    lead: str  # the lead expression with the row's column resolved
    node: C.NormalNode | None
    fixed: dict[str, frozenset[Any]]


def _fixed_values(node: C.NormalNode | None) -> dict[str, frozenset[Any]]:
    """Fields the condition's top-level conjunction restricts to a few values (``eq``, or ``any`` of them)."""
    if node is None:
        return {}
    parts = node["all"] if "all" in node else [node]
    out: dict[str, frozenset[Any]] = {}
    for p in parts:
        if p.get("op") == "eq" and "value" in p:
            values: frozenset[Any] = frozenset([p["value"]])
            name = p["field"]
        elif "any" in p and all(q.get("op") == "eq" and "value" in q for q in p["any"]):
            names = {q["field"] for q in p["any"]}
            if len(names) != 1:
                continue
            name = names.pop()
            values = frozenset(q["value"] for q in p["any"])
        else:
            continue
        out[name] = out[name] & values if name in out else values
    return out


def _lead_text(r: CheckedRule, row: Row | None) -> str:
    assert r.lead is not None
    if r.lead.kind == "row" and row is not None:
        return str(row.columns[str(r.lead.name)])
    return str(r.lead)


def _lead_conflicts(rules: list[CheckedRule], by_id: dict[str, CheckedRule], by_path: dict[str, Loaded]) -> None:
    """Two rules of one event type that can apply together, name different leads and have the same priority,
    with neither an exception to the other, are an error: the regulation would not say who chairs.

    Candidate pairs are found by bucketing on a field the conditions fix (say ``year: 2024``), so thousands of
    rules that each fix a different value are checked in near-linear time; each remaining pair is decided
    exactly by :func:`satisfiable`.
    """
    ancestors = {r.id: exception_ancestors(r.id, by_id) for r in rules if r.exception_to}
    for event_type in EVENT_TYPES:
        leaders = [
            _Leader(r, row, _lead_text(r, row), node, _fixed_values(node))
            for r in rules
            if event_type in r.event_types and r.lead is not None
            for row, node in unit_conditions(r)
        ]
        if len(leaders) < 2:
            continue
        counts: dict[str, int] = {}
        for ld in leaders:
            for f in ld.fixed:
                counts[f] = counts.get(f, 0) + 1
        key = max(counts, key=lambda f: (counts[f], f)) if counts else None
        buckets: dict[Any, list[int]] = {}
        loose: list[int] = []
        for i, ld in enumerate(leaders):
            if key is not None and key in ld.fixed:
                for v in ld.fixed[key]:
                    buckets.setdefault(v, []).append(i)
            else:
                loose.append(i)
        pairs: set[tuple[int, int]] = set()
        for members in [*buckets.values(), list(range(len(leaders))) if not buckets else []]:
            pairs.update(itertools.combinations(sorted(set(members)), 2))
        for i in loose:
            pairs.update((min(i, j), max(i, j)) for j in range(len(leaders)) if j != i)
        for i, j in sorted(pairs):
            a, b = leaders[i], leaders[j]
            if a.lead == b.lead or a.rule.order[0] != b.rule.order[0] or a.rule.id == b.rule.id:
                continue
            if b.rule.id in ancestors.get(a.rule.id, ()) or a.rule.id in ancestors.get(b.rule.id, ()):
                continue
            if any(f in b.fixed and not (a.fixed[f] & b.fixed[f]) for f in a.fixed):
                continue
            if satisfiable(event_type, [a.node, b.node]):
                first, second = (a, b) if a.rule.order <= b.rule.order else (b, a)
                raise by_path[second.rule.path].error(
                    f"rules {first.rule.id!r} (lead {first.lead}) and {second.rule.id!r} (lead {second.lead}) can "
                    f"both apply to a {event_type} event: give them different priorities, exclusive conditions, "
                    "or make one an exception to the other",
                    *_rule_loc(second.rule),
                    "lead",
                )


# ---------------------------------------------------------------------------------------- satisfiability


def _candidates(spec: FieldSpec, consts: set[Any]) -> list[Any]:
    values: list[Any] = [C.MISSING] if not spec.required else []
    if spec.kind == "enum":
        return values + [C.const(v) for v in spec.values]
    if spec.kind == "bool":
        return values + [True, False]
    if spec.kind in ("int", "date"):
        points: set[int] = set()
        for c in consts:
            if isinstance(c, int) and not isinstance(c, bool):
                points |= {c - 1, c, c + 1}
        return values + sorted(points or {0})
    return values + sorted({*(c for c in consts if isinstance(c, str)), "\x00other", "\x00other2"}, key=str)


def satisfiable(
    event_type: str, nodes: Iterable[C.NormalNode | None], *, fixed: Mapping[str, Any] | None = None
) -> bool:
    """Is there an event of ``event_type`` (with the ``fixed`` field values) on which every node holds?

    Exact for this language: a field's candidate values are its enumeration (and absence, when optional), or for
    numbers and dates the constants compared with and their neighbours. Beyond 200,000 combinations it answers
    True (it cannot prove otherwise).
    """
    nodes = [n for n in nodes]
    fixed = dict(fixed or {})
    names = sorted(set().union(*(C.fields_of(n) for n in nodes)) - set(fixed))
    consts: dict[str, set[Any]] = {f: set() for f in names}
    for f in names:
        for n in nodes:
            consts[f] |= C.constants_of(n, f)
    # a field compared with another shares its constants, so "equal" and "different" are both reachable
    for n in nodes:
        for a, b in _refs(n):
            if a in consts and b in consts:
                both = consts[a] | consts[b]
                consts[a], consts[b] = set(both), set(both)
    domains = []
    total = 1
    for f in names:
        spec = field_spec(event_type, f)
        if spec is None:  # pragma: no cover - checked before
            return True
        d = _candidates(spec, consts[f])
        domains.append(d)
        total *= max(len(d), 1)
    if total > _MAX_COMBINATIONS:
        return True
    for combo in itertools.product(*domains):
        fact = {f: v for f, v in zip(names, combo, strict=True) if v is not C.MISSING}
        fact.update({f: v for f, v in fixed.items() if v is not C.MISSING})
        if all(C.holds(n, fact) for n in nodes):
            return True
    return False


def _refs(node: C.NormalNode | None) -> Iterable[tuple[str, str]]:
    if node is None:
        return
    if "all" in node or "any" in node:
        for n in _children_of(node):
            yield from _refs(n)
    elif "ref" in node:
        yield node["field"], node["ref"]


def used_fields(rule: CheckedRule) -> set[str]:
    """Every event field a rule's condition and table read."""
    return condition_fields(rule.when) | set(rule.table_keys)


def _children_of(node: C.NormalNode) -> list[C.NormalNode]:
    children: list[C.NormalNode] = node["all"] if "all" in node else node["any"]
    return children
