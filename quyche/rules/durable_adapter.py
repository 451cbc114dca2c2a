"""The durable-rules engine, made safe. The only module that imports ``durable``.

durable-rules 2.0.28 (unmaintained since 2020) keeps global state in a C engine that is not thread-safe
and has traps (measured when the adapter was written; see docs/architecture.md). This adapter:

* builds rulesets in durable's JSON form, one ruleset per event type, through a ``Host`` subclass whose
  background threads are disabled (callbacks then run synchronously, on the calling thread);
* evaluates with ``assert_fact`` + ``retract_fact`` on one session, so *every* matching rule fires in
  definition order and nothing is left behind between calls (``post`` would fire only one rule);
* holds one process-wide lock around every call into the C engine (concurrent calls segfault);
* sends the event fields ``id`` and ``sid`` under other names (durable gives those names a meaning);
* guards every rule with a marker field so a rule can never match durable's own state fact (a
  ``not_exists``-only rule would otherwise loop forever);
* de-duplicates fired rules (``$or`` fires once per true branch) and re-orders them by definition;
* runs no Python callback (so none can fail silently: durable swallows callback exceptions) and turns
  every durable exception into an :class:`~quyche.errors.EngineError`;
* builds a fresh definition dict for every host (durable mutates what it receives) and deletes its
  rulesets from the C engine on :meth:`DurableEngine.close`.

Speed (docs/performance.md): the rulesets are created through durable's ``Host``, but evaluation calls
the C engine directly — ``assert_fact``, then ``start_action_for_state`` / ``complete_and_start_action``
until no action is left (the message of each names the rule), then ``retract_fact`` — which is exactly
what ``Host.assert_fact`` does minus its per-firing Python objects (a ``Closure``, a ``Promise``, a
timestamp, a ``json.dumps`` of the unchanged state). The message holds only the fields the event
type's rules read (computed at load time), and :meth:`DurableEngine.fire_many` holds the lock once for
a whole batch. The matching itself is durable's, unchanged.
"""

from __future__ import annotations

import itertools
import json
import threading
import weakref
from typing import TYPE_CHECKING, Any

from quyche.errors import EngineError
from quyche.rules import conditions as C

if TYPE_CHECKING:
    from quyche.rules.runplan import RunPlan

try:  # the C extension may fail to build or import (e.g. on Python 3.13 without the CPPFLAGS fix)
    import durable_rules_engine
    from durable.engine import Host

    class _SyncHost(Host):  # type: ignore[misc]
        def _run(self) -> None:  # no background threads: callbacks run inside assert_fact
            pass

    _assert_fact = durable_rules_engine.assert_fact
    _retract_fact = durable_rules_engine.retract_fact
    _start_action = durable_rules_engine.start_action_for_state
    _complete_action = durable_rules_engine.complete_and_start_action
    IMPORT_ERROR: str | None = None
except Exception as exc:  # noqa: BLE001 - any import failure means "use the python engine"
    IMPORT_ERROR = f"{type(exc).__name__}: {exc}"

_LOCK = threading.Lock()  # process-wide: the C engine is not thread-safe
_NAMES = itertools.count()
_MARK = "__ev"
_ABSENT: Any = object()
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _no_action(c: Any) -> None:
    """The rules' action: never run — the engine reads the fired rules from the action messages."""


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


class DurableEngine:
    """Fires rules through durable-rules; same interface and results as the python engine."""

    name = "durable"

    def __init__(self, reg: RunPlan) -> None:
        if IMPORT_ERROR is not None:
            raise EngineError(f"durable-rules is not available: {IMPORT_ERROR}")
        self._order: dict[str, int] = {r.id: i for i, r in enumerate(reg.rules)}
        prefix = f"quyche{next(_NAMES)}"
        self._rulesets: dict[str, str] = {}
        definitions: dict[str, Any] = {}
        for event_type, rules in reg.by_type.items():
            if not rules:
                continue
            name = f"{prefix}_{event_type}"
            self._rulesets[event_type] = name
            definitions[name] = {
                r.id: {
                    "all": [{"m": self._guarded(r.when)}],
                    "run": _no_action,
                }
                for r in rules
            }
        # the fields each event type's rules read: the message carries only these (and the marker)
        self._fields: dict[str, tuple[tuple[str, str], ...]] = {
            t: tuple((f, durable_field(f)) for f in sorted(set().union(*(C.fields_of(r.when) for r in rules))))
            for t, rules in reg.by_type.items()
            if rules
        }
        with _LOCK:
            try:
                self._host = _SyncHost()
                self._host.set_rulesets(definitions)
                self._handles: dict[str, Any] = {t: self._host.get_ruleset(name) for t, name in self._rulesets.items()}
            except Exception as exc:  # noqa: BLE001
                raise EngineError(f"durable-rules refused the rules: {exc}") from exc
        self._closed = False
        # the callbacks hold no reference to self, so the engine can be collected; then release
        self._release = weakref.finalize(self, _release_rulesets, self._host, [False])

    @staticmethod
    def _guarded(when: dict[str, Any] | None) -> dict[str, Any]:
        mark = {"$ex": {_MARK: 1}}
        return mark if when is None else {"$and": [mark, to_durable(when)]}

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

    def _fire_locked(self, handle: int, message: str) -> list[str]:
        """Assert, collect every action (each names its rule), retract. Caller holds ``_LOCK``."""
        code, state = _assert_fact(handle, message)
        if code == 1:
            return []  # no rule matched; durable did not store the fact
        if code != 0:
            raise EngineError(f"durable-rules refused the event (code {code})")
        fired: list[str] = []
        try:
            action = _start_action(handle, state)
            while action:
                text = action[1] if isinstance(action, tuple) else action
                fired.append(text[2 : text.index('"', 2)])  # '{"<rule id>":{"m":…}}'; ids need no escaping
                action = _complete_action(handle, state)
        finally:
            _retract_fact(handle, message)
        return fired

    def _ordered(self, fired: list[str]) -> list[str]:
        if len(fired) > 1:
            fired = list(dict.fromkeys(fired))  # $or fires once per true branch
            fired.sort(key=self._order.__getitem__)
        return fired

    def fire(self, event_type: str, fact: dict[str, Any]) -> list[str]:
        """The ids of the rules that fire for this fact, in definition order."""
        message = self._message(event_type, fact)
        if message is None:
            return []
        handle = self._handles[event_type]._handle
        with _LOCK:
            if self._closed:
                raise EngineError("this regulation's durable engine has been closed")
            try:
                fired = self._fire_locked(handle, message)
            except EngineError:
                raise
            except Exception as exc:  # noqa: BLE001 - no durable exception escapes
                raise EngineError(f"durable-rules failed: {type(exc).__name__}: {exc}") from exc
        return self._ordered(fired)

    def fire_many(self, items: list[tuple[str, dict[str, Any]]]) -> list[list[str]]:
        """``fire`` for each ``(event_type, fact)``, in order, holding the lock once for the batch."""
        work = [(self._message(t, fact), t) for t, fact in items]
        handles = {t: rs._handle for t, rs in self._handles.items()}
        out: list[list[str]] = []
        with _LOCK:
            if self._closed:
                raise EngineError("this regulation's durable engine has been closed")
            try:
                for message, t in work:
                    out.append([] if message is None else self._fire_locked(handles[t], message))
            except EngineError:
                raise
            except Exception as exc:  # noqa: BLE001 - no durable exception escapes
                raise EngineError(f"durable-rules failed: {type(exc).__name__}: {exc}") from exc
        return [self._ordered(f) for f in out]

    def close(self) -> None:
        """Delete this engine's rulesets from durable's process-wide table (also done when the engine
        is garbage-collected, so a Regulation that is simply dropped does not leak C handles).
        """
        with _LOCK:
            self._closed = True
        self._release()


def _release_rulesets(host: Any, released: list[bool]) -> None:
    """Delete a host's rulesets from the C engine, once."""
    with _LOCK:
        if released[0]:
            return
        released[0] = True
        for rs in getattr(host, "_ruleset_list", []):
            try:
                durable_rules_engine.delete_ruleset(rs._handle)
            except Exception:  # noqa: BLE001, S110 - best effort on release
                pass
