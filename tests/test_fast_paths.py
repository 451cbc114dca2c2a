"""The fast paths of issue 15 checked against the slow ones: the memo of fired units (each engine decides every
case itself, the memo's key loses nothing), the JSON written from fragments, the trace reasons filled into
templates, and ``--workers``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import quyche
from quyche.cli import main
from quyche.events import parse_event
from quyche.regulation import Regulation
from quyche.render import reason_words
from quyche.rules import conditions as C
from quyche.rules.runtime import event_fact
from quyche.rules.syntax import fields as condition_fields
from quyche.rules.syntax import leaves
from quyche.testing import event_mix

EVENTS = event_mix(1500, seed=151)


def _fact(event: dict[str, Any], as_of: date | None = None) -> tuple[str, dict[str, Any]]:
    parsed = parse_event(event)
    return event["type"], event_fact(parsed.__dict__, as_of or parsed.date)


@pytest.fixture(scope="module", params=["python", "durable"])
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class _Counting:
    """An engine wrapper that counts the facts it is asked about."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.seen = inner, inner.name, []

    def fire(self, event_type: str, fact: dict[str, Any]) -> list[str]:
        self.seen.append((event_type, fact))
        return list(self.inner.fire(event_type, fact))

    def fire_many(self, items: list[tuple[str, dict[str, Any]]]) -> list[list[str]]:
        self.seen.extend(items)
        return [list(x) for x in self.inner.fire_many(items)]

    def close(self) -> None:
        self.inner.close()


def test_the_memo_asks_its_own_engine_once_per_case(python_reg: Regulation, engine: str) -> None:
    reg = Regulation(python_reg._run, engine)  # type: ignore[arg-type]
    plain = Regulation(python_reg._run, engine, memo=0)  # type: ignore[arg-type]
    counting = _Counting(reg._runtime.engine)
    reg._runtime.engine = counting
    cases = set()
    for event in EVENTS[:700]:
        t, fact = _fact(event)
        cases.add(reg._runtime.key(t, fact))
        assert reg.evaluate(event) == plain.evaluate(event)
    assert list(reg.evaluate_many(EVENTS[700:])) == list(plain.evaluate_many(EVENTS[700:]))
    for event in EVENTS[700:]:
        cases.add(reg._runtime.key(*_fact(event)))
    assert len(counting.seen) == len(cases)  # every case once, by this engine
    assert len({reg._runtime.key(t, f) for t, f in counting.seen}) == len(cases)
    other = Regulation(python_reg._run, engine)  # type: ignore[arg-type]
    other_counting = _Counting(other._runtime.engine)
    other._runtime.engine = other_counting
    other.evaluate(EVENTS[0])
    assert len(other_counting.seen) == 1  # its own memo: nothing is shared between Regulations
    for r in (reg, plain, other):
        r.close()


def test_a_closed_durable_regulation_refuses_even_a_remembered_case() -> None:
    reg = quyche.load(engine="durable")
    event = {"type": "annual_review", "year": 2024}
    reg.evaluate(event)
    reg.close()
    with pytest.raises(quyche.QuycheError):
        reg.evaluate(event)


def _same_case_same_answer(reg: Regulation, facts: list[tuple[str, dict[str, Any]]]) -> None:
    """Facts with the same memo key get the same answer from the engine itself (no memo involved)."""
    answers: dict[tuple[Any, ...], list[str]] = {}
    groups: dict[tuple[Any, ...], int] = defaultdict(int)
    for t, fact in facts:
        key = reg._runtime.key(t, fact)
        got = list(reg._runtime.engine.fire(t, fact))
        assert answers.setdefault(key, got) == got, (key, fact)
        groups[key] += 1
    assert max(groups.values()) > 1  # the check compared something


def test_the_memo_key_loses_nothing_on_the_event_mix(python_reg: Regulation, engine: str) -> None:
    reg = Regulation(python_reg._run, engine, memo=0)  # type: ignore[arg-type]
    facts = [_fact(e) for e in EVENTS]
    facts += [_fact(e, date(2025, 2, 19) + timedelta(days=k % 3)) for k, e in enumerate(EVENTS[:300])]
    _same_case_same_answer(reg, facts)
    reg.close()


_BASE = quyche.load(engine="python")
_PY = Regulation(_BASE._run, "python", memo=0)  # the engines alone, for the property below
_DUR = Regulation(_BASE._run, "durable", memo=0)


def _moved(event: dict[str, Any], day: date) -> dict[str, Any]:
    """The event on another day, its later dates (a session's opening and closing, the day a case was
    accepted …) moved with it, so that they keep their order and their distance from its date."""
    later = {
        k: date.fromisoformat(v)
        for k, v in event.items()
        if k not in ("date", "id") and isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[:4].isdigit()
    }
    if "date" in event:
        base = date.fromisoformat(event["date"])
    else:
        base = min(later.values(), default=day) - timedelta(days=30)
    return {**event, "date": day.isoformat(), **{k: (day + (v - base)).isoformat() for k, v in later.items()}}


@given(
    st.sampled_from(EVENTS[:200]),
    st.lists(st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31)), min_size=2, max_size=6),
)
def test_the_memo_key_loses_nothing_on_any_date(event: dict[str, Any], days: list[date]) -> None:
    """Dates are keyed by the interval of the rules' date constants they fall in: every date of one interval
    gets the same answer from both engines (the ones that share a key with another, at least)."""
    for reg in (_PY, _DUR):
        facts = []
        for day in days:
            facts.append(_fact(_moved(event, day)))
        answers: dict[tuple[Any, ...], list[str]] = {}
        for t, fact in facts:
            key = reg._runtime.key(t, fact)
            got = list(reg._runtime.engine.fire(t, fact))
            assert answers.setdefault(key, got) == got, (key, fact)


@pytest.mark.parametrize("as_of", [None, "2024-06-01", "2030-01-01"])
def test_json_from_fragments_is_model_dump_json(python_reg: Regulation, engine: str, as_of: str | None) -> None:
    reg = quyche.load(engine=engine)  # type: ignore[arg-type]
    got = list(reg._json_many(EVENTS[:600], as_of=as_of))
    assert got == [reg.evaluate(e, as_of=as_of).model_dump_json().encode() for e in EVENTS[:600]]
    assert all(isinstance(g, bytes) for g in got)
    odd = {"type": "annual_review", "year": 2024, "id": 'é"\\\n\u2028\x00 ✓', "date": "2024-06-03"}
    (one,) = reg._json_many([odd])
    assert one == reg.evaluate(odd).model_dump_json().encode()
    assert json.loads(one)["event_id"] == odd["id"]
    reg.close()


def test_trace_reasons_are_the_rendered_words(python_reg: Regulation) -> None:
    """Every trace entry's reason and tests held are what rendering the unit's condition for this fact gives."""
    for event in EVENTS[:800]:
        decision = python_reg.evaluate(event)
        _, fact = _fact(event)
        for entry in decision.trace:
            unit = python_reg.compiled.unit_for(entry.rule, entry.row)
            names = condition_fields(unit.condition)
            shown = {f: v for f, v in fact.items() if f in names}
            truths = {t.index: C.test_holds(t, shown) for t in leaves(unit.condition)}
            assert entry.reason == reason_words(event["type"], unit.condition, truths, "en", shown)
            assert entry.held == [i for i, ok in truths.items() if ok]


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_workers_give_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    lines = [json.dumps(e, ensure_ascii=False) for e in event_mix(5000, seed=3)]
    lines[17] = "{not json"
    lines[2500] = json.dumps({"type": "annual_review", "year": "2024"})
    lines.insert(4100, "")
    path = _write(tmp_path, lines)
    runner = CliRunner()
    one = runner.invoke(main, ["evaluate", "--batch", str(path), "--as-of", "2024-06-01"])
    two = runner.invoke(main, ["evaluate", "--batch", str(path), "--as-of", "2024-06-01", "--workers", "2"])
    three = runner.invoke(main, ["evaluate", "--batch", str(path), "--engine", "python", "--workers", "3"])
    assert one.exit_code == two.exit_code == three.exit_code == 2
    assert one.stdout_bytes == two.stdout_bytes
    assert one.stderr == two.stderr and "2 of 5000 lines" in two.stderr
    assert [json.loads(x).get("line") for x in three.stdout.splitlines()].count(None) == 4998
    assert json.loads(two.stdout.splitlines()[17]) == {
        "line": 18,
        "error": json.loads(one.stdout.splitlines()[17])["error"],
    }


def test_workers_need_batch_and_a_good_as_of(tmp_path: Path) -> None:
    path = _write(tmp_path, [json.dumps({"type": "annual_review", "year": 2024})])
    runner = CliRunner()
    alone = runner.invoke(main, ["evaluate", str(path), "--workers", "2"])
    assert alone.exit_code == 2 and "--batch" in alone.stderr
    bad = runner.invoke(main, ["evaluate", "--batch", str(path), "--workers", "2", "--as-of", "2024-13-01"])
    assert bad.exit_code == 2 and "as_of" in bad.stderr and bad.stdout == ""


def test_workers_writing_to_a_pipe_give_the_same_bytes(tmp_path: Path) -> None:
    """Standard output is a pipe: each worker writes its blocks there itself, in input order."""
    import subprocess
    import sys

    lines = [json.dumps(e, ensure_ascii=False) for e in event_mix(3000, seed=8)]
    lines[1200] = "a line\rwith a carriage return"
    path = _write(tmp_path, lines)
    cmd = [sys.executable, "-m", "quyche", "evaluate", "--batch", str(path), "--engine", "python"]
    one = subprocess.run(cmd, capture_output=True, check=False, timeout=300)
    two = subprocess.run([*cmd, "--workers", "2"], capture_output=True, check=False, timeout=300)
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout and one.stdout.count(b"\n") == 3000
    assert one.stderr == two.stderr


def test_the_python_index_leaves_out_only_rules_that_cannot_fire(python_reg: Regulation) -> None:
    """The python engine tries only the rules its index keeps for a fact: the same as trying them all."""
    from quyche.rules.pyeval import PythonEngine

    engine = PythonEngine(python_reg._run)
    pruned = 0
    days = [None, date(2021, 6, 30), date(2021, 7, 1), date(2025, 2, 19), date(2025, 2, 20), date(2025, 6, 30)]
    for k, event in enumerate(EVENTS):
        t, fact = _fact(event, days[k % len(days)])
        every = engine._by_type[t]
        assert engine.fire(t, fact) == [rid for rid, holds in every if holds(fact)], fact
        pruned += len(every) - len(engine._pick[t](fact))
    assert pruned > 0  # the index did leave rules out


def test_the_durable_message_is_the_json_of_the_fields_the_rules_read() -> None:
    """The adapter writes its messages itself: each is the JSON of the fields the type's rules read, and the marker."""
    reg = quyche.load(engine="durable")
    engine = reg._runtime.engine
    odd = {"type": "petition_received", "received_by": "ubnd", "kind": "complaint", "competent_body": "ubnd"}
    for event in [*EVENTS, odd]:
        t, fact = _fact(event)
        fields = engine._fields.get(t)
        if fields is None:
            continue
        expected = {name: fact[f] for f, name in fields if f in fact}
        expected["__ev"] = 1
        assert json.loads(engine._message(t, fact)) == expected
    text = {"x": 'a "quoted" é\n', "y": "not an identifier"}
    engine._fields["petition_received"] = (*engine._fields["petition_received"], ("x", "x"), ("y", "y"))
    assert json.loads(engine._message("petition_received", text)) == {**text, "__ev": 1}
    reg.close()
