"""The pure-Python engine: the same compiled rules, evaluated directly.

It is the test oracle for the durable-rules engine and the fallback where durable-rules cannot be
imported. It has no state: each call reads only its arguments. Conditions are compiled into closures
once, at load time (:func:`~quyche.rules.conditions.compile_predicate`, same semantics as ``holds``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quyche.rules import conditions as C

if TYPE_CHECKING:
    from quyche.rules.compile import Plan
    from quyche.rules.runplan import RunPlan


class PythonEngine:
    """Fires, in order, every rule of the event's type whose condition holds."""

    name = "python"

    def __init__(self, reg: Plan | RunPlan) -> None:
        self._by_type = {
            t: tuple((r.id, C.compile_predicate(r.when)) for r in rules) for t, rules in reg.by_type.items()
        }

    def fire(self, event_type: str, fact: dict[str, Any]) -> list[str]:
        """The ids of the rules that fire for this fact, in firing order."""
        return [rid for rid, holds in self._by_type.get(event_type, ()) if holds(fact)]

    def fire_many(self, items: list[tuple[str, dict[str, Any]]]) -> list[list[str]]:
        """``fire`` for each ``(event_type, fact)``, in order."""
        by_type = self._by_type
        return [[rid for rid, holds in by_type.get(t, ()) if holds(fact)] for t, fact in items]

    def close(self) -> None:
        """Nothing to release."""
