"""Hypothesis strategies for property-based compliance tests of the regulation.

A program that acts on the regulation (a case-management system, a workflow engine, a report
generator) can state "we follow the regulation" as properties and check them against generated
events::

    from hypothesis import given
    import quyche
    from quyche.testing import events

    reg = quyche.load()

    @given(events(type="petition_received"))
    def test_we_route_petitions_to_the_lead(event):
        decision = reg.evaluate(event)
        assert my_system.route(event) == decision.lead

Every strategy is derived from the event models (``quyche.events``) and the condition language of
the rule files, so a new event type or field is generated without changing this module.

* :data:`PARTIES`, :data:`OFFICES`, :data:`RECIPIENTS` — the identifiers as tuples of strings: the four
  parties, the three offices, and every body a decision may name (what :func:`parties`,
  :func:`offices` and :func:`recipients` draw from), for parametrised tests.
* :func:`events` — valid events of every type (docs/reference.md §3), optional fields present and absent,
  ``id`` and ``date`` sometimes; :func:`event_types`, :func:`parties`, :func:`dates` are its parts.
* :func:`invalid_events` and :func:`invalid_event_cases` — events the library must reject with
  :class:`~quyche.errors.InvalidEvent`, one kind of defect at a time (:data:`INVALID_KINDS`).
* :func:`decisions` — the decisions a regulation gives for generated events.
* :func:`json_values` — any JSON value, for junk-input tests.
* :func:`conditions` and :func:`rule_sets` — conditions and rules of the rule-file language
  (``docs/architecture.md``), typed against the event models, for testing rule tooling and engines.
* :func:`hang_guard` — make a hang fail a test instead of stalling the test run.

``hypothesis`` is a development dependency: import this module from tests only. Nothing in
``quyche`` itself imports it, and importing it has no side effects.
"""

from __future__ import annotations

import faulthandler
import signal
import string
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from hypothesis import strategies as st
from pydantic.fields import FieldInfo

from quyche.chapters.chuong_1 import OFFICES, PARTIES, RECIPIENTS, SETS
from quyche.decision import Decision
from quyche.events import EVENT_TYPES, FIELD_SPECS, LATER_DATES, FieldSpec

__all__ = [
    "INVALID_KINDS",
    "MAX_DATE",
    "MIN_DATE",
    "OFFICES",
    "PARTIES",
    "RECIPIENTS",
    "HangError",
    "InvalidCase",
    "InvalidKind",
    "conditions",
    "dates",
    "decisions",
    "event_types",
    "event_mix",
    "events",
    "hang_guard",
    "invalid_event_cases",
    "invalid_events",
    "json_values",
    "later_dates_in_order",
    "offices",
    "parties",
    "recipients",
    "rule_sets",
]

#: The first and last day :func:`dates` draws from by default: the regulation's term (2021–2026) with
#: two years' margin on each side, so that the period of validity is crossed both ways.
MIN_DATE = date(2019, 1, 1)
MAX_DATE = date(2028, 12, 31)

InvalidKind = Literal[
    "unknown_type",
    "missing_field",
    "unknown_field",
    "wrong_enum",
    "wrong_type",
    "out_of_range",
    "bad_date",
    "not_mapping",
]
#: Every kind of defect :func:`invalid_event_cases` generates.
INVALID_KINDS: tuple[InvalidKind, ...] = get_args(InvalidKind)

S = st.SearchStrategy


# --------------------------------------------------------------------------------------------------
# Identifiers and dates


def parties() -> S[str]:
    """One of the four parties (docs/reference.md): ``doan_dbqh``, ``tt_hdnd``, ``ubnd``, ``btt_ubmttq``."""
    return st.sampled_from(PARTIES)


def offices() -> S[str]:
    """One of the three offices that advise the parties (Điều 18)."""
    return st.sampled_from(OFFICES)


def recipients() -> S[str]:
    """Any body a decision may name: a party, an office or another recipient (reference §2)."""
    return st.sampled_from(RECIPIENTS)


def event_types() -> S[str]:
    """The ``type`` of an event (reference §3)."""
    return st.sampled_from(sorted(EVENT_TYPES))


@lru_cache(maxsize=1)
def _bundled_validity() -> tuple[date, date] | None:
    from quyche.regulation import load  # local: reads the rule files only when a strategy asks

    with load(engine="python") as reg:
        return reg.validity


def _default_pivots() -> tuple[date, ...]:
    validity = _bundled_validity()
    return tuple(validity) if validity else ()


def dates(min_value: date = MIN_DATE, max_value: date = MAX_DATE, *, pivots: Sequence[date] | None = None) -> S[date]:
    """Dates from ``min_value`` to ``max_value``, with extra weight on the day before, of and after each
    pivot. The default pivots are the first and last day of the bundled regulation's period of validity
    (``rules/dieu_23.yaml``), so that both boundaries are exercised.
    """
    chosen = _default_pivots() if pivots is None else tuple(pivots)
    near = sorted(
        {p + timedelta(days=k) for p in chosen for k in (-1, 0, 1) if min_value <= p + timedelta(days=k) <= max_value}
    )
    uniform = st.dates(min_value=min_value, max_value=max_value)
    return st.one_of(uniform, st.sampled_from(near)) if near else uniform


# --------------------------------------------------------------------------------------------------
# Valid events, derived from the pydantic models


@dataclass(frozen=True)
class _Bounds:
    ge: int | None = None
    le: int | None = None
    min_length: int | None = None
    max_length: int | None = None

    def merge(self, meta: Sequence[Any]) -> _Bounds:
        out = dict(self.__dict__)
        for m in meta:
            if isinstance(m, FieldInfo):
                return self.merge(m.metadata)
            if isinstance(m, annotated_types.Ge):
                out["ge"] = int(m.ge)  # type: ignore[call-overload]
            elif isinstance(m, annotated_types.Gt):
                out["ge"] = int(m.gt) + 1  # type: ignore[call-overload]
            elif isinstance(m, annotated_types.Le):
                out["le"] = int(m.le)  # type: ignore[call-overload]
            elif isinstance(m, annotated_types.Lt):
                out["le"] = int(m.lt) - 1  # type: ignore[call-overload]
            elif isinstance(m, annotated_types.MinLen):
                out["min_length"] = m.min_length
            elif isinstance(m, annotated_types.MaxLen):
                out["max_length"] = m.max_length
        return _Bounds(**out)


def _iso(strategy: S[date]) -> S[str]:
    return strategy.map(date.isoformat)


def _value_strategy(annotation: Any, dated: S[date], bounds: _Bounds = _Bounds()) -> S[Any]:
    """A strategy of JSON-ready values accepted by ``annotation`` (dates as ISO strings)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *meta = get_args(annotation)
        return _value_strategy(base, dated, bounds.merge(meta))
    if origin is Union or origin is types.UnionType:
        members = [a for a in get_args(annotation) if a is not type(None)]
        return st.one_of([_value_strategy(a, dated, bounds) for a in members])
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin is list:
        (item,) = get_args(annotation)
        return st.lists(
            _value_strategy(item, dated), min_size=bounds.min_length or 0, max_size=min(bounds.max_length or 5, 5)
        )
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        lo = bounds.ge if bounds.ge is not None else -(10**6)
        hi = bounds.le if bounds.le is not None else 10**6
        plausible = st.integers(max(lo, MIN_DATE.year), min(hi, MAX_DATE.year))  # e.g. a review year
        return (
            st.one_of(plausible, st.integers(lo, hi))
            if max(lo, MIN_DATE.year) <= min(hi, MAX_DATE.year)
            else (st.integers(lo, hi))
        )
    if annotation is date:
        return _iso(dated)
    if annotation is str:
        return st.text(min_size=bounds.min_length or 0, max_size=min(bounds.max_length or 30, 30))
    raise TypeError(f"quyche.testing cannot generate values of {annotation!r}")  # pragma: no cover


def _event_strategy(event_type: str, dated: S[date]) -> S[dict[str, Any]]:
    model = EVENT_TYPES[event_type]
    required: dict[str, S[Any]] = {"type": st.just(event_type)}
    optional: dict[str, S[Any]] = {}
    for name, info in model.model_fields.items():
        if name == "type":
            continue
        strategy = _value_strategy(info.annotation, dated, _Bounds().merge(info.metadata))
        (required if info.is_required() else optional)[name] = strategy
    drawn = st.fixed_dictionaries(required, optional=optional)
    return drawn.map(later_dates_in_order) if LATER_DATES[event_type] else drawn


def later_dates_in_order(event: dict[str, Any]) -> dict[str, Any]:
    """Make an event whose dates were drawn independently valid: move each later date (docs/reference.md §3,
    "Later dates") to the latest of itself and the dates it may not precede (``date`` …), in place, and
    return the event. Equal dates — the boundary — are then common. For generators of test events.
    """
    for name, after in LATER_DATES[str(event["type"])].items():
        if name in event:
            event[name] = max([event[name], *(event[a] for a in after if a in event)])  # ISO strings sort as dates
    return event


def events(
    type: str | None = None,
    *,
    min_date: date = MIN_DATE,
    max_date: date = MAX_DATE,
    pivots: Sequence[date] | None = None,
) -> S[dict[str, Any]]:
    """Valid events (reference §3) as JSON-ready mappings, every field derived from the event models.

    Required fields are always present; optional ones (``id``, ``date`` and each type's own) are present
    or absent independently. Dates are ISO strings between ``min_date`` and ``max_date``, weighted
    towards ``pivots`` (see :func:`dates`). ``type`` restricts to one event type.
    """
    if type is not None and type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}; accepted: {', '.join(sorted(EVENT_TYPES))}")
    dated = dates(min_date, max_date, pivots=pivots)
    if type is not None:
        return _event_strategy(type, dated)
    return st.one_of([_event_strategy(t, dated) for t in sorted(EVENT_TYPES)])


def decisions(regulation: Any = None, type: str | None = None, *, as_of: S[date | None] | None = None) -> S[Decision]:
    """The decisions ``regulation`` (default: the bundled rules on the python engine) gives for
    :func:`events` of ``type``, evaluated with a reference date drawn from ``as_of`` (default: the
    event's own date).
    """
    if regulation is None:
        from quyche.regulation import load

        regulation = load(engine="python")
    reg = regulation
    ref = as_of if as_of is not None else st.none()
    return st.tuples(events(type), ref).map(lambda pair: reg.evaluate(pair[0], as_of=pair[1]))


# --------------------------------------------------------------------------------------------------
# Invalid events


@dataclass(frozen=True)
class InvalidCase:
    """An invalid event with the defect it carries: ``field`` is the key the error must name (``""``
    for a value that is not a mapping at all).
    """

    kind: InvalidKind
    field: str
    event: Any


def _not_in(values: Sequence[Any]) -> Callable[[Any], bool]:
    return lambda v: v not in values


_NEAR_MISSES: Callable[[str], list[str]] = lambda v: [v.upper(), v.title(), f" {v}", f"{v} ", v.replace("_", "-")]  # noqa: E731


def _wrong_enum(spec: FieldSpec) -> S[Any]:
    """A value of the right type that the enumeration does not accept (reference §3: exact lowercase)."""
    if all(isinstance(v, int) and not isinstance(v, bool) for v in spec.values):
        return st.integers(-1000, 1000).filter(_not_in(spec.values))
    strs = [v for v in spec.values if isinstance(v, str)]
    misses = sorted({m for v in strs for m in _NEAR_MISSES(v)} - set(spec.values))
    return st.one_of(st.sampled_from(misses), st.text(max_size=20).filter(_not_in(spec.values)))


def _wrong_type(spec: FieldSpec) -> S[Any]:
    """A value of a JSON type the field never accepts (no coercion: ``"1"`` is not 1, ``1`` not true)."""
    scalars: dict[str, S[Any]] = {
        "text": st.text(max_size=10),
        "int": st.integers(-5, 3000),
        "float": st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
        "bool": st.booleans(),
        "list": st.lists(st.integers(1, 23), min_size=1, max_size=2),
        "dict": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    }
    if spec.required:
        scalars["null"] = st.none()
    wrong = {
        "enum": ("bool", "list", "dict", "float")
        + (("text",) if all(isinstance(v, int) for v in spec.values) else ("int",)),
        "int": ("text", "float", "bool", "list", "dict"),
        "bool": ("text", "int", "float", "list", "dict"),
        "str": ("int", "float", "bool", "list", "dict"),
        "list": ("text", "int", "bool", "dict"),
        "date": ("int", "float", "bool", "list", "dict"),
    }[spec.kind]
    return st.one_of([scalars[k] for k in wrong if k in scalars])


_BAD_DATES = st.one_of(
    st.sampled_from(
        [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-5",
            "24-01-05",
            "2024/01/05",
            "05/01/2024",
            "2024-01-05T00:00:00",
            "2024-01-05 ",
            "",
            "today",
            "2024-W01-1",
            "20240105",
        ]
    ),
    st.integers(19000101, 20991231),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
)


def _mutations(event_type: str, base: dict[str, Any], kind: InvalidKind) -> list[tuple[str, S[Any]]]:
    """The (field, strategy of the broken event) pairs of one kind for one valid event."""
    specs = FIELD_SPECS[event_type]
    out: list[tuple[str, S[Any]]] = []

    def put(field: str, values: S[Any]) -> tuple[str, S[Any]]:
        return field, values.map(lambda v: {**base, field: v})

    if kind == "unknown_type":
        bad = st.one_of(
            st.sampled_from(sorted({m for t in EVENT_TYPES for m in _NEAR_MISSES(t)} - set(EVENT_TYPES))),
            st.text(max_size=25).filter(_not_in(list(EVENT_TYPES))),
            st.integers(),
            st.none(),
            st.lists(st.sampled_from(sorted(EVENT_TYPES)), min_size=1, max_size=2),
        )
        out.append(put("type", bad))
    elif kind == "missing_field":
        for name in ["type", *(n for n, s in specs.items() if s.required)]:
            out.append((name, st.just({k: v for k, v in base.items() if k != name})))
    elif kind == "unknown_field":
        known = set(specs) | {"type"}
        key = st.one_of(
            st.sampled_from(["colour", "Type", "received", "lead", "__ev", "reference_date", "dates", "ID"]),
            st.text(min_size=1, max_size=12),
        ).filter(_not_in(sorted(known)))
        out.append(("", st.tuples(key, json_values(max_leaves=3)).map(lambda kv: {**base, kv[0]: kv[1]})))
    elif kind == "wrong_enum":
        out += [put(n, _wrong_enum(s)) for n, s in specs.items() if s.kind == "enum"]
    elif kind == "wrong_type":
        out += [put(n, _wrong_type(s)) for n, s in specs.items()]
    elif kind == "out_of_range":
        for name, info in EVENT_TYPES[event_type].model_fields.items():
            spec = specs.get(name)
            if spec is None or spec.kind not in ("int", "list"):
                continue
            if spec.kind == "int":
                b = _Bounds().merge(info.metadata)
                too_far: S[Any] = st.nothing()
                if b.ge is not None:
                    too_far = too_far | st.integers(max_value=b.ge - 1)
                if b.le is not None:
                    too_far = too_far | st.integers(min_value=b.le + 1)
                out.append(put(name, too_far))
            else:  # a list of article numbers: an item outside 1..23
                out.append(
                    put(
                        name,
                        st.one_of(
                            st.lists(st.integers(1, 23), max_size=3).flatmap(
                                lambda xs: st.sampled_from([0, -1, 24, 100]).map(lambda x: [*xs, x])
                            ),
                        ),
                    )
                )
    elif kind == "bad_date":
        out += [put(n, _BAD_DATES) for n, s in specs.items() if s.kind == "date"]
    elif kind == "not_mapping":
        out.append(("", json_values().filter(lambda v: not isinstance(v, dict)) | st.just([("type", event_type)])))
    return out


def _case(kind: InvalidKind, field: str, base: dict[str, Any]) -> Callable[[Any], InvalidCase]:
    def make(event: Any) -> InvalidCase:
        if kind == "unknown_field":  # the field is the key that was added
            return InvalidCase(kind, str(next(k for k in event if k not in base)), event)
        return InvalidCase(kind, field, event)

    return make


def _cases_for(event_type: str, base: dict[str, Any], kinds: Sequence[InvalidKind]) -> S[InvalidCase]:
    options = [
        broken.map(_case(kind, field, base)) for kind in kinds for field, broken in _mutations(event_type, base, kind)
    ]
    return st.one_of(options) if options else st.nothing()


def invalid_event_cases(kind: InvalidKind | None = None, type: str | None = None) -> S[InvalidCase]:
    """Invalid events, each a valid event of ``type`` (default: any) with one defect of ``kind``
    (default: any of :data:`INVALID_KINDS`), as an :class:`InvalidCase` naming the offending field.
    """
    if kind is not None and kind not in INVALID_KINDS:
        raise ValueError(f"unknown kind {kind!r}; accepted: {', '.join(INVALID_KINDS)}")
    kinds: tuple[InvalidKind, ...] = (kind,) if kind is not None else INVALID_KINDS
    types_ = [type] if type is not None else sorted(EVENT_TYPES)
    return st.sampled_from(types_).flatmap(lambda t: events(t).flatmap(lambda base: _cases_for(t, base, kinds)))


def invalid_events(kind: InvalidKind | None = None, type: str | None = None) -> S[Any]:
    """Invalid events (see :func:`invalid_event_cases`) as the raw values a caller would pass."""
    return invalid_event_cases(kind, type).map(lambda case: case.event)


# --------------------------------------------------------------------------------------------------
# JSON values


def json_values(*, max_leaves: int = 20, max_text: int = 50) -> S[Any]:
    """Any JSON value: null, booleans, numbers (finite), text, and lists and objects of them."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=max_text),
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
        max_leaves=max_leaves,
    )


# --------------------------------------------------------------------------------------------------
# The condition language of the rule files


def _leaf_values(spec: FieldSpec, dated: S[date]) -> S[Any] | None:
    if spec.kind == "enum":
        return st.sampled_from(spec.values)
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "int":
        return st.integers(MIN_DATE.year, MAX_DATE.year)
    if spec.kind == "date":
        return dated
    if spec.kind == "str":
        return st.text(alphabet=string.ascii_lowercase + "_ đê", min_size=1, max_size=4)
    return None  # lists cannot be tested by a condition


def _compatible(a: FieldSpec, b: FieldSpec) -> bool:
    """Two fields a condition may compare with each other (same kind; enumerations that share a value)."""
    if a.name == b.name or a.kind != b.kind or a.kind in ("list", "str"):
        return False
    return a.kind != "enum" or bool(set(a.values) & set(b.values))


def _leaves(event_type: str, dated: S[date]) -> S[dict[str, Any]]:
    specs = dict(FIELD_SPECS[event_type])
    specs["reference_date"] = FieldSpec("reference_date", "date")
    options: list[S[dict[str, Any]]] = []
    for name, spec in sorted(specs.items()):
        values = _leaf_values(spec, dated)
        if values is None:
            continue
        ops = ["ne"] + (["lt", "le", "gt", "ge"] if spec.kind in ("int", "date") else [])
        options.append(st.builds(lambda v, f=name: {f: v}, values))
        options.append(st.builds(lambda op, v, f=name: {f: {op: v}}, st.sampled_from(ops), values))
        options.append(
            st.builds(
                lambda op, vs, f=name: {f: {op: vs}},
                st.sampled_from(["in", "not_in"]),
                st.lists(values, min_size=1, max_size=3, unique=True),
            )
        )
        named = [n for n, members in SETS.items() if spec.kind == "enum" and set(members) <= set(spec.values)]
        if named:
            options.append(
                st.builds(lambda op, n, f=name: {f: {op: n}}, st.sampled_from(["in", "not_in"]), st.sampled_from(named))
            )
        options.append(st.builds(lambda b, f=name: {f: {"given": b}}, st.booleans()))
        others = sorted(o for o, other in specs.items() if _compatible(spec, other))
        if others:
            options.append(
                st.builds(
                    lambda op, g, f=name: {f: {op: g}},
                    st.sampled_from(["same_as", "differs_from"]),
                    st.sampled_from(others),
                )
            )
    return st.one_of(options)


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Several conditions as one mapping where their keys differ, else as ``all``."""
    merged: dict[str, Any] = {}
    for p in parts:
        if set(p) & set(merged):
            return {"all": parts}
        merged.update(p)
    return merged


def conditions(
    type: str | None = None,
    *,
    max_leaves: int = 6,
    min_date: date = MIN_DATE,
    max_date: date = MAX_DATE,
) -> S[dict[str, Any]]:
    """Conditions of the rule language (``docs/rule-format.md``) over the fields of ``type`` (default: any event
    type) and ``reference_date``: values, ``ne``/``lt``…, ``in``/``not_in`` (lists and named sets), ``given``,
    ``same_as``/``differs_from`` another field, several fields in one mapping, ``all``/``any``/``not``. Values
    have each field's type and enumeration, so the checker accepts them. Dates are ``datetime.date`` values, as
    the YAML loader reads them.
    """
    if type is None:
        return event_types().flatmap(
            lambda t: conditions(t, max_leaves=max_leaves, min_date=min_date, max_date=max_date)
        )
    dated = dates(min_date, max_date)
    return st.recursive(
        _leaves(type, dated),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(_merge),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            inner.map(lambda x: {"not": x}),
        ),
        max_leaves=max_leaves,
    )


def _in_force(dated: S[date]) -> S[dict[str, date] | None]:
    return st.one_of(
        st.none(),
        st.builds(lambda d: {"from": d}, dated),
        st.builds(lambda d: {"until": d}, dated),
        st.tuples(dated, dated).map(lambda ds: {"from": min(ds), "until": max(ds)}),
    )


def rule_sets(
    type: str | None = None,
    *,
    article: int = 21,
    min_size: int = 1,
    max_size: int = 6,
) -> S[list[dict[str, Any]]]:
    """Lists of rules in the rule-file format (``rules/dieu_NN.yaml``, key ``rules``) for article
    ``article``: ids ``dieu_NN.gK``, an event type (``type``, or drawn per rule), an optional condition
    from :func:`conditions`, an optional ``in_force`` and an optional ``priority``. The rules name no
    lead, so a set never has conflicting leads; add what your test needs.
    """
    dated = dates()
    prefix = f"dieu_{article:02d}"

    def rule(event_type: str) -> S[dict[str, Any]]:
        return st.fixed_dictionaries(
            {
                "event": st.just(event_type),
                "provenance": st.just({"source": "reconstructed"}),
                "text_vi": st.just("Quy tắc sinh tự động để kiểm thử."),
                "text_en": st.just("A generated rule for testing."),
            },
            optional={
                "when": conditions(event_type),
                "in_force": _in_force(dated).filter(lambda x: x is not None),
                "priority": st.integers(0, 200),
            },
        )

    one = rule(type) if type is not None else event_types().flatmap(rule)
    return st.lists(one, min_size=min_size, max_size=max_size).map(
        lambda rules: [{"id": f"{prefix}.g{i}", **r} for i, r in enumerate(rules)]
    )


def article_file(rules: list[dict[str, Any]], *, article: int = 21, chapter: int = 7) -> dict[str, Any]:
    """An article file (``format: quyche/rule@2``) holding ``rules``, with one clause: for compiling generated
    rules alone (:func:`compile_article`).
    """
    return {
        "format": "quyche/rule@2",
        "article": article,
        "chapter": chapter,
        "title_vi": "Điều sinh tự động để kiểm thử",
        "title_en": "A generated article for testing",
        "provenance": {"source": "reconstructed"},
        "clauses": [{"clause": 1, "text_vi": "Khoản sinh tự động.", "text_en": "A generated clause."}],
        "rules": rules,
    }


def compile_article(data: dict[str, Any], *, name: str | None = None) -> Any:
    """Check and compile one article file's data alone (with its chapter from the bundled rules): the plan both
    engines run (``quyche.rules.compile.Plan``). Raises RuleFileError like ``quyche.load``.
    """
    from quyche.regulation import bundled_rules_dir
    from quyche.rules.check import check
    from quyche.rules.compile import compile_rules
    from quyche.rules.read import RuleSource
    from quyche.rules.yamlsafe import Document, parse_file

    root = bundled_rules_dir()
    article, chapter = int(data["article"]), int(data["chapter"])
    doc = Document(data=data, path=name or f"dieu_{article:02d}.yaml")
    src = RuleSource(str(root), {}, {}).with_documents(parse_file(root / f"chuong_{chapter}.yaml"), doc)
    return compile_rules(check(src, complete=False))


# --------------------------------------------------------------------------------------------------
# Hangs


class HangError(AssertionError):
    """Raised by :func:`hang_guard` when the guarded block runs longer than allowed."""


@contextmanager
def hang_guard(seconds: float, *, hard_exit_after: float = 60.0, rearm: float | None = None) -> Iterator[None]:
    """Fail instead of hanging: within the block, a :class:`HangError` is raised in the main thread
    after ``seconds`` (``SIGALRM``, where available), and if the process is stuck in C code that never
    returns to Python, :mod:`faulthandler` prints every thread's stack and exits it ``hard_exit_after``
    seconds later. The timer previously set with ``signal.setitimer`` is restored on exit;
    :func:`faulthandler.dump_traceback_later` is process-wide, so the guard cancels it on exit and
    re-arms it for ``rearm`` seconds if given (e.g. a session-wide guard).

    This is a guard against hangs, not a timing assertion: choose a generous ``seconds``.
    """
    use_signal = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous_handler: Any = None
    previous_timer: tuple[float, float] = (0.0, 0.0)

    def on_alarm(signum: int, frame: Any) -> None:
        raise HangError(f"hang guard: still running after {seconds} s")

    faulthandler.dump_traceback_later(seconds + hard_exit_after, exit=True, file=sys.stderr)
    if use_signal:
        previous_handler = signal.signal(signal.SIGALRM, on_alarm)
        previous_timer = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if use_signal:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            if previous_timer[0] > 0:
                signal.setitimer(signal.ITIMER_REAL, *previous_timer)
        faulthandler.cancel_dump_traceback_later()
        if rearm is not None:
            faulthandler.dump_traceback_later(rearm, exit=True, file=sys.stderr)


def event_mix(n: int, seed: int = 20240601) -> list[dict[str, Any]]:
    """A deterministic, realistic mix of ``n`` valid events of every type (no Hypothesis needed).

    The first 13 events are one of each type, the rest drawn at random; every field is filled from its
    type (enumerations uniformly, optional fields half of the time), 70 % are dated (2020–2027, so some
    fall outside the period of validity) and 20 % carry an ``id``. For benchmarks and batch tests.
    """
    import random

    rng = random.Random(seed)
    types = sorted(FIELD_SPECS)
    first = date(2020, 1, 1)
    out: list[dict[str, Any]] = []
    for i in range(n):
        event_type = types[i] if i < len(types) else rng.choice(types)
        ev: dict[str, Any] = {"type": event_type}
        for name, spec in FIELD_SPECS[event_type].items():
            if name in ("id", "date") or (not spec.required and rng.random() < 0.5):
                continue
            if spec.kind == "enum":
                ev[name] = rng.choice(spec.values)
            elif spec.kind == "bool":
                ev[name] = rng.random() < 0.5
            elif spec.kind == "int":
                ev[name] = rng.randint(2019, 2027)
            elif spec.kind == "date":
                ev[name] = (first + timedelta(days=rng.randrange(8 * 365))).isoformat()
            elif spec.kind == "list":
                ev[name] = sorted(rng.sample(range(1, 24), rng.randint(1, 4)))
            elif spec.kind == "str":
                ev[name] = f"s-{i}"
        if rng.random() < 0.7:
            ev["date"] = (first + timedelta(days=rng.randrange(8 * 365))).isoformat()
        if rng.random() < 0.2:
            ev["id"] = f"EV-{i:07d}"
        out.append(later_dates_in_order(ev))
    return out
