"""The durable-rules engine, made safe. The only module that imports ``durable``.

durable-rules 2.0.28 (unmaintained since 2020) keeps global state in a C engine that is not thread-safe
and has traps measured in ``engine-notes.md``. This adapter:

* builds rulesets in durable's JSON form, one ruleset per event type, through a ``Host`` subclass whose
  background threads are disabled (callbacks then run synchronously, on the calling thread);
* evaluates with ``assert_fact`` + ``retract_fact`` on one session, so *every* matching rule fires in
  definition order and nothing is left behind between calls (``post`` would fire only one rule);
* holds one process-wide lock around every call into the C engine (concurrent calls segfault);
* guards every rule with a marker field so a rule can never match durable's own state fact (a
  ``not_exists``-only rule would otherwise loop forever);
* de-duplicates fired rules (``$or`` fires once per true branch) and re-orders them by definition;
* captures callback exceptions (durable swallows them) and turns every durable exception into an
  :class:`~quyche.errors.EngineError`;
* builds a fresh definition dict for every host (durable mutates what it receives) and deletes its
  rulesets from the C engine on :meth:`DurableEngine.close`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from quyche.errors import EngineError
from quyche.rules.compile import CompiledRegulation

try:  # the C extension may fail to build or import (e.g. on Python 3.13 without the CPPFLAGS fix)
    import durable_rules_engine
    from durable.engine import Host, MessageNotHandledException

    class _SyncHost(Host):  # type: ignore[misc]
        def _run(self) -> None:  # no background threads: callbacks run inside assert_fact
            pass

    IMPORT_ERROR: str | None = None
except Exception as exc:  # noqa: BLE001 - any import failure means "use the python engine"
    IMPORT_ERROR = f"{type(exc).__name__}: {exc}"

_LOCK = threading.Lock()  # process-wide: the C engine is not thread-safe
_NAMES = itertools.count()
_MARK = "__ev"


def available() -> bool:
    """Whether durable-rules imports on this interpreter."""
    return IMPORT_ERROR is None


def to_durable(node: dict[str, Any]) -> dict[str, Any]:
    """A normalised condition in durable's JSON condition language."""
    if "all" in node:
        return {"$and": [to_durable(n) for n in node["all"]]}
    if "any" in node:
        return {"$or": [to_durable(n) for n in node["any"]]}
    f, op = node["field"], node["op"]
    if op == "exists":
        return {"$ex": {f: 1}}
    if op == "not_exists":
        return {"$nex": {f: 1}}
    v = node["value"]
    if op == "eq":
        return {f: v}
    return {{"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}[op]: {f: v}}


class DurableEngine:
    """Fires rules through durable-rules; same interface and results as the python engine."""

    name = "durable"

    def __init__(self, reg: CompiledRegulation) -> None:
        if IMPORT_ERROR is not None:
            raise EngineError(f"durable-rules is not available: {IMPORT_ERROR}")
        self._fired: list[str] = []
        self._errors: list[BaseException] = []
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
                    "run": self._callback(r.id),
                }
                for r in rules
            }
        with _LOCK:
            try:
                self._host = _SyncHost()
                self._host.set_rulesets(definitions)
            except Exception as exc:  # noqa: BLE001
                raise EngineError(f"durable-rules refused the rules: {exc}") from exc
        self._closed = False

    @staticmethod
    def _guarded(when: dict[str, Any] | None) -> dict[str, Any]:
        mark = {"$ex": {_MARK: 1}}
        return mark if when is None else {"$and": [mark, to_durable(when)]}

    def _callback(self, rule_id: str) -> Callable[[Any], None]:
        def run(c: Any) -> None:
            try:
                self._fired.append(rule_id)
            except BaseException as exc:  # noqa: BLE001 - durable would swallow it
                self._errors.append(exc)

        return run

    def fire(self, event_type: str, fact: dict[str, Any]) -> list[str]:
        """The ids of the rules that fire for this fact, in definition order."""
        name = self._rulesets.get(event_type)
        if name is None:
            return []
        message = dict(fact)
        message[_MARK] = 1
        with _LOCK:
            if self._closed:
                raise EngineError("this regulation's durable engine has been closed")
            self._fired.clear()
            self._errors.clear()
            try:
                try:
                    self._host.assert_fact(name, message)
                except MessageNotHandledException:
                    return []  # no rule matched; durable did not store the fact
                try:
                    self._host.retract_fact(name, message)
                except MessageNotHandledException:
                    pass
            except EngineError:
                raise
            except Exception as exc:  # noqa: BLE001 - no durable exception escapes
                raise EngineError(f"durable-rules failed: {type(exc).__name__}: {exc}") from exc
            if self._errors:
                raise EngineError(f"a rule callback failed: {self._errors[0]!r}")
            fired = list(dict.fromkeys(self._fired))
        fired.sort(key=self._order.__getitem__)
        return fired

    def close(self) -> None:
        """Delete this engine's rulesets from durable's process-wide table."""
        with _LOCK:
            if getattr(self, "_closed", True):
                return
            self._closed = True
            for rs in getattr(self._host, "_ruleset_list", []):
                try:
                    durable_rules_engine.delete_ruleset(rs._handle)
                except Exception:  # noqa: BLE001, S110 - best effort on release
                    pass
