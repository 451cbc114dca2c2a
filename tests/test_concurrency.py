"""A Regulation on the durable engine may be shared by threads (``quyche/regulation.py``): many threads
evaluating through one Regulation give the decisions one thread gives. durable-rules' C engine keeps
global state and is not thread-safe; the adapter's lock must make it so. A hang fails the test instead of
stalling CI (:func:`quyche.testing.hang_guard`, and every join has a timeout).
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest

import quyche
from quyche.decision import Decision
from quyche.events import EVENT_TYPES, FIELD_SPECS
from quyche.regulation import Regulation
from quyche.testing import MAX_DATE, MIN_DATE, hang_guard, later_dates_in_order

THREADS = 8
ROUNDS = 2  # each thread evaluates every event this many times
JOIN_TIMEOUT = 300.0


def corpus(seed: int = 20210701) -> list[tuple[dict[str, Any], date | None]]:
    """Every combination of the required enumerations of every event type, each with optional fields
    drawn at random (fixed seed), and a date or ``as_of`` spread over 2019–2028.
    """
    rnd = random.Random(seed)
    span = (MAX_DATE - MIN_DATE).days

    def a_date() -> str:
        return (MIN_DATE + timedelta(days=rnd.randrange(span))).isoformat()

    out: list[tuple[dict[str, Any], date | None]] = []
    for event_type in sorted(EVENT_TYPES):
        specs = FIELD_SPECS[event_type]
        required = [s for s in specs.values() if s.required]
        domains = [s.values if s.kind == "enum" else range(2020, 2028) for s in required]
        for combo in itertools.product(*domains):
            event: dict[str, Any] = {"type": event_type, **{s.name: v for s, v in zip(required, combo, strict=True)}}
            for s in specs.values():
                if s.required or rnd.random() < 0.5:
                    continue
                if s.kind == "enum":
                    event[s.name] = rnd.choice(s.values)
                elif s.kind == "bool":
                    event[s.name] = rnd.random() < 0.5
                elif s.kind == "date":
                    event[s.name] = a_date()
                elif s.kind == "str":
                    event[s.name] = f"e{len(out)}"
                elif s.kind == "list":
                    event[s.name] = sorted(rnd.sample(range(1, 24), rnd.randrange(4)))
            as_of = MIN_DATE + timedelta(days=rnd.randrange(span)) if rnd.random() < 0.3 else None
            out.append((later_dates_in_order(event), as_of))
    return out


def _run_threads(work: Callable[[int], None], n: int) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def run(i: int) -> None:
        try:
            start.wait(timeout=JOIN_TIMEOUT)
            work(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,), daemon=True, name=f"evaluator-{i}") for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=JOIN_TIMEOUT)
    stuck = [t.name for t in threads if t.is_alive()]
    assert not stuck, f"threads still running after {JOIN_TIMEOUT} s (a hang or a deadlock): {stuck}"
    if errors:
        raise errors[0]


@pytest.fixture(scope="module")
def durable() -> Iterator[Regulation]:
    with quyche.load(engine="durable") as reg:
        yield reg


@pytest.fixture(scope="module")
def events_and_expected(durable: Regulation) -> tuple[list[tuple[dict[str, Any], date | None]], list[Decision]]:
    events = corpus()
    with hang_guard(JOIN_TIMEOUT, rearm=1200):
        expected = [durable.evaluate(e, as_of=a) for e, a in events]
    with quyche.load(engine="python") as python:
        assert expected == [python.evaluate(e, as_of=a) for e, a in events]
    return events, expected


def test_eight_threads_give_the_decisions_of_one(
    durable: Regulation, events_and_expected: tuple[list[tuple[dict[str, Any], date | None]], list[Decision]]
) -> None:
    """``Regulation`` is documented as safe to share between threads: 8 threads evaluating the same
    events in different orders through one durable Regulation get exactly the decisions one thread
    gets (a few thousand evaluations in all).
    """
    events, expected = events_and_expected
    assert len(events) * ROUNDS * THREADS >= 4000
    mismatches: list[tuple[int, int]] = []

    def work(i: int) -> None:
        order = list(range(len(events))) * ROUNDS
        random.Random(i).shuffle(order)
        for k in order:
            event, as_of = events[k]
            if durable.evaluate(event, as_of=as_of) != expected[k]:
                mismatches.append((i, k))

    with hang_guard(JOIN_TIMEOUT + 60, rearm=1200):
        _run_threads(work, THREADS)
    assert not mismatches, [(i, events[k]) for i, k in mismatches[:5]]


def test_threads_stay_correct_while_other_regulations_load_and_close(
    durable: Regulation, events_and_expected: tuple[list[tuple[dict[str, Any], date | None]], list[Decision]]
) -> None:
    """The C engine keeps every ruleset in one process-wide table: loading and closing other durable
    Regulations (a reload, a test, a second tenant) while threads evaluate must not disturb them.
    """
    events, expected = events_and_expected
    sample = list(range(0, len(events), 3))
    mismatches: list[tuple[int, int]] = []

    def work(i: int) -> None:
        if i == 0:
            for _ in range(20):
                with quyche.load(engine="durable") as other:
                    event, as_of = events[sample[0]]
                    assert other.evaluate(event, as_of=as_of) == expected[sample[0]]
            return
        for k in sample:
            event, as_of = events[k]
            if durable.evaluate(event, as_of=as_of) != expected[k]:
                mismatches.append((i, k))

    with hang_guard(JOIN_TIMEOUT + 60, rearm=1200):
        _run_threads(work, 4)
    assert not mismatches, [(i, events[k]) for i, k in mismatches[:5]]


def test_evaluate_many_from_threads_keeps_each_threads_order(
    durable: Regulation, events_and_expected: tuple[list[tuple[dict[str, Any], date | None]], list[Decision]]
) -> None:
    """``evaluate_many`` is lazy and in order; interleaved across threads, each thread still gets its
    own decisions in its own order.
    """
    events, expected = events_and_expected
    undated = [k for k, (_, as_of) in enumerate(events) if as_of is None][:200]
    results: dict[int, list[Decision]] = {}

    def work(i: int) -> None:
        ks = undated[i::4]
        results[i] = list(durable.evaluate_many(events[k][0] for k in ks))
        assert results[i] == [expected[k] for k in ks]

    with hang_guard(JOIN_TIMEOUT + 60, rearm=1200):
        _run_threads(work, 4)
    assert sum(len(v) for v in results.values()) == len(undated)
