"""The rule language's two small grammars, parsed once into typed nodes: conditions and body expressions.

**Conditions** (``when:``) are mappings of event fields to tests, all of which must hold::

    when:
      kind: denunciation                          # equals a value
      competent_body: {in: parties}               # one of a named set (or of a list: [ubnd, tt_hdnd])
      received_by: {differs_from: competent_body} # compared with another field of the same event
      complex: {ne: true}                         # ne / not_in / differs_from hold when the field is absent
      round: {given: false}                       # the event does (not) give the field
      year: {ge: 2022, le: 2025}                  # several tests on one field: all must hold
      any: [{round: 2}, {complex: true}]          # at least one; also all: [...] and not: {...}

Each test (a *leaf*) is numbered in document order, depth first, so a decision's trace can say which leaves
held and ``explain`` only has to render them. A test says what it is when the field is absent
(:attr:`Test.when_absent`): ``ne``, ``not_in``, ``differs_from`` and ``given: false`` hold, the others do not.

**Body expressions** (``lead``, ``coordinating`` …, a duty's ``party``) name bodies: an identifier (``ubnd``,
``citizen``), ``event.FIELD``, ``row.COLUMN`` (a table's column), ``lead``, ``all_parties``, ``other_parties``
(the parties but the lead) or ``office_of(X)``.

Both parsers raise :class:`SyntaxProblem` with the path of the offending value inside what they were given;
the checker turns it into a :class:`~quyche.errors.RuleFileError` with file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

Loc = tuple[int | str, ...]
Op = Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "given", "same_as", "differs_from"]
#: Operators that compare with a constant, with a list or set of constants, with presence, with another field.
SCALAR_OPS = ("eq", "ne", "lt", "le", "gt", "ge")
SET_OPS = ("in", "not_in")
FIELD_OPS = ("same_as", "differs_from")
OPS: tuple[str, ...] = (*SCALAR_OPS, *SET_OPS, "given", *FIELD_OPS)
COMBINATORS = ("all", "any", "not")
#: What a test is when its field is absent (``ne`` "is not X": true of an event that does not give it).
_ABSENT_HOLDS = {"ne": True, "not_in": True, "differs_from": True}


class SyntaxProblem(Exception):
    """A condition or body expression that does not parse: ``loc`` is the path of the value at fault."""

    def __init__(self, loc: Loc, message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


@dataclass(frozen=True)
class Test:
    """One test of one event field (a leaf). ``value`` is a constant (scalar operators), a tuple of constants
    (``in`` / ``not_in``; ``set_name`` when written as a named set), a bool (``given``) or another field's name
    (``same_as`` / ``differs_from``). ``when_absent`` is the test's value when the event lacks the field.
    """

    index: int
    field: str
    op: Op
    value: Any
    loc: Loc
    when_absent: bool
    set_name: str | None = None


@dataclass(frozen=True)
class All:
    """Every part holds."""

    parts: tuple[Node, ...]
    loc: Loc


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Node, ...]
    loc: Loc


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Node
    loc: Loc


Node = Test | All | AnyOf | Not


def leaves(node: Node | None) -> Iterator[Test]:
    """The tests of a condition, in index order."""
    if node is None:
        return
    if isinstance(node, Test):
        yield node
    elif isinstance(node, Not):
        yield from leaves(node.part)
    else:
        for p in node.parts:
            yield from leaves(p)


def fields(node: Node | None) -> set[str]:
    """Every event field a condition reads (both sides of a field-to-field comparison)."""
    out: set[str] = set()
    for t in leaves(node):
        out.add(t.field)
        if t.op in FIELD_OPS:
            out.add(t.value)
    return out


class _Counter:
    def __init__(self, start: int) -> None:
        self.next = start

    def take(self) -> int:
        n = self.next
        self.next += 1
        return n


def parse_condition(data: Any, loc: Loc = (), *, sets: dict[str, tuple[str, ...]], first_index: int = 0) -> Node:
    """Parse a condition mapping into nodes (``sets``: the named sets ``in`` may name)."""
    return _mapping(data, loc, sets, _Counter(first_index))


def _mapping(data: Any, loc: Loc, sets: dict[str, tuple[str, ...]], counter: _Counter) -> Node:
    if not isinstance(data, dict) or not data:
        raise SyntaxProblem(loc, "a condition is a mapping: {field: value, …}, {all: […]}, {any: […]} or {not: {…}}")
    parts: list[Node] = []
    for key, value in data.items():
        here = (*loc, key)
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise SyntaxProblem(here, f"'{key}' takes a list of conditions, e.g. {key}: [{{kind: complaint}}, …]")
            children = tuple(_mapping(v, (*here, i), sets, counter) for i, v in enumerate(value))
            parts.append(All(children, here) if key == "all" else AnyOf(children, here))
        elif key == "not":
            parts.append(Not(_mapping(value, here, sets, counter), here))
        else:
            parts.extend(_field_tests(key, value, here, sets, counter))
    return parts[0] if len(parts) == 1 else All(tuple(parts), loc)


def _field_tests(name: str, value: Any, loc: Loc, sets: dict[str, tuple[str, ...]], counter: _Counter) -> list[Test]:
    if isinstance(value, list):
        raise SyntaxProblem(loc, f"to test {name} against several values write {name}: {{in: [..]}}")
    if not isinstance(value, dict):
        return [_test(name, "eq", value, loc, sets, counter)]
    if not value:
        raise SyntaxProblem(loc, f"no test for {name}: write one of {', '.join(OPS)}")
    return [_test(name, op, v, (*loc, op), sets, counter) for op, v in value.items()]


def _test(name: str, op: str, value: Any, loc: Loc, sets: dict[str, tuple[str, ...]], counter: _Counter) -> Test:
    from quyche.errors import did_you_mean

    if op not in OPS:
        raise SyntaxProblem(loc, f"unknown test {op!r}{did_you_mean(op, OPS)}; use one of {', '.join(OPS)}")
    when_absent = _ABSENT_HOLDS.get(op, False)
    if op in SCALAR_OPS:
        if not _is_scalar(value):
            raise SyntaxProblem(loc, f"'{op}' takes one value (text, a number, true/false or a date)")
        return Test(counter.take(), name, op, value, loc, when_absent)  # type: ignore[arg-type]
    if op in SET_OPS:
        if isinstance(value, str):
            if value not in sets:
                raise SyntaxProblem(
                    loc, f"unknown named set {value!r}{did_you_mean(value, sets)}; named sets: {', '.join(sets)}"
                )
            return Test(counter.take(), name, op, sets[value], loc, when_absent, set_name=value)  # type: ignore[arg-type]
        if not isinstance(value, list) or not value or not all(_is_scalar(v) for v in value):
            raise SyntaxProblem(loc, f"'{op}' takes a list of values, e.g. [ubnd, tt_hdnd], or a named set")
        if len(set(map(repr, value))) != len(value):
            raise SyntaxProblem(loc, f"'{op}' lists a value twice")
        return Test(counter.take(), name, op, tuple(value), loc, when_absent)  # type: ignore[arg-type]
    if op == "given":
        if not isinstance(value, bool):
            raise SyntaxProblem(loc, "'given' takes true or false")
        return Test(counter.take(), name, "given", value, loc, not value)
    if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise SyntaxProblem(loc, f"'{op}' takes the name of another field of the event")
    if value == name:
        raise SyntaxProblem(loc, f"'{op}' compares {name} with itself")
    return Test(counter.take(), name, op, value, loc, when_absent)  # type: ignore[arg-type]


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (bool, int, str, date)) and not isinstance(value, float)


# --------------------------------------------------------------------------------------- body expressions

BodyKind = Literal["fixed", "event", "row", "lead", "all_parties", "other_parties", "office_of"]


@dataclass(frozen=True)
class Body:
    """A parsed body expression: a fixed ``name``, ``event.name``, ``row.name``, ``lead``, ``all_parties``,
    ``other_parties``, or ``office_of(inner)``.
    """

    kind: BodyKind
    name: str | None = None
    inner: Body | None = None

    def __str__(self) -> str:
        if self.kind == "fixed":
            return str(self.name)
        if self.kind in ("event", "row"):
            return f"{self.kind}.{self.name}"
        if self.kind == "office_of":
            return f"office_of({self.inner})"
        return self.kind

    @property
    def single(self) -> bool:
        """Whether the expression names at most one body (a lead must)."""
        return self.kind not in ("all_parties", "other_parties") and (self.inner is None or self.inner.single)


_NAME = r"[a-z][a-z0-9_]*"
_BODY = re.compile(rf"^(?:office_of\((?P<inner>.+)\)|(?P<prefix>event|row)\.(?P<field>{_NAME})|(?P<plain>{_NAME}))$")


def parse_body(text: str, loc: Loc = ()) -> Body:
    """Parse a body expression (raises SyntaxProblem)."""
    m = _BODY.fullmatch(text)
    if not m:
        raise SyntaxProblem(
            loc,
            f"{text!r} is not a body: write an identifier, event.FIELD, row.COLUMN, lead, all_parties, "
            "other_parties or office_of(X)",
        )
    if m.group("inner") is not None:
        return Body("office_of", inner=parse_body(m.group("inner"), loc))
    if m.group("prefix") is not None:
        return Body("event" if m.group("prefix") == "event" else "row", m.group("field"))
    plain = m.group("plain")
    if plain == "lead":
        return Body("lead")
    if plain == "all_parties":
        return Body("all_parties")
    if plain == "other_parties":
        return Body("other_parties")
    return Body("fixed", plain)
