"""The normal form both engines match, the lowering into it, and its pure-Python evaluator (the oracle).

A rule's condition (:mod:`quyche.rules.syntax`), its version dates and its table row are lowered into a small
normal form that durable-rules expresses directly:

* ``{"all": [...]}``, ``{"any": [...]}``;
* ``{"field": f, "op": o, "value": v}`` with ``o`` in ``eq ne lt le gt ge exists not_exists``;
* ``{"field": f, "op": o, "ref": g}`` with ``o`` in ``eq ne``: field ``f`` compared with field ``g`` of the same
  event.

Semantics (those of durable-rules on typed data, once the adapter guards a field reference with ``$ex``): a
comparison with an absent field is false — ``ne`` included, and for a field reference if either field is absent.
What a test of the rule file means when its field is absent (``Test.when_absent``: ``ne`` holds, ``eq`` does not)
is made explicit while lowering by ``not_exists`` branches, and ``not`` is pushed down to the tests by De
Morgan's laws. Dates are compared as integers ``YYYYMMDD``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from quyche.rules.syntax import FIELD_OPS, All, AnyOf, Node, Not, Test

NormalNode = dict[str, Any]
MISSING: Any = object()
#: The field every fact has for conditions when a date is known: ``as_of`` or the event's ``date``.
REFERENCE_DATE = "reference_date"

_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
_NEGATE = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "gt": "le", "le": "gt"}


def day_number(value: date) -> int:
    """A date as the integer ``YYYYMMDD`` (orders like the date, and both engines compare it alike)."""
    return value.year * 10000 + value.month * 100 + value.day


def const(value: Any) -> Any:
    """A constant as the engines see it (dates become ``YYYYMMDD`` integers)."""
    return day_number(value) if isinstance(value, date) else value


def _leaf(field: str, op: str, value: Any = None) -> NormalNode:
    node: NormalNode = {"field": field, "op": op}
    if op not in ("exists", "not_exists"):
        node["value"] = const(value)
    return node


def _combine(kind: str, parts: list[NormalNode]) -> NormalNode:
    """``{kind: parts}``, with nested nodes of the same kind spliced in (``all`` of ``all`` is one ``all``): the
    same meaning, fewer composite nodes (durable-rules allows few, see :func:`composites`).
    """
    flat: list[NormalNode] = []
    for part in parts:
        flat.extend(part[kind] if kind in part else [part])
    return flat[0] if len(flat) == 1 else {kind: flat}


def conjoin(*nodes: NormalNode | None) -> NormalNode | None:
    """All of the given nodes (``None`` means "always")."""
    parts = [n for n in nodes if n is not None]
    return _combine("all", parts) if parts else None


def disjoin(*nodes: NormalNode | None) -> NormalNode | None:
    """Any of the given nodes (``None`` among them means "always")."""
    if any(n is None for n in nodes) or not nodes:
        return None
    return _combine("any", [n for n in nodes if n is not None])


def lower(node: Node | None, negate: bool = False) -> NormalNode | None:
    """A condition of the rule language in the normal form (``negate``: its negation)."""
    if node is None:
        return None
    if isinstance(node, Not):
        return lower(node.part, not negate)
    if isinstance(node, (All, AnyOf)):
        parts = [lower(p, negate) for p in node.parts]
        kind = "all" if isinstance(node, All) != negate else "any"
        return _combine(kind, [p for p in parts if p is not None])
    return _lower_test(node, negate)


def _lower_test(t: Test, negate: bool) -> NormalNode:
    f = t.field
    if t.op == "given":
        present = bool(t.value) != negate
        return _leaf(f, "exists" if present else "not_exists")
    if t.op in FIELD_OPS:
        positive = (t.op == "same_as") != negate  # "same" is the comparison that must hold when both are present
        compare: NormalNode = {"field": f, "op": "eq" if positive else "ne", "ref": t.value}
        absent_fields = [f, t.value]
    elif t.op in ("in", "not_in"):
        inside = (t.op == "in") != negate
        if inside:
            compare = _combine("any", [_leaf(f, "eq", v) for v in t.value])
        else:
            compare = _combine("all", [_leaf(f, "ne", v) for v in t.value])
        absent_fields = [f]
    else:
        op = _NEGATE[t.op] if negate else t.op
        compare = _leaf(f, op, t.value)
        absent_fields = [f]
    if t.when_absent != negate:  # the test (or its negation) holds of an event without the field
        return _combine("any", [compare, *(_leaf(a, "not_exists") for a in absent_fields)])
    return compare


def in_force_node(from_: date | None, until: date | None) -> NormalNode | None:
    """A rule version applies from ``from`` until ``until`` (inclusive) by the reference date. An event with no
    date meets the version in force now — the one with no ``until``.
    """
    parts: list[NormalNode] = []
    if from_ is not None:
        parts.append(
            {"any": [_leaf(REFERENCE_DATE, "ge", from_), _leaf(REFERENCE_DATE, "not_exists")]},
        )
    if until is not None:
        parts.append(_leaf(REFERENCE_DATE, "le", until))
    return conjoin(*parts)


def composites(node: NormalNode | None) -> int:
    """The number of ``all``/``any`` nodes in a normal-form condition."""
    if node is None or ("all" not in node and "any" not in node):
        return 0
    return 1 + sum(composites(n) for n in _children(node))


def _children(node: NormalNode) -> list[NormalNode]:
    children: list[NormalNode] = node["all"] if "all" in node else node["any"]
    return children


def holds(node: NormalNode | None, fact: Mapping[str, Any]) -> bool:
    """Evaluate a normal-form condition against a fact (the reference semantics)."""
    if node is None:
        return True
    if "all" in node:
        return all(holds(n, fact) for n in node["all"])
    if "any" in node:
        return any(holds(n, fact) for n in node["any"])
    value = fact.get(node["field"], MISSING)
    op = node["op"]
    if op == "exists":
        return value is not MISSING
    if op == "not_exists":
        return value is MISSING
    if value is MISSING:
        return False
    target = fact.get(node["ref"], MISSING) if "ref" in node else node["value"]
    if target is MISSING:
        return False
    if type(value) is not type(target):  # typed: the checker keeps mixed types out of rule files
        return bool(op == "ne")
    return bool(_CMP[op](value, target))


def partial(node: NormalNode | None, field: str, value: Any) -> bool | None:
    """What a normal-form condition is when only ``field`` is known (``value``, or MISSING): True or False when
    that decides it whatever the other fields are, else None. Sound: a False here is False for every fact with
    this value of the field.
    """
    if node is None:
        return True
    if "all" in node or "any" in node:
        every = "all" in node
        out: bool | None = every
        for n in _children(node):
            r = partial(n, field, value)
            if r is (not every):
                return not every
            if r is None:
                out = None
        return out
    if node["field"] != field or "ref" in node:  # another field decides it (a reference: two fields)
        return None
    return holds(node, {} if value is MISSING else {field: value})


def fields_of(node: NormalNode | None) -> set[str]:
    """The event fields a normal-form condition reads (both sides of a field reference)."""
    if node is None:
        return set()
    if "all" in node or "any" in node:
        out: set[str] = set()
        for n in _children(node):
            out |= fields_of(n)
        return out
    return {node["field"], node["ref"]} if "ref" in node else {node["field"]}


def constants_of(node: NormalNode | None, field: str) -> set[Any]:
    """The constants a normal-form condition compares ``field`` with."""
    if node is None:
        return set()
    if "all" in node or "any" in node:
        out: set[Any] = set()
        for n in _children(node):
            out |= constants_of(n, field)
        return out
    return {node["value"]} if node["field"] == field and "value" in node else set()


def int_constants(node: NormalNode | None) -> Iterable[int]:
    """Every integer constant of a normal-form condition (for the engines' integer range)."""
    if node is None:
        return
    if "all" in node or "any" in node:
        for n in _children(node):
            yield from int_constants(n)
    elif isinstance(node.get("value"), int) and not isinstance(node.get("value"), bool):
        yield node["value"]


# --------------------------------------------------------------------------- compiled once, at load time

#: A compiled condition: ``holds(node, fact)`` for one fixed node.
Predicate = Callable[[Mapping[str, Any]], bool]


def _always(fact: Mapping[str, Any]) -> bool:
    return True


def compile_predicate(node: NormalNode | None) -> Predicate:
    """``holds(node, ·)`` as a closure built once: the same semantics without walking the tree per call.

    The closures keep no state; they read only the fact they are given.
    """
    if node is None:
        return _always
    if "all" in node or "any" in node:
        parts = tuple(compile_predicate(n) for n in _children(node))
        if len(parts) == 1:
            return parts[0]
        if "all" in node:
            if len(parts) == 2:
                a, b = parts
                return lambda f: a(f) and b(f)
            return lambda f: all(p(f) for p in parts)
        if len(parts) == 2:
            a, b = parts
            return lambda f: a(f) or b(f)
        return lambda f: any(p(f) for p in parts)
    name, op = node["field"], node["op"]
    missing = MISSING
    if op == "exists":
        return lambda f: f.get(name, missing) is not missing
    if op == "not_exists":
        return lambda f: f.get(name, missing) is missing
    if "ref" in node:
        ref = node["ref"]
        if op == "eq":
            return lambda f: (
                (v := f.get(name, missing)) is not missing
                and (w := f.get(ref, missing)) is not missing
                and type(v) is type(w)
                and v == w
            )
        return lambda f: (
            (v := f.get(name, missing)) is not missing
            and (w := f.get(ref, missing)) is not missing
            and (type(v) is not type(w) or v != w)
        )
    target = node["value"]
    kind = type(target)
    if op == "eq":
        return lambda f: type(v := f.get(name, missing)) is kind and v == target
    if op == "ne":
        return lambda f: (v := f.get(name, missing)) is not missing and (type(v) is not kind or v != target)
    cmp = _CMP[op]
    return lambda f: type(v := f.get(name, missing)) is kind and bool(cmp(v, target))


# ------------------------------------------------------------------ tests of the rule language, one by one


def test_holds(t: Test, fact: Mapping[str, Any]) -> bool:
    """Whether one test of a rule file holds of a fact (the meaning :func:`lower` preserves)."""
    return holds(_lower_test(t, False), fact)


def test_predicate(t: Test) -> Predicate:
    """``test_holds(t, ·)`` compiled once (:func:`compile_predicate` of the test's normal form)."""
    return compile_predicate(_lower_test(t, False))


def syntax_holds(node: Node | None, truths: Mapping[int, bool]) -> bool:
    """Whether a condition holds, given the truth of each of its tests by index."""
    if node is None:
        return True
    if isinstance(node, Test):
        return truths[node.index]
    if isinstance(node, Not):
        return not syntax_holds(node.part, truths)
    if isinstance(node, All):
        return all(syntax_holds(p, truths) for p in node.parts)
    return any(syntax_holds(p, truths) for p in node.parts)
