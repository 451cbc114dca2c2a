"""The durable-rules engine, made safe. The only module that imports ``durable``.

durable-rules 2.0.28 (unmaintained since 2020) keeps global state in a C engine that is not thread-safe,
has fixed-size tables that overflow silently, and leaks what it allocates. This adapter:

* calls the C engine (``durable_rules_engine``) directly: no ``Host`` (whose background threads race the
  C engine) and no Python callback (durable swallows callback exceptions);
* evaluates with ``assert_fact``, then ``start_action_for_state`` / ``complete_and_start_action`` until no
  action is left (the message of each names its rule), then ``retract_fact``: *every* matching rule fires
  and nothing is left behind between calls (``post`` would fire only one rule);
* holds one process-wide lock around every call into the C engine (concurrent calls segfault), and
  re-creates it in a child after ``fork`` — the lock is taken before the fork, so no call is half-done
  in the child;
* never takes that lock in a finalizer: a Regulation freed by the garbage collector (which may run on a
  thread that holds the lock, in the middle of an evaluation) only queues its release; the queue is
  drained, under the lock, at the next call into the engine;
* sends the event fields ``id`` and ``sid`` under other names (durable gives those names a meaning);
* guards every rule with a marker field so that no rule can match durable's own state fact (a
  ``not_exists``-only rule would otherwise loop forever);
* de-duplicates fired rules (``$or`` fires once per true branch) and re-orders them by definition;
* turns every durable exception into an :class:`~quyche.errors.EngineError`.

**Capacity** (measured; docs/architecture.md, "durable-rules' limits"). durable's rule network has
fixed-size tables: 511 children per node in its hash set (one more makes evaluation loop, two more make
``createRuleset`` spin forever in C), 127 in its list (``not_exists`` nodes and the join nodes of ``any``;
error 107 beyond 128), 255 rules ending on one node (256 give wrong answers, error 108 beyond), 64 nodes on
its evaluation stack (error 303), 31 expressions per rule (error 113). :func:`plan` models the network
durable builds from the very JSON :func:`to_durable` produces and spreads each event type's rules over as
many rulesets as needed to stay well under every limit (:data:`LIMITS`), splitting a rule's ``any``
across rulesets when one rule alone is too wide; what no split can bring under a limit is a
:class:`~quyche.errors.RuleFileError` at load time (on both engines), naming the event type, the rule,
the count and the limit. No C call is ever made with a ruleset the model has not checked.

**Memory.** durable never frees a ruleset's session state and leaks ~0.2 MB each time a used ruleset is
deleted. Rulesets are therefore shared, reference-counted, by every engine whose plan holds the same
definition (the same rules), and a released ruleset has its state reset (``delete_state``, after one
full action cycle of a warm-up rule, without which durable frees uninitialised pointers) and is kept,
idle, for the next load of the same rules (at most :data:`IDLE_RULESETS`, least recently used deleted).

Speed (docs/performance.md): the message holds only the fields the event type's rules read (computed at
load time), and :meth:`DurableEngine.fire_many` holds the lock once for a whole batch.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import weakref
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, NamedTuple

from quyche.errors import EngineError, RegulationClosed, RuleFileError
from quyche.rules import conditions as C
from quyche.rules.runplan import RunPlan, RunUnit

try:  # the C extension may fail to build or import (e.g. on Python 3.13 without the CPPFLAGS fix)
    import durable_rules_engine

    _create_ruleset = durable_rules_engine.create_ruleset
    _delete_ruleset = durable_rules_engine.delete_ruleset
    _delete_state = durable_rules_engine.delete_state
    _assert_fact = durable_rules_engine.assert_fact
    _retract_fact = durable_rules_engine.retract_fact
    _start_action = durable_rules_engine.start_action_for_state
    _complete_action = durable_rules_engine.complete_and_start_action
    IMPORT_ERROR: str | None = None
except Exception as exc:  # noqa: BLE001 - any import failure means "use the python engine"
    IMPORT_ERROR = f"{type(exc).__name__}: {exc}"

_LOCK = threading.Lock()  # process-wide: the C engine is not thread-safe (re-created after fork)
_NAMES = itertools.count()
_MARK = "__ev"
_ABSENT: Any = object()
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def available() -> bool:
    """Whether durable-rules imports on this interpreter."""
    return IMPORT_ERROR is None


#: Field names durable gives a meaning of its own: a fact without ``id`` gets one (so ``$ex id`` would
#: always hold), and ``sid`` picks the session. Event fields of these names travel under other names.
_RESERVED = {"id": "__id", "sid": "__sid"}


def durable_field(name: str) -> str:
    """The name under which an event field travels in durable's messages."""
    return _RESERVED.get(name, name)


def to_durable(node: dict[str, Any]) -> dict[str, Any]:
    """A normalised condition in durable's JSON condition language."""
    if "all" in node:
        return {"$and": [to_durable(n) for n in node["all"]]}
    if "any" in node:
        return {"$or": [to_durable(n) for n in node["any"]]}
    f, op = durable_field(node["field"]), node["op"]
    if op == "exists":
        return {"$ex": {f: 1}}
    if op == "not_exists":
        return {"$nex": {f: 1}}
    if "ref" in node:
        # a field of the same message (``$m``); durable finds ``a == $m.b`` and ``a != $m.b`` both true when
        # ``b`` is absent (measured), so the reference is guarded: the comparison holds only when both are present
        ref = durable_field(node["ref"])
        compare = {"$neq": {f: {"$m": ref}}} if op == "ne" else {f: {"$m": ref}}
        return {"$and": [{"$ex": {ref: 1}}, compare]}
    v = node["value"]
    if op == "eq":
        return {f: v}
    return {{"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}[op]: {f: v}}


def guarded(when: dict[str, Any] | None) -> dict[str, Any]:
    """A rule's durable condition: the marker every event carries, and the condition."""
    mark = {"$ex": {_MARK: 1}}
    return mark if when is None else {"$and": [mark, to_durable(when)]}


# --- capacity: a model of the network durable builds, and the plan of rulesets ---------------------


class Limit(NamedTuple):
    """One limit of durable-rules' C engine: what it counts, what was measured, what quyche allows."""

    what: str
    measured: int
    allowed: int


#: The limits the plan keeps (``allowed``), with what was measured on durable-rules 2.0.28
#: (docs/architecture.md says how). ``allowed`` leaves a margin below the measured value, except for
#: the expression count, which is exact.
LIMITS = {
    "hash": Limit("distinct conditions following one condition", 511, 448),
    "list": Limit("not_exists conditions and any-groups ending on one condition", 127, 112),
    "beta": Limit("rules whose conditions end on the same condition", 255, 224),
    "stack": Limit("conditions one event can hold at once on durable's evaluation stack", 64, 48),
    "expressions": Limit("expressions in one rule (two per all/any group)", 31, 30),
    "rules": Limit("rules in one ruleset", 4096, 1024),
}
#: At most this many rulesets per event type, and pieces per rule, before the load fails.
MAX_RULESETS = 256
#: Released rulesets kept for the next load of the same rules (least recently used deleted first).
IDLE_RULESETS = 32


class _Node:
    """An alpha node of durable's network (``rete.c``: ``findAlpha`` / ``linkAlpha``)."""

    __slots__ = ("field", "op", "const", "hashed", "listed", "nex", "betas", "stack")

    def __init__(self, field: str | None, op: str, const: bool) -> None:
        self.field = field
        self.op = op
        self.const = const  # an ``eq`` with a constant: at most one of a field's can match an event
        self.hashed: dict[tuple[str, str, str, Any], _Node] = {}  # the hash set of following conditions
        self.listed: list[_Node] = []  # the list: not_exists nodes and the join nodes of ``$or``
        self.nex: dict[tuple[str, str, str, Any], _Node] = {}  # the not_exists nodes of the list, by key
        self.betas = 0  # rules whose condition ends here
        self.stack = 1  # the most stack entries evaluation may need from this node down


@dataclass
class _Count:
    groups: int = 0
    refs: int = 0


class _Network:
    """The network of one ruleset, built as durable builds it, with the counts its limits bound."""

    def __init__(self) -> None:
        self.root = _Node(None, "root", False)
        self.rules = 0
        self.add_warm_up()

    def add_warm_up(self) -> None:
        self._leaf(self.root, {"$ex": {_WARM: 1}}, set(), _Count()).betas += 1

    @staticmethod
    def _leaf(parent: _Node, expr: dict[str, Any], seen: set[_Node], count: _Count) -> _Node:
        ((key, value),) = expr.items()
        if key.startswith("$"):
            op = key
            ((field, const),) = value.items()
        else:
            op, field, const = "$eq", key, value
        if isinstance(const, dict):  # a reference to another field (``{"$m": "b"}``): one expression
            count.refs += 1
        # durable compares a constant's JSON type and value (``true`` is not ``1``)
        hashable = type(const) in (str, int, float, bool)
        k = (field, op, type(const).__name__, const if hashable else json.dumps(const, sort_keys=True))
        table = parent.nex if op == "$nex" else parent.hashed
        node = table.get(k)
        if node is None:
            node = table[k] = _Node(field, op, op == "$eq" and not isinstance(const, dict))
            if op == "$nex":
                parent.listed.append(node)
        seen.add(parent)
        seen.add(node)
        return node

    def _walk(self, parent: _Node, expr: dict[str, Any], seen: set[_Node], count: _Count) -> _Node:
        if "$and" in expr:
            count.groups += 1
            node = parent
            for part in expr["$and"]:
                node = self._walk(node, part, seen, count)
            return node
        if "$or" in expr:
            count.groups += 1
            join = _Node(None, "$forward", False)  # durable's forward node, never shared
            seen.add(join)
            for part in expr["$or"]:
                end = self._walk(parent, part, seen, count)
                end.listed.append(join)
                seen.add(end)
            return join
        return self._leaf(parent, expr, seen, count)

    def add(self, condition: dict[str, Any]) -> tuple[str, int] | None:
        """Add one rule (its guarded durable condition); the first limit it breaks, with the count."""
        seen: set[_Node] = set()
        count = _Count()
        end = self._walk(self.root, condition, seen, count)
        end.betas += 1
        self.rules += 1
        expressions = 2 * count.groups + count.refs
        if expressions > LIMITS["expressions"].allowed:
            return "expressions", expressions
        if self.rules > LIMITS["rules"].allowed:
            return "rules", self.rules
        for node in seen:
            if len(node.hashed) > LIMITS["hash"].allowed:
                return "hash", len(node.hashed)
            if len(node.listed) > LIMITS["list"].allowed:
                return "list", len(node.listed)
            if node.betas > LIMITS["beta"].allowed:
                return "beta", node.betas
        stack = self._restack(seen)
        if stack > LIMITS["stack"].allowed:
            return "stack", stack
        return None

    def _restack(self, changed: set[_Node]) -> int:
        """Recompute the stack bound of the changed nodes (children first); the root's bound."""
        done: set[_Node] = set()

        def bound(node: _Node) -> int:
            if node not in changed or node in done:
                return node.stack
            children = [*node.hashed.values(), *node.listed]
            deepest = max((bound(c) for c in children), default=0)
            node.stack = max(1, _breadth(node) - 1 + deepest) if children else 1
            done.add(node)
            return node.stack

        return bound(self.root)


def _breadth(node: _Node) -> int:
    """How many of a node's children one event can match at once (an upper bound): every join node,
    and per field the larger of its not_exists node and its other children, counting its ``eq``
    constants once (a field has one value).
    """
    joins = sum(1 for c in node.listed if c.field is None)
    fields: dict[str, list[int]] = {}
    for c in node.hashed.values():
        if c.field == _WARM:  # the warm-up rule's node: no event carries its field
            continue
        counts = fields.setdefault(c.field or "", [0, 0, 0])
        counts[0 if c.const else 1] += 1
    for c in node.nex.values():
        fields.setdefault(c.field or "", [0, 0, 0])[2] += 1
    return joins + sum(max(nex, min(1, eq) + other) for eq, other, nex in fields.values())


_WARM = "__warm"
_WARM_RULE = "__quyche_warm_up"
_WARM_FACT = _dumps({_WARM: 1})


def _split(node: C.NormalNode) -> list[C.NormalNode] | None:
    """Two conditions whose disjunction is ``node``, each narrower, or None when it cannot be split:
    an ``any`` is cut in two halves; an ``all`` is split on its widest splittable part (A ∧ (B ∨ C) is
    (A ∧ B) ∨ (A ∧ C)).
    """
    if "any" in node and len(node["any"]) > 1:
        parts = node["any"]
        half = len(parts) // 2
        return [_any(parts[:half]), _any(parts[half:])]
    if "all" in node:
        parts = node["all"]
        order = sorted(range(len(parts)), key=lambda i: -_width(parts[i]))
        for i in order:
            halves = _split(parts[i])
            if halves is not None:
                return [{"all": [*parts[:i], h, *parts[i + 1 :]]} for h in halves]
    return None


def _any(parts: list[C.NormalNode]) -> C.NormalNode:
    return parts[0] if len(parts) == 1 else {"any": parts}


def _width(node: C.NormalNode) -> int:
    parts: list[C.NormalNode] | None = node.get("all", node.get("any"))
    return 1 if parts is None else sum(_width(n) for n in parts)


def _fits_alone(when: C.NormalNode | None) -> tuple[str, int] | None:
    return _Network().add(guarded(when))


@dataclass(frozen=True)
class Plan:
    """The rulesets of each event type: for each, its definition (durable's JSON) as a string."""

    rulesets: dict[str, tuple[str, ...]]
    #: the fields each event type's rules read: the message carries only these (and the marker)
    fields: dict[str, tuple[tuple[str, str], ...]]


def _rule_error(rule: RunUnit, event_type: str, limit: str, count: int, note: str = "") -> RuleFileError:
    lim = LIMITS[limit]
    return RuleFileError(
        rule.path,
        None,
        f"rule {rule.id!r} ({event_type} events) is beyond the durable-rules engine: {lim.what}: {count}, "
        f"at most {lim.allowed} (measured limit {lim.measured}){note}; simplify or split the rule",
        "rules",
    )


def _pieces(rule: RunUnit, event_type: str) -> list[C.NormalNode | None]:
    """The rule's condition, split into pieces each of which fits in a ruleset on its own."""
    first = _fits_alone(rule.when)
    if first is None:
        return [rule.when]
    out: list[C.NormalNode | None] = []
    work: list[C.NormalNode] = [rule.when] if rule.when is not None else []
    while work:
        piece = work.pop(0)
        if _fits_alone(piece) is None:
            out.append(piece)
            continue
        halves = _split(piece)
        if halves is None or len(out) + len(work) + 2 > MAX_RULESETS:
            raise _rule_error(
                rule,
                event_type,
                *first,
                "" if halves is None else f" (not even split over {MAX_RULESETS} rulesets)",
            )
        work[:0] = halves
    return out


def plan(reg: RunPlan) -> Plan:
    """Spread each event type's rules over rulesets that keep every limit of :data:`LIMITS`; raise a
    RuleFileError naming the event type, the rule, the count and the limit for what cannot be spread.

    Pure: needs no durable-rules (the python engine runs it too, so that a rule folder valid for one
    engine is valid for both).
    """
    rulesets: dict[str, tuple[str, ...]] = {}
    for event_type, rules in reg.by_type.items():
        if not rules:
            continue
        chunks: list[list[tuple[str, dict[str, Any]]]] = []
        current: list[tuple[str, dict[str, Any]]] = []
        names: set[str] = set()
        network = _Network()
        for rule in rules:
            condition = guarded(rule.when)
            if rule.id not in names and network.add(condition) is None:  # the common case
                current.append((rule.id, condition))
                names.add(rule.id)
                continue
            # the ruleset is full (its network, which the rule spoiled, is dropped): start another, with
            # the rule's pieces if it is too wide even alone
            for piece in _pieces(rule, event_type):
                condition = guarded(piece)
                if not current or rule.id in names or network.add(condition) is not None:
                    if current:
                        chunks.append(current)
                    current, names, network = [], set(), _Network()
                    network.add(condition)  # fits alone (checked by _pieces)
                current.append((rule.id, condition))
                names.add(rule.id)
        chunks.append(current)
        if len(chunks) > MAX_RULESETS:
            raise RuleFileError(
                reg.source,
                None,
                f"the {len(rules)} rules of {event_type} events need {len(chunks)} durable-rules rulesets, "
                f"at most {MAX_RULESETS}",
            )
        rulesets[event_type] = tuple(_definition(chunk) for chunk in chunks)
    fields = {
        t: tuple((f, durable_field(f)) for f in sorted(set().union(*(C.fields_of(r.when) for r in rules))))
        for t, rules in reg.by_type.items()
        if rules
    }
    return Plan(rulesets, fields)


def _definition(chunk: list[tuple[str, dict[str, Any]]]) -> str:
    rules: dict[str, Any] = {name: {"all": [{"m": condition}]} for name, condition in chunk}
    rules[_WARM_RULE] = {"all": [{"m": {"$ex": {_WARM: 1}}}]}
    return _dumps(rules)


# --- shared rulesets, deferred release, fork ---------------------------------------------------------


class _Ruleset:
    """One C ruleset, shared by every engine whose plan holds its definition. Guarded by ``_LOCK``."""

    __slots__ = ("definition", "handle", "refs", "used")

    def __init__(self, definition: str, handle: int) -> None:
        self.definition = definition
        self.handle = handle
        self.refs = 0
        self.used = False  # a session state exists (durable creates it at the first assert)


_RULESETS: dict[str, _Ruleset] = {}  # by definition: live and idle
_IDLE: OrderedDict[str, None] = OrderedDict()  # refs == 0, oldest first
#: Releases queued by finalizers (which must not take the lock); drained under the lock.
_PENDING: deque[tuple[str, ...]] = deque()
_FORK = {"held": False, "poisoned": False}


def _drain_locked() -> None:
    while _PENDING:
        _release_locked(_PENDING.popleft())


def _acquire_locked(definition: str) -> _Ruleset:
    rs = _RULESETS.get(definition)
    if rs is None:
        try:
            handle = _create_ruleset(f"quyche{next(_NAMES)}", definition)
        except Exception as exc:  # noqa: BLE001
            raise EngineError(f"durable-rules refused the rules: {exc}") from exc
        rs = _RULESETS[definition] = _Ruleset(definition, handle)
    rs.refs += 1
    _IDLE.pop(definition, None)
    return rs


def _release_locked(definitions: tuple[str, ...]) -> None:
    for definition in definitions:
        rs = _RULESETS.get(definition)
        if rs is None:
            continue
        rs.refs -= 1
        if rs.refs > 0:
            continue
        _reset_locked(rs)
        _IDLE[definition] = None
        while len(_IDLE) > IDLE_RULESETS:
            old, _ = _IDLE.popitem(last=False)
            gone = _RULESETS.pop(old)
            try:
                _delete_ruleset(gone.handle)
            except Exception:  # noqa: BLE001, S110 - best effort on release
                pass


def _reset_locked(rs: _Ruleset) -> None:
    """Free the ruleset's session state. durable's ``delete_state`` frees pointers that only a complete
    action cycle initialises: run one with the warm-up rule first.
    """
    if not rs.used or _FORK["poisoned"]:
        return
    try:
        code, state = _assert_fact(rs.handle, _WARM_FACT)
        if code == 0:
            action = _start_action(rs.handle, state)
            while action:
                action = _complete_action(rs.handle, state)
            _retract_fact(rs.handle, _WARM_FACT)
            _delete_state(rs.handle, "0")
            rs.used = False
    except Exception:  # noqa: BLE001, S110 - keep the state: a leak, never a crash
        pass


def _before_fork() -> None:
    # no call into the C engine may be half-done in the child: fork only between calls
    _FORK["held"] = _LOCK.acquire(timeout=60)


def _after_fork_in_parent() -> None:
    if _FORK["held"]:
        _LOCK.release()


def _after_fork_in_child() -> None:
    global _LOCK
    _LOCK = threading.Lock()  # the parent's threads do not exist here
    if not _FORK["held"]:
        _FORK["poisoned"] = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_after_fork_in_child)


def _check_usable() -> None:
    if _FORK["poisoned"]:
        raise EngineError(
            "this process was forked while another thread was inside durable-rules for over a minute; "
            "its engine state is not safe: use engine='python' in this process"
        )


class DurableEngine:
    """Fires rules through durable-rules; same interface and results as the python engine."""

    name = "durable"

    def __init__(self, reg: RunPlan, the_plan: Plan | None = None) -> None:
        if IMPORT_ERROR is not None:
            raise EngineError(f"durable-rules is not available: {IMPORT_ERROR}")
        the_plan = the_plan if the_plan is not None else plan(reg)
        self._order: dict[str, int] = {r.id: i for i, r in enumerate(reg.rules)}
        self._fields = the_plan.fields
        self._closed = False
        definitions = tuple(d for defs in the_plan.rulesets.values() for d in defs)
        acquired: list[str] = []
        sets: dict[str, tuple[_Ruleset, ...]] = {}
        with _LOCK:
            _check_usable()
            _drain_locked()
            try:
                for event_type, defs in the_plan.rulesets.items():
                    got = []
                    for d in defs:
                        got.append(_acquire_locked(d))
                        acquired.append(d)
                    sets[event_type] = tuple(got)
            except BaseException:
                _release_locked(tuple(acquired))
                raise
        self._sets = sets
        # the finalizer only queues the release: it may run on a thread that holds the lock
        self._release = weakref.finalize(self, _PENDING.append, definitions)
        self._release.atexit = False  # at exit the process frees everything at once

    def _message(self, event_type: str, fact: dict[str, Any]) -> str | None:
        """The fact as durable's JSON message: the fields the type's rules read, in a fixed order, and the marker.

        Written directly (the same JSON as ``json.dumps``): identifiers, numbers and true/false need no escaping;
        any other text goes through the JSON encoder.
        """
        fields = self._fields.get(event_type)
        if fields is None:
            return None
        parts = []
        absent = _ABSENT
        for f, name in fields:
            v = fact.get(f, absent)
            if v is absent:
                continue
            kind = type(v)
            if kind is str and v.isascii() and v.isidentifier():
                parts.append(f'"{name}":"{v}"')
            elif kind is bool:
                parts.append(f'"{name}":true' if v else f'"{name}":false')
            elif kind is int:
                parts.append(f'"{name}":{v}')
            else:
                parts.append(f'"{name}":{_dumps(v)}')
        parts.append(f'"{_MARK}":1')
        return "{" + ",".join(parts) + "}"

    @staticmethod
    def _fire_locked(rs: _Ruleset, message: str, fired: list[str]) -> None:
        """Assert, collect every action (each names its rule), retract. Caller holds ``_LOCK``."""
        handle = rs.handle
        rs.used = True
        code, state = _assert_fact(handle, message)
        if code == 1:
            return  # no rule matched; durable did not store the fact
        if code != 0:
            raise EngineError(f"durable-rules refused the event (code {code})")
        try:
            action = _start_action(handle, state)
            while action:
                text = action[1] if isinstance(action, tuple) else action
                fired.append(text[2 : text.index('"', 2)])  # '{"<rule id>":{"m":…}}'; ids need no escaping
                action = _complete_action(handle, state)
        finally:
            _retract_fact(handle, message)

    def _ordered(self, fired: list[str]) -> list[str]:
        if len(fired) > 1:
            fired = list(dict.fromkeys(fired))  # $or fires once per true branch
            fired.sort(key=self._order.__getitem__)
        return fired

    def _enter_locked(self) -> None:
        if _PENDING:
            _drain_locked()
        if self._closed:
            raise RegulationClosed("this Regulation has been closed: load() the rules again to evaluate")
        _check_usable()

    def fire(self, event_type: str, fact: dict[str, Any]) -> list[str]:
        """The ids of the rules that fire for this fact, in definition order."""
        message = self._message(event_type, fact)
        sets = self._sets.get(event_type, ())
        fired: list[str] = []
        with _LOCK:
            self._enter_locked()
            if message is None:
                return []
            try:
                for rs in sets:
                    self._fire_locked(rs, message, fired)
            except EngineError:
                raise
            except Exception as exc:  # noqa: BLE001 - no durable exception escapes
                raise EngineError(f"durable-rules failed: {type(exc).__name__}: {exc}") from exc
        return self._ordered(fired)

    def fire_many(self, items: list[tuple[str, dict[str, Any]]]) -> list[list[str]]:
        """``fire`` for each ``(event_type, fact)``, in order, holding the lock once for the batch."""
        work = [(self._message(t, fact), self._sets.get(t, ())) for t, fact in items]
        out: list[list[str]] = []
        with _LOCK:
            self._enter_locked()
            try:
                for message, sets in work:
                    fired: list[str] = []
                    if message is not None:
                        for rs in sets:
                            self._fire_locked(rs, message, fired)
                    out.append(fired)
            except EngineError:
                raise
            except Exception as exc:  # noqa: BLE001 - no durable exception escapes
                raise EngineError(f"durable-rules failed: {type(exc).__name__}: {exc}") from exc
        return [self._ordered(f) for f in out]

    @property
    def rulesets(self) -> int:
        """How many durable rulesets this engine uses (shared with engines of the same rules)."""
        return sum(len(s) for s in self._sets.values())

    def close(self) -> None:
        """Release this engine's rulesets (also done when the engine is garbage-collected). Idempotent."""
        detached = self._release.detach()
        with _LOCK:
            self._closed = True
            _drain_locked()
            if detached is not None:
                _release_locked(detached[2][0])
