"""The normalised condition language both engines run, and its pure-Python evaluator (the oracle).

A rule file's condition (``eq``, ``ne``, ``in``, ``not_in``, ``lt`` …, ``exists``, ``all``, ``any``,
``not``) is compiled into a small normalised form, the one durable-rules can express directly:

* ``{"all": [...]}``, ``{"any": [...]}``;
* ``{"field": f, "op": o, "value": v}`` with ``o`` in ``eq ne lt le gt ge exists not_exists``.

Semantics (those of durable-rules on typed data): a comparison on a missing field
is false — ``ne`` included. ``not`` is pushed down to the leaves with De Morgan's laws, adding
``not_exists`` where needed, so that a file's ``ne`` and ``not`` mean what a reader expects: true when
the field is absent. Dates are compared as integers ``YYYYMMDD``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from quyche.rules.model import AllOf, AnyOf, Leaf, NotOf

Node = dict[str, Any]
MISSING: Any = object()

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


def _leaf(field: str, op: str, value: Any = None) -> Node:
    node: Node = {"field": field, "op": op}
    if op not in ("exists", "not_exists"):
        node["value"] = const(value)
    return node


def normalise(cond: Any, negate: bool = False) -> Node:
    """Compile a rule-file condition (a model) into the normalised form."""
    if isinstance(cond, NotOf):
        return normalise(cond.not_, not negate)
    if isinstance(cond, (AllOf, AnyOf)):
        parts = [normalise(c, negate) for c in (cond.all if isinstance(cond, AllOf) else cond.any)]
        return _combine("all" if isinstance(cond, AllOf) != negate else "any", parts)
    if not isinstance(cond, Leaf):  # pragma: no cover - the model admits nothing else
        raise TypeError(f"not a condition: {cond!r}")
    f, op, v = cond.field, cond.op, cond.value
    if op == "exists":
        present = bool(v) != negate
        return _leaf(f, "exists" if present else "not_exists")
    if op in ("in", "not_in"):
        positive = (op == "in") != negate
        if positive:
            return {"any": [_leaf(f, "eq", x) for x in v]} if len(v) > 1 else _leaf(f, "eq", v[0])
        # not in: every comparison differs, or the field is absent
        differs = [_leaf(f, "ne", x) for x in v]
        return {"any": [{"all": differs} if len(differs) > 1 else differs[0], _leaf(f, "not_exists")]}
    if op == "ne":  # a file's ``ne`` is "not equal", true when absent
        return normalise(Leaf(field=f, eq=v), not negate)
    if not negate:
        return _leaf(f, op, v)
    return {"any": [_leaf(f, _NEGATE[op], v), _leaf(f, "not_exists")]}


def _combine(kind: str, parts: list[Node]) -> Node:
    """``{kind: parts}``, with nested nodes of the same kind spliced in (``all`` of ``all`` is one
    ``all``): the same meaning, fewer composite nodes (durable-rules allows few, see ``composites``).
    """
    flat: list[Node] = []
    for part in parts:
        flat.extend(part[kind] if kind in part else [part])
    return flat[0] if len(flat) == 1 else {kind: flat}


def conjoin(*nodes: Node | None) -> Node | None:
    """All of the given nodes (``None`` means "always")."""
    parts = [n for n in nodes if n is not None]
    if not parts:
        return None
    return _combine("all", parts)


def composites(node: Node | None) -> int:
    """The number of ``all``/``any`` nodes in a normalised condition."""
    if node is None or ("all" not in node and "any" not in node):
        return 0
    return 1 + sum(composites(n) for n in _children(node))


def holds(node: Node | None, fact: Mapping[str, Any]) -> bool:
    """Evaluate a normalised condition against a fact (the reference semantics)."""
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
    target = node["value"]
    if type(value) is not type(target):  # typed: the checker keeps mixed types out of rule files
        return bool(op == "ne")
    return bool(_CMP[op](value, target))


def _children(node: Node) -> list[Node]:
    children: list[Node] = node["all"] if "all" in node else node["any"]
    return children


def fields_of(node: Node | None) -> set[str]:
    """The event fields a normalised condition reads."""
    if node is None:
        return set()
    if "all" in node or "any" in node:
        out: set[str] = set()
        for n in _children(node):
            out |= fields_of(n)
        return out
    return {node["field"]}


def constants_of(node: Node | None, field: str) -> set[Any]:
    """The constants a normalised condition compares ``field`` with."""
    if node is None:
        return set()
    if "all" in node or "any" in node:
        out: set[Any] = set()
        for n in _children(node):
            out |= constants_of(n, field)
        return out
    return {node["value"]} if node["field"] == field and "value" in node else set()


def describe(node: Node | None, fact: Mapping[str, Any] | None = None) -> str:
    """A readable form of a condition; with a fact, ``any`` shows only the branches that held."""
    if node is None:
        return "applies to every event of this type"
    if "all" in node:
        return " and ".join(_paren(describe(n, fact)) for n in node["all"])
    if "any" in node:
        branches = node["any"]
        if fact is not None:
            held = [n for n in branches if holds(n, fact)]
            branches = held or branches
        return " or ".join(_paren(describe(n, fact)) for n in branches)
    f, op = node["field"], node["op"]
    if op == "exists":
        return f"{f} is given"
    if op == "not_exists":
        return f"{f} is not given"
    symbol = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}[op]
    return f"{f} {symbol} {_show(node['value'], f)}"


def _show(value: Any, field: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and (field == "reference_date" or field.endswith("date") or field.endswith("opening")):
        if 10000101 <= value <= 99991231:
            return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"
    return str(value)


def _paren(text: str) -> str:
    return f"({text})" if " or " in text or " and " in text else text


# --------------------------------------------------------------------------- compiled once, at load time

#: A compiled condition: ``holds(node, fact)`` for one fixed node.
Predicate = Callable[[Mapping[str, Any]], bool]
#: A compiled description: ``describe(node, fact)`` for one fixed node.
Describer = Callable[[Mapping[str, Any]], str]


def _always(fact: Mapping[str, Any]) -> bool:
    return True


def compile_predicate(node: Node | None) -> Predicate:
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
    target = node["value"]
    kind = type(target)
    if op == "eq":
        return lambda f: type(v := f.get(name, missing)) is kind and v == target
    if op == "ne":
        return lambda f: (v := f.get(name, missing)) is not missing and (type(v) is not kind or v != target)
    cmp = _CMP[op]
    return lambda f: type(v := f.get(name, missing)) is kind and bool(cmp(v, target))


def _has_any(node: Node) -> bool:
    if "any" in node:
        return True
    return "all" in node and any(_has_any(n) for n in node["all"])


def compile_describe(node: Node | None) -> Describer:
    """``describe(node, ·)`` as a closure built once; only ``any`` nodes depend on the fact."""
    if node is None or not _has_any(node):
        text = describe(node)
        return lambda f: text
    if "all" in node:
        parts = tuple(compile_describe(n) for n in node["all"])
        return lambda f: " and ".join(_paren(p(f)) for p in parts)
    branches = tuple((compile_predicate(n), compile_describe(n)) for n in node["any"])

    def describe_any(f: Mapping[str, Any]) -> str:
        held = [d for p, d in branches if p(f)] or [d for _, d in branches]
        return " or ".join(_paren(d(f)) for d in held)

    return describe_any
