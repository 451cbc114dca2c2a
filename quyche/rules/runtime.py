"""The *evaluate* stage: the per-event fact, matching on an engine, and defaults giving way to exceptions.

``event_fact`` builds the flat fact both engines match; :class:`Runtime` asks the engine which units hold for it
(:mod:`quyche.rules.pyeval` or :mod:`quyche.rules.durable_adapter`, both from the same plan) and drops every
unit of a rule one of whose exceptions applies too (a narrower rule overrides a general one, as Catala's
default/exception). That step is the same code for both engines, so they cannot disagree on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from quyche.rules import conditions as C
from quyche.rules.compile import Plan, Unit

_EMPTY: frozenset[str] = frozenset()


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
    """Matching on one engine, with exceptions applied. Holds only immutable data besides the engine."""

    def __init__(self, plan: Plan, engine: Engine) -> None:
        self.engine = engine
        self._units = plan.by_id
        self._exceptions = plan.exceptions

    def _apply(self, ids: Sequence[str]) -> list[Unit]:
        units = [self._units[i] for i in ids]
        if self._exceptions and len(units) > 1:
            applied = {u.rule_id for u in units}
            units = [u for u in units if not (self._exceptions.get(u.rule_id, _EMPTY) & applied)]
        return units

    def fire(self, event_type: str, fact: dict[str, Any]) -> list[Unit]:
        """The units that apply to a fact, in firing order."""
        return self._apply(self.engine.fire(event_type, fact))

    def fire_many(self, items: list[tuple[str, dict[str, Any]]]) -> list[list[Unit]]:
        """``fire`` for each ``(event_type, fact)``, in order (one engine call)."""
        return [self._apply(ids) for ids in self.engine.fire_many(items)]

    def overridden(self, rule_id: str, applied: set[str]) -> list[str]:
        """The exceptions to ``rule_id`` among the rules that applied (why a default did not)."""
        return sorted(self._exceptions.get(rule_id, _EMPTY) & applied)
