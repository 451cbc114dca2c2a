"""The pure-Python engine: the same compiled rules, evaluated directly.

It is the test oracle for the durable-rules engine and the fallback where durable-rules cannot be
imported. It has no state: each call reads only its arguments. Conditions are compiled into closures
once, at load time (:func:`~quyche.rules.conditions.compile_predicate`, same semantics as ``holds``).

**An index per event type.** A fact need not be tried against a rule that its value of one field already rules
out. At load time each event type gets the field that rules out the most rules, and for each class of that
field's values — absent; each constant the rules compare it with; for an integer field (a date, a year) each
interval between two constants; for a text or a true/false field "any other value" — the rules whose condition
can still hold (:func:`~quyche.rules.conditions.partial`: a rule is left out only when the condition is false
for every fact with a value of that class). The rules tried keep their order, so the result is the same as
trying every rule; only the work shrinks, and it stays flat when versions of the rules accumulate (each version's
dates are one more interval).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from quyche.rules import conditions as C

if TYPE_CHECKING:
    from quyche.rules.compile import Plan
    from quyche.rules.runplan import RunPlan


Rules = tuple[tuple[str, C.Predicate], ...]
_OTHER = "\x00any other value"


class PythonEngine:
    """Fires, in order, every rule of the event's type whose condition holds."""

    name = "python"

    def __init__(self, reg: Plan | RunPlan) -> None:
        self._by_type: dict[str, Rules] = {}
        self._pick: dict[str, Callable[[dict[str, Any]], Rules]] = {}
        for t, rules in reg.by_type.items():
            compiled = tuple((r.id, C.compile_predicate(r.when)) for r in rules)
            self._by_type[t] = compiled
            self._pick[t] = _index([r.when for r in rules], compiled)

    def fire(self, event_type: str, fact: dict[str, Any]) -> list[str]:
        """The ids of the rules that fire for this fact, in firing order."""
        pick = self._pick.get(event_type)
        return [] if pick is None else [rid for rid, holds in pick(fact) if holds(fact)]

    def fire_many(self, items: list[tuple[str, dict[str, Any]]]) -> list[list[str]]:
        """``fire`` for each ``(event_type, fact)``, in order."""
        return [self.fire(t, fact) for t, fact in items]

    def close(self) -> None:
        """Nothing to release."""


#: At most this many partial evaluations (classes of a field's values × rules) to index one field: a field with
#: more is not indexed, so that building the index stays linear in the rules (a rule set of thousands of rules
#: comparing a field with thousands of constants would otherwise take minutes to load). The index only saves
#: time: without it every rule of the type is tried, with the same answer.
INDEX_BUDGET = 200_000


def _index(conditions: list[C.NormalNode | None], rules: Rules) -> Callable[[dict[str, Any]], Rules]:
    """The rules worth trying for a fact, by the class of its value of the best field (all of them when no field
    rules any out, when indexing a field would cost more than :data:`INDEX_BUDGET`, or for a value of an
    unexpected type).
    """
    constants: dict[str, set[Any]] = {}
    usable: set[str] = set()
    refs: set[str] = set()
    for node in conditions:
        _walk(node, constants, usable, refs)
    best: tuple[float, Callable[[dict[str, Any]], Rules]] | None = None
    for f in sorted(usable - refs):
        cs = constants[f]
        kinds = {type(c) for c in cs}
        if len(kinds) != 1:
            continue
        kind = kinds.pop()
        if (2 * len(cs) + 2) * len(rules) > INDEX_BUDGET:
            continue  # too many classes of values for so many rules: not worth indexing (see INDEX_BUDGET)
        missing_rules = _keep(conditions, rules, f, C.MISSING)
        if kind is int:
            ordered = tuple(sorted(cs))
            classes = []  # class 2i: between the constants i-1 and i; 2i + 1: equal to constant i
            for i in range(len(ordered) + 1):
                low = ordered[i - 1] + 1 if i else ordered[0] - 1
                inside = i == len(ordered) or low < ordered[i]
                classes.append(_keep(conditions, rules, f, low) if inside else rules)
                if i < len(ordered):
                    classes.append(_keep(conditions, rules, f, ordered[i]))
            pick = _by_interval(f, ordered, tuple(classes), missing_rules, rules)
            sizes = [len(c) for c in classes]
        elif kind in (str, bool):
            table = {c: _keep(conditions, rules, f, c) for c in cs}
            other = _keep(conditions, rules, f, _OTHER) if kind is str else rules
            pick = _by_value(f, kind, table, other, missing_rules, rules)
            sizes = [len(c) for c in table.values()] + [len(other)]
        else:
            continue
        score = (sum(sizes) + len(missing_rules)) / (len(sizes) + 1)
        if score < len(rules) and (best is None or score < best[0]):
            best = (score, pick)
    if best is None:
        return lambda fact: rules
    return best[1]


def _walk(node: C.NormalNode | None, constants: dict[str, set[Any]], usable: set[str], refs: set[str]) -> None:
    """Collect each field's constants; a field is usable for the index when it is compared only with constants
    (text and true/false fields: only ``eq`` / ``ne``, so any other value behaves as one).
    """
    if node is None:
        return
    if "all" in node or "any" in node:
        for n in node.get("all") or node.get("any") or ():
            _walk(n, constants, usable, refs)
        return
    f = node["field"]
    if "ref" in node:
        refs.update((f, node["ref"]))
        return
    constants.setdefault(f, set())
    if "value" in node:
        v = node["value"]
        constants[f].add(v)
        if type(v) is int or node["op"] in ("eq", "ne"):
            usable.add(f)
        else:
            refs.add(f)  # a text compared by order: not indexed


def _keep(conditions: list[C.NormalNode | None], rules: Rules, field: str, value: Any) -> Rules:
    return tuple(r for node, r in zip(conditions, rules, strict=True) if C.partial(node, field, value) is not False)


def _by_interval(
    field: str, ordered: tuple[int, ...], classes: tuple[Rules, ...], missing: Rules, every: Rules
) -> Callable[[dict[str, Any]], Rules]:
    absent = C.MISSING

    def pick(fact: dict[str, Any]) -> Rules:
        v = fact.get(field, absent)
        if v is absent:
            return missing
        if type(v) is not int:
            return every
        i = bisect_left(ordered, v)
        return classes[2 * i + 1 if i < len(ordered) and ordered[i] == v else 2 * i]

    return pick


def _by_value(
    field: str, kind: type, table: dict[Any, Rules], other: Rules, missing: Rules, every: Rules
) -> Callable[[dict[str, Any]], Rules]:
    absent = C.MISSING

    def pick(fact: dict[str, Any]) -> Rules:
        v = fact.get(field, absent)
        if v is absent:
            return missing
        if type(v) is not kind:
            return every
        return table.get(v, other)

    return pick
