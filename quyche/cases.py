"""Cases over time (docs/cases.en.md): one event and what has been done about it, each duty tracked.

A **case** is an event (docs/reference.md §3, with the later dates it has reached so far: the day a forwarded
complaint reached the competent body, the day it was accepted …), the duties done (``done``: which
body did which duty, and on which day) and optionally the day to track it on (``today``).
:func:`track` evaluates the event and gives every responsibility of the decision a status:

========== ================================================================================
``met``    done on or before ``due``; also done when no due date is known (a duty with no time
           limit, or whose anchor date the case does not give): no known time limit was passed
``late``   done after ``due``; ``days_late`` > 0
``overdue`` not done and ``today`` is after ``due``; ``days_late`` is how late it is by ``today``
``open``   not done and ``due`` is not passed yet (or the duty has no time limit)
``undated`` not done, and ``due`` is unknown because the case does not give the anchor date
========== ================================================================================

``days_late`` is counted as the deadline counts: calendar days after ``due`` for a deadline in days;
for a deadline in working days, the working days (``quyche.calendar``: weekends, public holidays and
Tết skipped, make-up Saturdays counted) after ``due`` up to and including the day, and at least 1 (a
duty done on the Saturday after a Friday deadline is 1 working day late). It is 0 for ``met`` and
null for ``open`` and ``undated``.

Time travel: a ``done`` entry dated after ``today`` counts as not done yet, so the same case tracked
on different days shows the statuses it had then. The event's own dates are taken as given (a planned
date, such as the first day of a supervision, is known in advance).

``today`` is the argument of :func:`track` when given, else the case's ``today``, else the current
date. ``CaseStatus.duties[i]`` is the status of ``CaseStatus.decision.responsibilities[i]``.

A ``done`` entry naming no duty of the decision, a body that has no such duty, a date before the
event's date, or a duty listed twice is an :class:`~quyche.errors.InvalidEvent` naming the entry
(``done[0].duty`` …), with a did-you-mean suggestion; never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, SerializeAsAny

from quyche import calendar
from quyche.decision import Citation, Decision, Responsibility
from quyche.errors import InvalidEvent, QuycheError, did_you_mean
from quyche.events import parse_event
from quyche.events_base import EventBase, IsoDate, _iso_date, short_repr

if TYPE_CHECKING:
    from quyche.regulation import Regulation

Status = Literal["met", "late", "overdue", "open", "undated"]
#: The statuses, in the order summaries list them.
STATUSES: tuple[Status, ...] = ("met", "late", "overdue", "open", "undated")
#: The keys of a case file (docs/cases.en.md).
CASE_KEYS = ("case", "event", "done", "today")
DONE_KEYS = ("party", "duty", "on")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DoneEntry(_Frozen):
    """One duty done: ``party`` did ``duty`` on the day ``on``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    party: str
    duty: str
    on: IsoDate


class Case(_Frozen):
    """A case file (docs/cases.en.md): an optional id, the event, the duties done, and the day to track it on."""

    case: str | None = None
    event: SerializeAsAny[EventBase]
    done: tuple[DoneEntry, ...] = ()
    today: IsoDate | None = None


class DutyStatus(_Frozen):
    """Where one responsibility of the decision stands on ``today``."""

    party: str
    duty: str
    due: date | None
    status: Status
    done_on: date | None
    days_late: int | None
    citation: Citation


class CaseStatus(_Frozen):
    """The statuses of a case's duties on ``today``; ``duties[i]`` tracks ``decision.responsibilities[i]``."""

    case: str | None
    today: date
    decision: Decision
    duties: list[DutyStatus]

    def count(self, status: Status) -> int:
        """How many duties have ``status``."""
        return sum(1 for d in self.duties if d.status == status)

    def pairs(self) -> list[tuple[DutyStatus, Responsibility]]:
        """Each duty's status with its responsibility (text, deadline, provenance)."""
        return list(zip(self.duties, self.decision.responsibilities, strict=True))


def case_file_schema() -> dict[str, Any]:
    """The JSON Schema of a case file (``schemas/case-file.schema.json``): the event as in
    ``event.schema.json``, the ``done`` entries and ``today``.
    """
    from pydantic import TypeAdapter

    from quyche.events import Event

    event = TypeAdapter(Event).json_schema()
    defs = event.pop("$defs", {})
    iso = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["event"],
        "properties": {
            "case": {"type": ["string", "null"], "description": "the case id, echoed (optional)"},
            "event": {**event, "description": "the event (docs/reference.md §3), with the later dates it has reached"},
            "done": {
                "type": ["array", "null"],
                "description": "what each body did, and when",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": list(DONE_KEYS),
                    "properties": {
                        "party": {"type": "string", "description": "the body that did the duty"},
                        "duty": {"type": "string", "description": "the duty code, as in the decision"},
                        "on": {**iso, "description": "the day it was done (ISO date)"},
                    },
                },
            },
            "today": {"anyOf": [iso, {"type": "null"}], "description": "the day to track on (default: today)"},
        },
        "$defs": defs,
    }


# -- reading a case ---------------------------------------------------------------------------------


def _invalid(loc: list[int | str], msg: str) -> InvalidEvent:
    where = _where(loc)
    return InvalidEvent(f"invalid case: {where}: {msg}", [{"loc": loc, "msg": f"{where}: {msg}"}])


def _where(loc: list[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "case"


def _date(value: Any, loc: list[int | str]) -> date:
    try:
        day: date = _iso_date(value)
        calendar.is_working_day(day)  # the supported years (1990–2100), so that lateness can be counted
    except ValueError as exc:
        raise _invalid(loc, str(exc)) from None
    return day


def parse_case(data: Mapping[str, Any] | Case) -> Case:
    """Validate a case file's content into a :class:`Case`, or raise InvalidEvent naming the key."""
    if isinstance(data, Case):
        return data
    if not isinstance(data, Mapping):
        raise _invalid([], f"expected a mapping with an 'event', got {type(data).__name__}")
    for key in data:
        if key not in CASE_KEYS:
            raise _invalid(
                [str(key)[:100]], f"unknown key{did_you_mean(key, CASE_KEYS)}; keys of a case: {', '.join(CASE_KEYS)}"
            )
    case_id = data.get("case")
    if case_id is not None and not isinstance(case_id, str):
        raise _invalid(["case"], f"the case id is text, got {short_repr(case_id)}")
    if "event" not in data:
        raise _invalid(["event"], "field required")
    try:
        event = parse_event(data["event"])
    except InvalidEvent as exc:
        errors = [{"loc": ["event", *e["loc"]], "msg": f"event.{e['msg']}"} for e in exc.errors]
        first = errors[0]["msg"] if errors else "invalid event"
        raise InvalidEvent(f"invalid case: {first}", errors) from None
    raw_done = data.get("done")
    if raw_done is None:
        raw_done = []
    if not isinstance(raw_done, list):
        raise _invalid(["done"], f"expected a list of {{party, duty, on}}, got {type(raw_done).__name__}")
    done: list[DoneEntry] = []
    for i, entry in enumerate(raw_done):
        if not isinstance(entry, Mapping):
            raise _invalid(["done", i], f"expected a mapping {{party, duty, on}}, got {type(entry).__name__}")
        for key in entry:
            if key is True and "on" not in entry:  # a YAML 1.1 reader (PyYAML) reads the key `on` as true
                raise _invalid(["done", i, "on"], "the key 'on' was read as true by a YAML 1.1 reader: quote it")
            if key not in DONE_KEYS:
                raise _invalid(
                    ["done", i, str(key)[:100]],
                    f"unknown key{did_you_mean(key, DONE_KEYS)}; keys of a done entry: party, duty, on",
                )
        for key in DONE_KEYS:
            if key not in entry:
                raise _invalid(["done", i, key], "field required")
        for key in ("party", "duty"):
            if not isinstance(entry[key], str):
                raise _invalid(["done", i, key], f"expected an identifier, got {short_repr(entry[key])}")
        done.append(DoneEntry(party=entry["party"], duty=entry["duty"], on=_date(entry["on"], ["done", i, "on"])))
    today = None if data.get("today") is None else _date(data["today"], ["today"])
    return Case(case=case_id, event=event, done=tuple(done), today=today)


# -- counting lateness ------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _working_days_of(year: int) -> tuple[int, ...]:
    """``out[i]``: the working days of ``year`` from 1 January to its day ``i`` (0-based), inclusive."""
    day = date(year, 1, 1)
    out: list[int] = []
    n = 0
    while day.year == year:
        n += calendar.is_working_day(day)
        out.append(n)
        day += timedelta(days=1)
    return tuple(out)


def working_days_between(start: date, end: date) -> int:
    """The working days ``d`` with ``start < d <= end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    count = 0
    for year in range(start.year, end.year):
        count += _working_days_of(year)[-1]
    count += _working_days_of(end.year)[end.timetuple().tm_yday - 1]
    count -= _working_days_of(start.year)[start.timetuple().tm_yday - 1]
    return count


def lateness(due: date, day: date, unit: Literal["days", "working_days"]) -> int:
    """How late ``day`` is for a deadline ``due``, counted as the deadline counts (0 if not late).

    In working days: the working days after ``due`` up to and including ``day``, and at least 1 — any
    day after the due date is late, even a day off.
    """
    if day <= due:
        return 0
    if unit == "days":
        return (day - due).days
    return max(1, working_days_between(due, day))


# -- tracking ---------------------------------------------------------------------------------------


def _check_done(case: Case, decision: Decision) -> dict[tuple[str, str], DoneEntry]:
    """The done entries by (party, duty), or InvalidEvent listing every entry that is wrong."""
    holders: dict[str, list[str]] = {}
    for r in decision.responsibilities:
        holders.setdefault(r.duty, [])
        if r.party not in holders[r.duty]:
            holders[r.duty].append(r.party)
    errors: list[dict[str, Any]] = []

    def fail(loc: list[int | str], msg: str) -> None:
        errors.append({"loc": loc, "msg": f"{_where(loc)}: {msg}"})

    seen: dict[tuple[str, str], int] = {}
    out: dict[tuple[str, str], DoneEntry] = {}
    event_date = case.event.date
    for i, d in enumerate(case.done):
        if d.duty not in holders:
            known = ", ".join(sorted(holders)) or "none"
            fail(
                ["done", i, "duty"],
                f"{short_repr(d.duty)} is not a duty of this decision{did_you_mean(d.duty, holders)}"
                f"; its duties: {known}",
            )
        elif d.party not in holders[d.duty]:
            fail(
                ["done", i, "party"],
                f"{short_repr(d.party)} has no duty {d.duty!r} in this decision"
                f"{did_you_mean(d.party, holders[d.duty])}; {d.duty!r} falls to: {', '.join(holders[d.duty])}",
            )
        if event_date is not None and d.on < event_date:
            fail(["done", i, "on"], f"{d.on.isoformat()} is before the event's date {event_date.isoformat()}")
        key = (d.party, d.duty)
        if key in seen:
            fail(["done", i], f"{d.party} {d.duty} is already listed as done[{seen[key]}]")
        seen.setdefault(key, i)
        out.setdefault(key, d)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InvalidEvent(f"invalid case: {errors[0]['msg']}{more}", errors)
    return out


def _status(r: Responsibility, entry: DoneEntry | None, today: date) -> DutyStatus:
    deadline = r.deadline
    due = deadline.due if deadline is not None else None
    done_on = entry.on if entry is not None and entry.on <= today else None  # after today: not yet done
    status: Status
    days_late: int | None = None
    if done_on is not None:
        if due is None or done_on <= due:
            status, days_late = "met", 0
        else:
            status, days_late = "late", lateness(due, done_on, deadline.unit)  # type: ignore[union-attr]
    elif deadline is None:
        status = "open"
    elif due is None:
        status = "undated"
    elif today > due:
        status, days_late = "overdue", lateness(due, today, deadline.unit)
    else:
        status = "open"
    return DutyStatus(
        party=r.party, duty=r.duty, due=due, status=status, done_on=done_on, days_late=days_late, citation=r.citation
    )


def track(regulation: Regulation, case: Mapping[str, Any] | Case, today: date | str | None = None) -> CaseStatus:
    """The status of every duty of a case on ``today`` (docs/cases.en.md). Raises InvalidEvent for a bad case."""
    try:
        parsed = parse_case(case)
        day = _date(today, ["today"]) if today is not None else parsed.today or date.today()
        decision = regulation.evaluate(parsed.event)
        done = _check_done(parsed, decision)
        duties = [_status(r, done.get((r.party, r.duty)), day) for r in decision.responsibilities]
        return CaseStatus(case=parsed.case, today=day, decision=decision, duties=duties)
    except QuycheError:
        raise
    except RecursionError:
        raise _invalid([], "nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - docs/reference.md §5: only QuycheErrors escape
        from quyche.errors import EngineError

        raise EngineError(f"internal error while tracking: {type(exc).__name__}: {exc}") from exc
