"""The pure-Python engine: the same compiled rules, evaluated directly.

It is the test oracle for the durable-rules engine and the fallback where durable-rules cannot be
imported. It has no state: each call reads only its arguments.
"""

from __future__ import annotations

from typing import Any

from quyche.rules import conditions as C
from quyche.rules.compile import CompiledRegulation


class PythonEngine:
    """Fires, in order, every rule of the event's type whose condition holds."""

    name = "python"

    def __init__(self, reg: CompiledRegulation) -> None:
        self._by_type = {t: tuple((r.id, r.when) for r in rules) for t, rules in reg.by_type.items()}

    def fire(self, event_type: str, fact: dict[str, Any]) -> list[str]:
        """The ids of the rules that fire for this fact, in firing order."""
        return [rid for rid, when in self._by_type.get(event_type, ()) if C.holds(when, fact)]

    def close(self) -> None:
        """Nothing to release."""
