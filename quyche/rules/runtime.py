"""The *evaluate* stage: the per-event fact, matching on an engine, and defaults giving way to exceptions.

``event_fact`` builds the flat fact both engines match; :class:`Runtime` asks the engine which units hold for it
(:mod:`quyche.rules.pyeval` or :mod:`quyche.rules.durable_adapter`, both from the same plan) and drops every
unit of a rule one of whose exceptions applies too (a narrower rule overrides a general one, as Catala's
default/exception). That step is the same code for both engines, so they cannot disagree on it.

**The memo of fired units.** Which units apply depends only on the fields the event type's rules read (the fact
restricted to them: exactly the message the durable engine is sent), and of a field that the rules compare
only with constants (``reference_date ≥ 2021-07-01``, ``year = 2024``, ``round = 2``), only on where its value
falls among those constants: two dates between the same two constants pass and fail exactly the same tests.
:class:`Runtime` keeps a bounded memo in front of its own engine, keyed by the event type and, for every field
the rules read, its value — or, for an integer field compared only with integer constants (dates are
``YYYYMMDD`` integers), the interval of those constants it falls in (:meth:`Runtime.key`). The engine decides
every distinct case itself, once — the first event of that case, with its real values — and a later event of
the same case gets the same units back. Each Regulation has its own Runtime, so no memo is ever shared between
engines; ``memo=0`` turns it off (the benchmark reports both). A closed Runtime forgets its memo and asks the
engine, which refuses if closed.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from quyche.rules import conditions as C

if TYPE_CHECKING:
    from quyche.rules.runplan import RunPlan, RunUnit

#: The default size of the memo of fired units (entries: one per distinct case; a few hundred bytes each).
MEMO_SIZE = 32768

_EMPTY: frozenset[str] = frozenset()
_NOTHING: tuple[tuple[str, ...], tuple[tuple[str, tuple[int, ...]], ...]] = ((), ())


class Engine(Protocol):
    """What an engine does: the ids of the units that hold for a fact, in firing order."""

    name: str

    def fire(self, event_type: str, fact: dict[str, Any]) -> list[str]: ...  # noqa: D102

    def fire_many(self, items: list[tuple[str, dict[str, Any]]]) -> list[list[str]]: ...  # noqa: D102

    def close(self) -> None: ...  # noqa: D102


def event_fact(fields: dict[str, Any], reference: date | None) -> dict[str, Any]:
    """The flat fact both engines match: scalar event fields, dates as ``YYYYMMDD``, and the reference date.
    Lists and absent (``None``) fields are left out.
    """
    fact: dict[str, Any] = {}
    for key, value in fields.items():
        kind = type(value)
        if kind is str or kind is int or kind is bool:  # the common case, first (per-event hot path)
            fact[key] = value
        elif value is None or isinstance(value, (list, tuple, dict)):
            continue
        else:
            fact[key] = C.const(value)
    if reference is not None:
        fact[C.REFERENCE_DATE] = C.day_number(reference)
    return fact


class Runtime:
    """Matching on one engine, with exceptions applied, behind a memo of the cases the engine has decided.

    Holds only immutable data besides the engine and the memo; safe from several threads (the memo is a dict whose
    single reads and writes are atomic; eviction holds a lock).
    """

    def __init__(self, plan: RunPlan, engine: Engine, memo: int = MEMO_SIZE) -> None:
        self.engine = engine
        self._units = plan.by_id
        self._exceptions = plan.exceptions
        # per event type: the fields its rules read (the memo's key; all the engines see of a fact), each with the
        # sorted integer constants it is compared with when those are all it is compared with (else None)
        self._fields: dict[str, tuple[tuple[str, tuple[int, ...] | None], ...]] = {
            t: field_classes([u.when for u in units]) for t, units in plan.by_type.items()
        }
        # the same, split: the fields keyed by their value, and those keyed by their place among constants
        self._split: dict[str, tuple[tuple[str, ...], tuple[tuple[str, tuple[int, ...]], ...]]] = {
            t: (tuple(f for f, cs in fields if cs is None), tuple((f, cs) for f, cs in fields if cs is not None))
            for t, fields in self._fields.items()
        }
        # per event type: the event fields its rules read (a fact needs no other)
        self._fact_fields: dict[str, tuple[str, ...]] = {
            t: tuple(f for f, _ in fields if f != C.REFERENCE_DATE) for t, fields in self._fields.items()
        }
        self._size = memo
        self._memo: dict[tuple[Any, ...], tuple[RunUnit, ...]] | None = {} if memo > 0 else None
        self._lock = threading.Lock()
        self.hits = self.misses = 0  # counted only with the memo on (approximate under threads)

    def _apply(self, ids: Sequence[str]) -> tuple[RunUnit, ...]:
        units = [self._units[i] for i in ids]
        if self._exceptions and len(units) > 1:
            applied = {u.rule_id for u in units}
            units = [u for u in units if not (self._exceptions.get(u.rule_id, _EMPTY) & applied)]
        return tuple(units)

    def fact(self, event_type: str, fields: dict[str, Any], reference: date | None) -> dict[str, Any]:
        """``event_fact`` restricted to the fields the type's rules read: all that matching and the trace use."""
        out: dict[str, Any] = {}
        for f in self._fact_fields.get(event_type, ()):
            value = fields.get(f)
            kind = type(value)
            if kind is str or kind is int or kind is bool:
                out[f] = value
            elif value is not None and not isinstance(value, (list, tuple, dict)):
                out[f] = C.const(value)
        if reference is not None:
            out[C.REFERENCE_DATE] = C.day_number(reference)
        return out

    def key(self, event_type: str, fact: dict[str, Any]) -> tuple[Any, ...]:
        """The case of a fact: its type and, for each field the type's rules read, its value (or MISSING), or for a
        field compared only with integer constants ``c1 < … < cn`` the place of its value among them: ``2i`` when
        it lies strictly between ``c(i)`` and ``c(i+1)``, ``2i + 1`` when it equals ``c(i+1)``.
        """
        exact, placed = self._split.get(event_type, _NOTHING)
        missing = C.MISSING
        get = fact.get
        out = [event_type, *[get(f, missing) for f in exact]]
        for f, cs in placed:
            v = get(f, missing)
            if type(v) is int:
                i = bisect_left(cs, v)
                out.append(2 * i + 1 if i < len(cs) and cs[i] == v else 2 * i)
            else:
                out.append((v,))  # an exact value (in a tuple: never equal to a place)
        return tuple(out)

    def _remember(
        self, memo: dict[tuple[Any, ...], tuple[RunUnit, ...]], key: tuple[Any, ...], units: tuple[RunUnit, ...]
    ) -> None:
        with self._lock:
            while len(memo) >= self._size:
                memo.pop(next(iter(memo)), None)  # the oldest case first
            memo[key] = units

    def fire(self, event_type: str, fact: dict[str, Any]) -> tuple[RunUnit, ...]:
        """The units that apply to a fact, in firing order."""
        memo = self._memo
        if memo is None:
            return self._apply(self.engine.fire(event_type, fact))
        key = self.key(event_type, fact)
        units = memo.get(key)
        if units is None:
            self.misses += 1
            units = self._apply(self.engine.fire(event_type, fact))
            self._remember(memo, key, units)
        else:
            self.hits += 1
        return units

    def fire_many(self, items: list[tuple[str, dict[str, Any]]]) -> list[tuple[RunUnit, ...]]:
        """``fire`` for each ``(event_type, fact)``, in order: the cases not in the memo in one engine call."""
        memo = self._memo
        if memo is None:
            return [self._apply(ids) for ids in self.engine.fire_many(items)]
        keys = [self.key(t, fact) for t, fact in items]
        out: list[tuple[RunUnit, ...] | None] = [memo.get(k) for k in keys]
        first: dict[tuple[Any, ...], int] = {}  # each case not in the memo: the first item of the batch with it
        for i, units in enumerate(out):
            if units is None:
                first.setdefault(keys[i], i)
        self.misses += len(first)
        self.hits += len(items) - len(first)
        if first:
            todo = list(first.values())
            found: dict[tuple[Any, ...], tuple[RunUnit, ...]] = {}
            for i, ids in zip(todo, self.engine.fire_many([items[i] for i in todo]), strict=True):
                found[keys[i]] = units = self._apply(ids)
                self._remember(memo, keys[i], units)
            out = [found[k] if units is None else units for k, units in zip(keys, out, strict=True)]
        return out  # type: ignore[return-value]

    def overridden(self, rule_id: str, applied: set[str]) -> list[str]:
        """The exceptions to ``rule_id`` among the rules that applied (why a default did not)."""
        return sorted(self._exceptions.get(rule_id, _EMPTY) & applied)

    def close(self) -> None:
        """Forget the memo: from now on every case goes to the engine (which refuses once it is closed)."""
        self._memo = None


def field_classes(conditions: list[C.NormalNode | None]) -> tuple[tuple[str, tuple[int, ...] | None], ...]:
    """The fields the conditions read, each with its integer constants when it is compared only with integer
    constants (no field-to-field comparison, no constant of another type), else None (keyed by its value).
    """
    constants: dict[str, set[Any]] = {}
    exact: set[str] = set()

    def walk(node: C.NormalNode | None) -> None:
        if node is None:
            return
        if "all" in node or "any" in node:
            for n in node.get("all") or node.get("any") or ():
                walk(n)
            return
        constants.setdefault(node["field"], set())
        if "ref" in node:
            exact.update((node["field"], node["ref"]))
            constants.setdefault(node["ref"], set())
        elif "value" in node:
            constants[node["field"]].add(node["value"])

    for condition in conditions:
        walk(condition)
    out = []
    for f in sorted(constants):
        cs = constants[f]
        integers = f not in exact and bool(cs) and all(type(c) is int for c in cs)
        out.append((f, tuple(sorted(cs)) if integers else None))
    return tuple(out)
