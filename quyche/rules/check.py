"""Load-time checks: the outline, cross-references, typed conditions and conflicting leads.

Each failure is a :class:`~quyche.errors.RuleFileError` with the file and the line of the offending
value, and a "did you mean …?" suggestion where a name is close to a known one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from quyche.chapters.chuong_1 import PARTIES, RECIPIENTS
from quyche.errors import did_you_mean
from quyche.events import EVENT_TYPES, FIELD_SPECS, FieldSpec
from quyche.rules import conditions as C
from quyche.rules.loader import Loaded, RuleSource
from quyche.rules.model import AllOf, AnyOf, ArticleFile, Leaf, NotOf, Rule

N_CHAPTERS = 7
N_ARTICLES = 23
ANY_EVENT = "any"
#: A field every event has for conditions: the date the decision is made for (``as_of`` or ``date``).
REFERENCE_DATE = FieldSpec("reference_date", "date")
_BODY = re.compile(r"^(?:office_of\((?P<inner>[a-z0-9_.]+)\)|(?P<plain>[a-z0-9_.]+))$")
_MAX_COMBINATIONS = 200_000


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
                f"article {art} says chapter {loaded.model.chapter} but chuong_{owner[art]}.yaml lists it",
                "chapter",
            )


def _folder_error(src: RuleSource, message: str) -> Any:
    from quyche.errors import RuleFileError

    return RuleFileError(src.root, None, message)


def rule_event_types(rule: Rule) -> tuple[str, ...]:
    """The event types a rule applies to, ``any`` expanded to all of them."""
    types = rule.event_types
    return tuple(EVENT_TYPES) if ANY_EVENT in types else types


def field_spec(event_type: str, name: str) -> FieldSpec | None:
    """The spec of a condition field on an event type (``reference_date`` exists on all)."""
    if name == "reference_date":
        return REFERENCE_DATE
    return FIELD_SPECS[event_type].get(name)


def _walk(cond: Any, loc: tuple[int | str, ...]) -> Iterator[tuple[Leaf, tuple[int | str, ...]]]:
    if isinstance(cond, Leaf):
        yield cond, loc
    elif isinstance(cond, AllOf):
        for i, c in enumerate(cond.all):
            yield from _walk(c, (*loc, "all", i))
    elif isinstance(cond, AnyOf):
        for i, c in enumerate(cond.any):
            yield from _walk(c, (*loc, "any", i))
    elif isinstance(cond, NotOf):
        yield from _walk(cond.not_, (*loc, "not"))


def _check_value(spec: FieldSpec, op: str, value: Any) -> str | None:
    values = value if op in ("in", "not_in") else [value]
    if op == "exists":
        return None if isinstance(value, bool) else "exists takes true or false"
    if op in ("lt", "le", "gt", "ge") and spec.kind not in ("int", "date"):
        return f"'{op}' compares numbers or dates, but {spec.name} is {spec.kind}"
    for v in values:
        if spec.kind == "enum":
            if v not in spec.values or isinstance(v, bool) != any(isinstance(x, bool) for x in spec.values):
                return f"{v!r} is not a value of {spec.name}; accepted: {', '.join(map(str, spec.values))}" + (
                    did_you_mean(str(v), map(str, spec.values))
                )
        elif spec.kind == "int" and (not isinstance(v, int) or isinstance(v, bool)):
            return f"{spec.name} is a whole number, got {v!r}"
        elif spec.kind == "bool" and not isinstance(v, bool):
            return f"{spec.name} is true or false, got {v!r}"
        elif spec.kind == "date" and not isinstance(v, date):
            return f"{spec.name} is a date (YYYY-MM-DD), got {v!r}"
        elif spec.kind == "str" and not isinstance(v, str):
            return f"{spec.name} is text, got {v!r}"
        elif spec.kind == "list":
            return f"conditions cannot test the list field {spec.name}"
    return None


def _check_body(
    loaded: Loaded, expr: str, types: tuple[str, ...], loc: tuple[int | str, ...], *, single: bool, allow_lead: bool
) -> None:
    m = _BODY.fullmatch(expr)
    if not m:
        raise loaded.error(
            f"{expr!r} is not a body: use an identifier, event.FIELD, lead, all_parties, other_parties or office_of(X)",
            *loc,
        )
    inner = m.group("inner") or m.group("plain")
    if m.group("inner") and inner in ("all_parties", "other_parties") and single:
        raise loaded.error("the lead must be a single body", *loc)
    if inner in ("all_parties", "other_parties"):
        if single:
            raise loaded.error(f"the lead must be a single body, not {inner}", *loc)
        return
    if inner == "lead":
        if not allow_lead:
            raise loaded.error("'lead' cannot name the lead itself", *loc)
        return
    if inner.startswith("event."):
        name = inner[len("event.") :]
        for t in types:
            spec = FIELD_SPECS[t].get(name)
            if spec is None:
                raise loaded.error(f"event type {t} has no field {name!r}" + did_you_mean(name, FIELD_SPECS[t]), *loc)
            if not spec.may_be_party:
                raise loaded.error(f"field {name!r} of {t} never names a party", *loc)
        return
    if inner not in RECIPIENTS:
        raise loaded.error(f"unknown body {inner!r}" + did_you_mean(inner, RECIPIENTS), *loc)
    if m.group("inner") and inner not in PARTIES:
        raise loaded.error(f"office_of() takes a party, and {inner!r} is not one", *loc)


def check_article(loaded: Loaded, seen_ids: dict[str, str]) -> None:
    """Check every rule of one article file against the event vocabulary and the identifiers."""
    art: ArticleFile = loaded.model
    prefix = f"dieu_{art.article:02d}."
    for i, rule in enumerate(art.rules):
        base: tuple[int | str, ...] = ("rules", i)
        if not rule.id.startswith(prefix):
            raise loaded.error(f"rule id {rule.id!r} must start with {prefix!r} (the article's file)", *base, "id")
        if rule.id in seen_ids:
            raise loaded.error(f"rule id {rule.id!r} is already used in {seen_ids[rule.id]}", *base, "id")
        seen_ids[rule.id] = loaded.path
        for j, t in enumerate(rule.event_types):
            if t != ANY_EVENT and t not in EVENT_TYPES:
                loc = (*base, "event") if isinstance(rule.event, str) else (*base, "event", j)
                raise loaded.error(f"unknown event type {t!r}" + did_you_mean(t, EVENT_TYPES), *loc)
        types = rule_event_types(rule)
        if rule.when is not None:
            for leaf, loc in _walk(rule.when, (*base, "when")):
                for t in types:
                    spec = field_spec(t, leaf.field)
                    if spec is None:
                        known = [*FIELD_SPECS[t], "reference_date"]
                        raise loaded.error(
                            f"event type {t} has no field {leaf.field!r}" + did_you_mean(leaf.field, known),
                            *loc,
                            "field",
                        )
                    problem = _check_value(spec, leaf.op, leaf.value)
                    if problem:
                        raise loaded.error(problem, *loc, "in" if leaf.op == "in" else leaf.op)
        if rule.lead is not None:
            _check_body(loaded, rule.lead, types, (*base, "lead"), single=True, allow_lead=False)
        for key in ("coordinating", "notified", "advising"):
            for j, expr in enumerate(getattr(rule, key)):
                _check_body(loaded, expr, types, (*base, key, j), single=False, allow_lead=True)
        for j, resp in enumerate(rule.responsibilities):
            _check_body(
                loaded, resp.party, types, (*base, "responsibilities", j, "party"), single=False, allow_lead=True
            )
            if resp.deadline is not None:
                _check_anchor(loaded, resp.deadline.anchor, types, (*base, "responsibilities", j, "deadline", "anchor"))


def _check_anchor(loaded: Loaded, anchor: str, types: tuple[str, ...], loc: tuple[int | str, ...]) -> None:
    """A deadline counts from a date field of every event type of its rule (contract §3, "Later dates").

    A later date the event does not yet give (the day a complaint is accepted …) is an optional date
    field of the event type (``quyche/chapters``), so every anchor can be given and every due computed.
    """
    for t in types:
        spec = field_spec(t, anchor)
        if spec is None or spec.kind != "date":
            dated = [k for k, s in FIELD_SPECS[t].items() if s.kind == "date"]
            raise loaded.error(
                f"deadline anchor {anchor!r} is not a date field of {t}{did_you_mean(anchor, dated)}; "
                f"date fields of {t}: {', '.join(dated)}, reference_date (a later date of the case is "
                "declared as an optional date field of its event type)",
                *loc,
            )


# ---------------------------------------------------------------------------------------------
# Conflicting leads: two rules that can fire on the same event and name different leads, with no
# priority between them, are an error — the regulation would not say who chairs.


def _candidates(spec: FieldSpec, consts: set[Any]) -> list[Any]:
    values: list[Any] = [C.MISSING] if not spec.required else []
    if spec.kind == "enum":
        return values + [C.const(v) for v in spec.values]
    if spec.kind == "bool":
        return values + [True, False]
    if spec.kind in ("int", "date"):
        points: set[int] = set()
        for c in consts:
            points |= {c - 1, c, c + 1}
        return values + sorted(points or {0})
    return values + sorted({*consts, "\x00other"}, key=str)


def can_fire_together(event_type: str, a: C.Node | None, b: C.Node | None) -> bool:
    """Is there an event of ``event_type`` on which both conditions hold? (Exact for this language.)"""
    fields = sorted(C.fields_of(a) | C.fields_of(b))
    domains = []
    for f in fields:
        spec = field_spec(event_type, f)
        if spec is None:  # pragma: no cover - checked before
            return True
        domains.append(_candidates(spec, C.constants_of(a, f) | C.constants_of(b, f)))
    total = 1
    for d in domains:
        total *= max(len(d), 1)
    if total > _MAX_COMBINATIONS:
        return True  # too many to enumerate: be conservative
    for combo in itertools.product(*domains):
        fact = {f: v for f, v in zip(fields, combo, strict=True) if v is not C.MISSING}
        if C.holds(a, fact) and C.holds(b, fact):
            return True
    return False
