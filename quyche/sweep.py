"""Every kind of event the contract's table allows (contract §3), on a few reference dates: the events that
``quyche diff --events all`` compares, and that tests sweep.

For each event type, every combination of the values of its fields:

* an enumeration: each of its values; a true/false field: both; an optional field: absent too;
* a whole number (the year of an ``annual_review``): each constant the rules compare it with, and the numbers
  just below and above — the values where a decision can change (``year: 2025`` of the rotation's table: 2024,
  2025, 2026);
* a list of article numbers (``articles``): absent, empty, each single article, and all 23;
* a date field other than the event's ``date`` (``submission_date``, ``session_opening``, the later dates of a
  case …): given (a week after the event's date) or absent — each on its own where a rule's condition reads it,
  all together otherwise (a field no condition reads only fixes the due dates of the deadlines counted from it);
* the event's ``date``: absent, and each **reference date**: the first day of every period the rules tell apart
  (a rule version's ``in_force`` dates, the period of validity, the dates conditions compare with, and the dates
  of effect given in ``extra_dates``), and the day before the first.

Built from the rule sets compared (both sides of an amendment), so a value an amendment introduces (a new year in
a table, a new date of effect) is swept too. The result is deterministic: the same rules give the same events in
the same order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from quyche.events import EVENT_TYPES, FIELD_SPECS, FieldSpec
from quyche.events_base import ArticleNo
from quyche.rules import conditions as C
from quyche.rules.compile import Plan

#: How far after the event's date the other date fields of a swept event fall.
LATER = timedelta(days=7)
#: A year for an event type whose year no rule compares (none in the bundled rules).
DEFAULT_YEAR = 2024
N_ARTICLES = len(range(1, 24))
_DATE_FIELDS = ("date", C.REFERENCE_DATE)


def _leaves(node: C.NormalNode | None) -> Iterator[C.NormalNode]:
    if node is None:
        return
    if "all" in node or "any" in node:
        for child in node["all"] if "all" in node else node["any"]:
            yield from _leaves(child)
    else:
        yield node


def _day(value: int) -> date:
    return date(value // 10000, value // 100 % 100, value % 100)


def reference_dates(plans: Iterable[Plan], extra_dates: Iterable[date] = ()) -> list[date]:
    """The first day of every period the rules tell apart by the reference date, and the day before the first."""
    starts: set[date] = set(extra_dates)
    for plan in plans:
        for u in plan.units:
            for leaf in _leaves(u.when):
                if leaf.get("field") not in _DATE_FIELDS or not isinstance(leaf.get("value"), int):
                    continue
                day = _day(leaf["value"])
                after = day + timedelta(days=1)
                starts |= (
                    {after} if leaf["op"] in ("gt", "le") else {day} if leaf["op"] in ("lt", "ge") else {day, after}
                )
    if not starts:
        starts = {date(DEFAULT_YEAR, 1, 1)}
    ordered = sorted(starts)
    return [ordered[0] - timedelta(days=1), *ordered]


def _fields_read(plans: Sequence[Plan], event_type: str) -> set[str]:
    read: set[str] = set()
    for plan in plans:
        for u in plan.by_type.get(event_type, ()):
            for leaf in _leaves(u.when):
                read.add(leaf["field"])
                if "ref" in leaf:
                    read.add(leaf["ref"])
    return read


def _numbers(plans: Sequence[Plan], event_type: str, name: str) -> list[int]:
    constants: set[int] = set()
    for plan in plans:
        for u in plan.by_type.get(event_type, ()):
            for leaf in _leaves(u.when):
                value = leaf.get("value")
                if leaf.get("field") == name and isinstance(value, int) and not isinstance(value, bool):
                    constants |= {value - 1, value, value + 1}
    return sorted(constants) or [DEFAULT_YEAR]


def field_values(plans: Sequence[Plan], event_type: str, spec: FieldSpec) -> list[Any]:
    """The values swept for a field other than a date (``None``: the field is absent)."""
    values: list[Any]
    if spec.kind == "enum":
        values = list(spec.values)
    elif spec.kind == "bool":
        values = [True, False]
    elif spec.kind == "int":
        values = list(_numbers(plans, event_type, spec.name))
    elif spec.kind == "list":
        articles: list[ArticleNo] = list(range(1, N_ARTICLES + 1))
        values = [[], *([n] for n in articles), articles]
    else:  # free text (an id): absent, as a swept event is not one case of anyone's
        return [None] if not spec.required else ["x"]
    return values if spec.required else [*values, None]


def _date_variants(plans: Sequence[Plan], event_type: str) -> list[tuple[str, ...]]:
    """The sets of date fields (other than ``date``) a swept event gives."""
    dated = [n for n, s in FIELD_SPECS[event_type].items() if s.kind == "date" and n != "date"]
    read = _fields_read(plans, event_type)
    own = [n for n in dated if n in read]  # each on its own: a condition reads it
    rest = tuple(n for n in dated if n not in read)  # together: they only fix due dates
    variants = []
    for chosen in itertools.product(*([(), (n,)] for n in own)):
        given = tuple(n for part in chosen for n in part)
        variants.append(given)
        if rest:
            variants.append(given + rest)
    return variants


def events(
    plans: Sequence[Plan],
    *,
    extra_dates: Iterable[date] = (),
    types: Iterable[str] | None = None,
    dates: Sequence[date | None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every combination of the event table (of ``types``, default all) on the reference dates (or on ``dates``:
    ``None`` for an undated event), as events.
    """
    days: list[date | None] = [None, *reference_dates(plans, extra_dates)] if dates is None else list(dates)
    first = next((d for d in days if d is not None), reference_dates(plans, extra_dates)[1])
    for event_type in types if types is not None else sorted(EVENT_TYPES):
        specs = FIELD_SPECS[event_type]
        names = [n for n, s in specs.items() if s.kind != "date" and n != "id"]
        choices = [field_values(plans, event_type, specs[n]) for n in names]
        variants = _date_variants(plans, event_type)
        for combo in itertools.product(*choices):
            base: dict[str, Any] = {"type": event_type}
            base.update({n: v for n, v in zip(names, combo, strict=True) if v is not None})
            for day in days:
                later = ((day or first) + LATER).isoformat()
                for given in variants:
                    event = dict(base)
                    if day is not None:
                        event["date"] = day.isoformat()
                    event.update({n: later for n in given})
                    yield event


def count(plans: Sequence[Plan], *, extra_dates: Iterable[date] = ()) -> int:
    """How many events :func:`events` gives."""
    return sum(1 for _ in events(plans, extra_dates=extra_dates))
